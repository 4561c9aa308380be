import { describe, expect, it } from "vitest";
import { outputImageRefs, parseImageRef, parseRunRequest } from "../../../src/sandbox/providers/containerRegistry/runRequest.js";

const run = { runId: "ca7", loginServer: "myreg.azurecr.io" };
const encoded = (yaml: string, values = "") => ({
  type: "EncodedTaskRunRequest",
  encodedTaskContent: Buffer.from(yaml).toString("base64"),
  encodedValuesContent: Buffer.from(values).toString("base64"),
  platform: { os: "Linux" },
});

function images(body: unknown): string[] {
  const parsed = parseRunRequest(body);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return outputImageRefs(parsed.request, run).map((ref) => `${ref.registry}/${ref.repository}:${ref.tag}`);
}

describe("run request parsing", () => {
  it("takes pushed images from the official example's top-level push list, with values substituted", () => {
    const yaml = Buffer.from(
      "c3RlcHM6Cnt7IGlmIFZhbHVlcy5lbnZpcm9ubWVudCA9PSAncHJvZCcgfX0KICAtIHJ1bjogcHJvZCBzZXR1cAp7eyBlbHNlIGlmIFZhbHVlcy5lbnZpcm9ubWVudCA9PSAnc3RhZ2luZycgfX0KICAtIHJ1bjogc3RhZ2luZyBzZXR1cAp7eyBlbHNlIH19CiAgLSBydW46IGRlZmF1bHQgc2V0dXAKe3sgZW5kIH19CgogIC0gcnVuOiBidWlsZCAtdCBGYW5jeVRoaW5nOnt7LlZhbHVlcy5lbnZpcm9ubWVudH19LXt7LlZhbHVlcy52ZXJzaW9ufX0gLgoKcHVzaDogWydGYW5jeVRoaW5nOnt7LlZhbHVlcy5lbnZpcm9ubWVudH19LXt7LlZhbHVlcy52ZXJzaW9ufX0nXQ==",
      "base64",
    ).toString("utf8");
    expect(images(encoded(yaml, "environment: prod\nversion: 1"))).toEqual(["myreg.azurecr.io/fancything:prod-1"]);
  });

  it("uses push step entries over build tags, and build tags when nothing is pushed explicitly", () => {
    const withPush = "steps:\n  - build: -t $Registry/a:{{.Run.ID}} -t $Registry/b:1 .\n  - push:\n    - $Registry/a:{{.Run.ID}}\n  - cmd: echo done\n";
    expect(images(encoded(withPush))).toEqual(["myreg.azurecr.io/a:ca7"]);
    expect(images(encoded("steps:\n  - build: --tag {{.Run.Registry}}/svc/api --file Dockerfile .\n"))).toEqual(["myreg.azurecr.io/svc/api:latest"]);
  });

  it("lets values[] override the values file", () => {
    const body = { ...encoded("steps:\n  - build: -t app:{{.Values.tag}} .\n", "tag: old"), values: [{ name: "tag", value: "new" }] };
    expect(images(body)).toEqual(["myreg.azurecr.io/app:new"]);
  });

  it("reports what is wrong with invalid requests", () => {
    expect(parseRunRequest({ type: "TaskRunRequest", taskId: "x" })).toMatchObject({ ok: false, problems: [expect.stringContaining("'TaskRunRequest' is not supported")] });
    expect(parseRunRequest({ type: "DockerBuildRequest", platform: { os: "Linux" } })).toMatchObject({ ok: false, problems: ["'dockerFilePath' is required"] });
    expect(parseRunRequest({ type: "EncodedTaskRunRequest", encodedTaskContent: "@@@", platform: {} })).toMatchObject({
      ok: false,
      problems: ["'platform.os' is required", "'encodedTaskContent' must be base64"],
    });
  });

  it("splits image references and refuses digests and invalid names", () => {
    expect(parseImageRef("other.azurecr.io/team/app:2", "myreg.azurecr.io")).toEqual({ registry: "other.azurecr.io", repository: "team/app", tag: "2" });
    expect(parseImageRef("localhost:5000/app", "myreg.azurecr.io")).toEqual({ registry: "localhost:5000", repository: "app", tag: "latest" });
    expect(parseImageRef("app@sha256:abc", "myreg.azurecr.io")).toBeUndefined();
    expect(parseImageRef("bad name:tag", "myreg.azurecr.io")).toBeUndefined();
  });
});
