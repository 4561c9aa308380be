/**
 * Every way `POST /api/deployments` refuses a request, over real HTTP: each gets its documented
 * problem (type, status, a pointer per problem), and a refused request starts nothing: no new
 * orchestration instance, no call to Azure.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetTargetsCache } from "../../../src/config/targets.js";
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES } from "../../../src/functions/http/problem.js";
import { MAX_BODY_BYTES } from "../../../src/functions/http/jsonBody.js";
import { targetKey } from "../../../src/entities/names.js";
import { RESOURCE_GROUP, SUBSCRIPTION } from "../../e2e/world.js";
import { GIT_BUILD, startApiWorld, targetFor, type ApiAnswer, type ApiCall, type ApiWorld, type ProblemBody } from "./apiWorld.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const TARGETS = {
  allow: { resourceGroups: [RESOURCE_GROUP] },
  targets: [
    targetFor("web", "api-web", { allowOverrides: ["policy.verifyTimeoutSeconds", "policy.smokePath"], policy: { verifyTimeoutSeconds: 600, warmupGraceSeconds: 120 } }),
    targetFor("built", "api-built", { build: GIT_BUILD, allowOverrides: ["build.source", "build.buildArgs"] }),
    targetFor("open", "api-open", { allowOverrides: ["build"] }),
    targetFor("src-per-request", "api-src", { build: { registry: GIT_BUILD.registry }, allowOverrides: ["build.source"] }),
  ],
};

let api: ApiWorld;
let instancesBefore: string[];
beforeAll(async () => {
  api = await startApiWorld(TARGETS);
  instancesBefore = await api.instanceIds();
});
afterEach(async () => {
  // Whatever was refused, nothing ran: no instance, no call to the sandbox.
  await api.world.settle();
  expect(await api.instanceIds()).toEqual(instancesBefore);
  expect(api.world.sandbox.callLog.calls()).toEqual([]);
});
afterAll(async () => {
  await api?.stop();
});

async function post(call: ApiCall): Promise<ApiAnswer<ProblemBody>> {
  const answer = await api.call<ProblemBody>("POST", "/deployments", call);
  expect(answer.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  expect(answer.body.status).toBe(answer.status);
  return answer;
}

async function invalid(body: unknown, headers: Record<string, string> = {}): Promise<{ pointer: string; detail: string }[]> {
  const answer = await post({ json: body, headers });
  expect(answer.status, answer.text).toBe(400);
  expect(answer.body.type).toBe(PROBLEM_TYPES.validation);
  return answer.body.errors ?? [];
}

const pointers = (errors: { pointer: string }[]): string[] => errors.map((e) => e.pointer).sort();

describe("the body as bytes", () => {
  it("415s a body that is not application/json", async () => {
    const answer = await post({ raw: JSON.stringify({ target: "web", tag: "v2" }), headers: { "content-type": "text/plain" } });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ type: PROBLEM_TYPES.unsupportedMediaType, errors: [{ pointer: "/headers/content-type" }] });
  });

  it("413s a body over 64 KiB", async () => {
    const answer = await post({ json: { target: "web", tag: "v2", padding: "x".repeat(MAX_BODY_BYTES) } });
    expect(answer.status).toBe(413);
    expect(answer.body.type).toBe(PROBLEM_TYPES.payloadTooLarge);
  });

  it("400s malformed JSON and an empty body", async () => {
    const malformed = await post({ raw: '{"target": "web", "tag": ', headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe(PROBLEM_TYPES.malformedJson);
    const empty = await post({ raw: "", headers: { "content-type": "application/json" } });
    expect(empty.status).toBe(400);
    expect(empty.body.type).toBe(PROBLEM_TYPES.malformedJson);
  });
});

describe("the body's fields", () => {
  it("points at every unknown field, at any depth", async () => {
    const errors = await invalid({ target: "web", tag: "v2", image: "x", tags: ["v2"], policy: { verifyTimeout: 60 } });
    expect(errors).toEqual(
      expect.arrayContaining([
        { pointer: "/image", detail: "is not a known field" },
        { pointer: "/tags", detail: "is not a known field" },
        { pointer: "/policy/verifyTimeout", detail: "is not a known field" },
      ]),
    );
    expect(errors).toHaveLength(3);
    // Inside a permitted override, the deploy schema finds them (and they still point into the body).
    const nested = await invalid({ target: "built", tag: "v2", build: { source: { kind: "git", url: "https://github.com/contoso/web.git", branch: "main" } } });
    expect(nested).toEqual([{ pointer: "/build/source/branch", detail: "is not a known field" }]);
  });

  it("400s a bad tag and a bad digest with a pointer at the field", async () => {
    const tag = await invalid({ target: "web", tag: "-v2" });
    expect(pointers(tag)).toEqual(["/tag"]);
    const tooLong = await invalid({ target: "web", tag: "a".repeat(129) });
    expect(pointers(tooLong)).toEqual(["/tag"]);
    const digest = await invalid({ target: "web", digest: "sha256:ABC" });
    expect(pointers(digest)).toEqual(["/digest"]);
    const notString = await invalid({ target: "web", tag: 2 });
    expect(pointers(notString)).toEqual(["/tag"]);
  });

  it("wants exactly one of tag or digest, and a tag when the target builds", async () => {
    expect(await invalid({ target: "web" })).toEqual([{ pointer: "", detail: "give exactly one of tag or digest" }]);
    expect(pointers(await invalid({ target: "web", tag: "v2", digest: DIGEST }))).toEqual([""]);
    const built = await invalid({ target: "built", digest: DIGEST });
    expect(pointers(built)).toEqual(["/digest"]);
    expect(built[0]!.detail).toMatch(/give tag .*not digest/);
  });

  it("needs a valid target name, and an object body", async () => {
    expect(await invalid({ tag: "v2" })).toEqual([{ pointer: "/target", detail: expect.stringContaining("required") }]);
    expect(pointers(await invalid({ target: "Web!", tag: "v2" }))).toEqual(["/target"]);
    expect(pointers(await invalid([{ target: "web", tag: "v2" }]))).toEqual([""]);
    expect(pointers(await invalid({ target: "web", tag: "v2", build: "yes" }))).toEqual(["/build"]);
  });

  it("refuses https-less and credentialed git URLs", async () => {
    for (const url of ["http://github.com/contoso/web.git", "git@github.com:contoso/web.git", "https://user:pw@github.com/contoso/web.git"]) {
      const errors = await invalid({ target: "built", tag: "v2", build: { source: { kind: "git", url } } });
      expect(pointers(errors), url).toEqual(["/build/source/url"]);
    }
  });

  it("asks for the build source when the target leaves it to each request", async () => {
    const errors = await invalid({ target: "src-per-request", tag: "v2" });
    expect(errors).toEqual([{ pointer: "/build/source", detail: expect.stringContaining("takes the build source from each request") }]);
  });

  it("words a build's errors for a person: a missing registry, a wrong kind of value, a limit", async () => {
    // The target has no build and lets a request bring a whole one: without a registry it has nowhere to run.
    const noRegistry = await invalid({ target: "open", tag: "v2", build: { source: GIT_BUILD.source } });
    expect(noRegistry).toEqual([{ pointer: "/build/registry", detail: 'is required: the ACR registry the build runs in, { "resourceGroup", "name"?, "subscriptionId"? }' }]);
    const wrongKinds = await invalid({ target: "open", tag: "v2", build: { registry: "myacr", source: GIT_BUILD.source, cache: "yes", timeoutSeconds: 60 } });
    expect(wrongKinds).toEqual(
      expect.arrayContaining([
        { pointer: "/build/registry", detail: expect.stringMatching(/^must be an object: the ACR registry/) },
        { pointer: "/build/cache", detail: "must be true or false" },
        { pointer: "/build/timeoutSeconds", detail: "must be at least 300 (ACR's minimum)" },
      ]),
    );
    const policy = await invalid({ target: "web", tag: "v2", policy: { verifyTimeoutSeconds: 7201 } });
    expect(policy).toEqual([{ pointer: "/policy/verifyTimeoutSeconds", detail: "must be at most 7200" }]);
    for (const error of [...noRegistry, ...wrongKinds, ...policy]) expect(error.detail).not.toMatch(/Invalid input|expected \w+, received/);
  });

  it("does not let a request read app settings through a build arg", async () => {
    const errors = await invalid({ target: "built", tag: "v2", build: { buildArgs: [{ name: "OK", value: "1" }, { name: "TOKEN", fromSetting: "AzureWebJobsStorage" }] } });
    expect(pointers(errors)).toEqual(["/build/buildArgs/1/fromSetting"]);
    // A bad request arg is pointed at by its index in the body, not in the merged list.
    const bad = await invalid({ target: "built", tag: "v2", build: { buildArgs: [{ name: "OK", value: "1" }, { name: "9BAD", value: "x" }] } });
    expect(pointers(bad)).toEqual(["/build/buildArgs/1/name"]);
  });
});

describe("the target's rules", () => {
  it("400s each field the target does not allow to override, naming its allowOverrides", async () => {
    const errors = await invalid({ target: "web", tag: "v2", policy: { onFailure: "none", verifyTimeoutSeconds: 120 }, build: { dockerfile: "Dockerfile" } });
    expect(pointers(errors)).toEqual(["/build", "/policy/onFailure"]);
    for (const error of errors) expect(error.detail).toContain('allowOverrides is ["policy.verifyTimeoutSeconds", "policy.smokePath"]');
    const built = await invalid({ target: "built", tag: "v2", build: { dockerfile: "Other.Dockerfile", registry: { resourceGroup: RESOURCE_GROUP } } });
    expect(pointers(built)).toEqual(["/build/dockerfile", "/build/registry"]);
  });

  it("explains a permitted override that clashes with the target's other defaults", async () => {
    const errors = await invalid({ target: "web", tag: "v2", policy: { verifyTimeoutSeconds: 90 } });
    expect(errors).toEqual([{ pointer: "/policy/warmupGraceSeconds", detail: expect.stringContaining('policy.warmupGraceSeconds is 120 from target "web"') }]);
  });

  it("403s a build registry outside the allow list", async () => {
    const answer = await post({
      json: { target: "open", tag: "v2", build: { registry: { resourceGroup: "rg-elsewhere", name: "otheracr" }, source: GIT_BUILD.source } },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ type: PROBLEM_TYPES.forbiddenTarget, errors: [{ pointer: "/build/registry/resourceGroup" }] });
  });

  it("400s a malformed Idempotency-Key before reading anything else", async () => {
    for (const key of ["k".repeat(129), "caf\u00e9"]) {
      const errors = await invalid({ target: "web", tag: "v2" }, { "Idempotency-Key": key });
      expect(pointers(errors)).toEqual(["/headers/idempotency-key"]);
    }
  });

  it("503s while the targets configuration is invalid, and starts nothing", async () => {
    process.env.ACA_ROLLOUT_TARGETS = JSON.stringify({ targets: [{ name: "web" }] });
    resetTargetsCache();
    try {
      const answer = await post({ json: { target: "web", tag: "v2" } });
      expect(answer.status).toBe(503);
      expect(answer.body.type).toBe(PROBLEM_TYPES.configurationInvalid);
      expect(answer.body.errors?.map((e) => e.pointer)).toContain("/targets/0/containerApp");
    } finally {
      process.env.ACA_ROLLOUT_TARGETS = JSON.stringify(TARGETS);
      resetTargetsCache();
    }
  });
});

describe("a quarantined digest", () => {
  it("409s a deploy of a digest quarantined for the target's app, naming the deploy that quarantined it and the DELETE that lifts it", async () => {
    const entity = { name: "deployTarget", key: targetKey({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: "api-web" }) };
    const at = "2026-11-28T08:00:00.000Z";
    await api.world.runtime.engine.signalEntity(entity, "quarantine", { digest: DIGEST, deploymentId: "dep-bad", reason: "revision never became healthy", at });
    await api.world.settle();
    for (const headers of [{}, { "Idempotency-Key": "quarantined-release" }] as Record<string, string>[]) {
      const answer = await post({ json: { target: "web", digest: DIGEST }, headers });
      expect(answer.status, answer.text).toBe(409);
      const lift = `DELETE /api/targets/web/quarantine/${DIGEST}`;
      expect(answer.body).toMatchObject({
        type: PROBLEM_TYPES.digestQuarantined,
        title: "Digest quarantined",
        errors: [{ pointer: "/digest" }],
        quarantine: { digest: DIGEST, deploymentId: "dep-bad", reason: "revision never became healthy", at, lift },
      });
      expect(answer.body.detail).toContain("dep-bad");
      expect(answer.body.detail).toContain(lift);
    }
  });
});
