/**
 * `aca-rollout deploy` end to end against the local runtime and the sandbox (Azurite holding the
 * uploads): a deploy from the FastAPI fixture folder to Succeeded, an unchanged rerun that uploads
 * nothing, a failing build with its log tail, the `--json` document against its schema, Ctrl-C, and
 * the plain (non-terminal) output as a snapshot.
 */
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEPLOY_JSON_SCHEMA, type DeployJson } from "../../src/cli/output/deployJson.js";
import { buildOpenApiDocument } from "../../src/functions/http/openapi/document.js";
import { createSchemaCompiler } from "../api/contract/schemaCompiler.js";
import { startCliWorld, type CliWorld } from "./cliWorld.js";
import { FASTAPI_PROJECT, writeTree } from "./context/projectTree.js";

const UPLOAD_OPERATION = "Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action";

let cli: CliWorld;
let project: string;

beforeAll(async () => {
  cli = await startCliWorld();
  project = await writeTree(FASTAPI_PROJECT);
});
afterAll(async () => {
  await cli?.stop();
});

const uploads = () => cli.world.sandbox.callLog.calls({ operation: UPLOAD_OPERATION }).length;

/** The plain output with what differs run to run (ids, upload paths, URLs, digests, revision suffixes) replaced. */
function normalised(text: string): string {
  return text
    .replace(/source\/\d+\/[0-9a-f-]{36}\.tar\.gz/g, "source/<time>/<guid>.tar.gz")
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, "http://<runtime>")
    .replace(/dep-[0-9a-z-]+/g, "<deployment>")
    .replace(/sha256:[0-9a-f]{64}/g, (hash) => (hash === HASH_OF_FIXTURE ? "<context hash>" : "<digest>"))
    .replace(/--[a-z0-9-]{5,}/g, "--<suffix>")
    // Seconds depend on the sandbox's simulated build and rollout durations; the order of events is what is pinned.
    .replace(/^\[ *\d+s\]/gm, "[elapsed]")
    .replace(/run [a-z0-9]+ /g, "run <id> ")
    .replace(/\d+(\.\d)? (B|KB)\b/g, "<size>");
}
let HASH_OF_FIXTURE = "";

describe("aca-rollout deploy", () => {
  it("deploys the fixture folder to Succeeded (exit 0), printing plain lines when stdout is not a terminal", async () => {
    const before = uploads();
    const run = await cli.run(["deploy", "--target", "site", "--context", project]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(uploads()).toBe(before + 1);
    HASH_OF_FIXTURE = /hash (sha256:[0-9a-f]{64})/.exec(run.stdout)![1]!;
    expect(run.stdout).toMatch(/^Succeeded: deployment dep-/m);
    // The SAS token never reaches the output.
    expect(run.stdout).not.toMatch(/sig=/);
    await expect(normalised(run.stdout)).toMatchFileSnapshot("__snapshots__/deploy-plain.txt");
    // The deploy recorded the context's hash, and built from the uploaded archive.
    const target = (await (await fetch(`${cli.world.runtime.url}/api/targets/site`, { headers: { "x-functions-key": cli.world.runtime.functionKey } })).json()) as { lastKnownGood: { deploymentId: string } };
    const deployment = (await (await fetch(`${cli.world.runtime.url}/api/deployments/${target.lastKnownGood.deploymentId}`, { headers: { "x-functions-key": cli.world.runtime.functionKey } })).json()) as { contentHash: string };
    expect(deployment.contentHash).toBe(HASH_OF_FIXTURE);
  });

  it("run again unchanged: nothing changed since the running digest, no upload and no deploy", async () => {
    const before = uploads();
    const deploysBefore = (await cli.world.runtime.engine.listInstances({ showInput: false })).instances.length;
    const run = await cli.run(["deploy", "--target", "site", "--context", project]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^nothing changed since sha256:[0-9a-f]{64} \(deployment dep-/m);
    expect(uploads()).toBe(before);
    expect((await cli.world.runtime.engine.listInstances({ showInput: false })).instances.length).toBe(deploysBefore);
  });

  it("--force deploys the unchanged context anyway", async () => {
    const before = uploads();
    const run = await cli.run(["deploy", "--target", "site", "--context", project, "--force", "--no-wait"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^deployment dep-\S+ started: http/m);
    expect(uploads()).toBe(before + 1);
    await cli.world.runToEnd(/deployment (dep-\S+) started/.exec(run.stdout)![1]!);
  });

  it("a failing build exits 1 and prints the build log's tail", async () => {
    await writeFile(join(project, "src/app.py"), `${FASTAPI_PROJECT["src/app.py"] as string}\n# a change\n`);
    cli.world.sandbox.acr.failNextRun("Failed", "step 4/7 : RUN pip install --no-cache-dir -r requirements.txt\nERROR: No matching distribution found for fastapi==0.115.0");
    const run = await cli.run(["deploy", "--target", "site", "--context", project]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^Failed: deployment dep-/m);
    expect(run.stdout).toContain("  | ERROR: No matching distribution found for fastapi==0.115.0");
  });

  it("--json prints one document that matches its schema (and the deployment, the API's schema)", async () => {
    await writeFile(join(project, "api.py"), `${FASTAPI_PROJECT["api.py"] as string}\n# json run\n`);
    const run = await cli.run(["deploy", "--target", "site", "--context", project, "--json"]);
    expect(run.exitCode).toBe(0);
    const document = JSON.parse(run.stdout) as DeployJson;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(DEPLOY_JSON_SCHEMA);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    const resource = createSchemaCompiler(buildOpenApiDocument()).compile({ $ref: "#/components/schemas/DeploymentResource" });
    expect(resource(document.deployment) ? [] : resource.errors).toEqual([]);
    expect(document).toMatchObject({ outcome: "Succeeded", exitCode: 0, lint: { findings: [] }, upload: { relativePath: expect.stringMatching(/^source\//) } });
    // The schema can fail: an unknown outcome is refused.
    expect(validate({ ...document, outcome: "Done" })).toBe(false);
  });

  it("Ctrl-C with --cancel-on-interrupt cancels the deploy: it ends Canceled, exit 1", async () => {
    await writeFile(join(project, "api.py"), `${FASTAPI_PROJECT["api.py"] as string}\n# canceled run\n`);
    const run = await cli.run(["deploy", "--target", "site", "--context", project, "--cancel-on-interrupt"], { interruptAfterPolls: 1 });
    expect(run.stdout).toMatch(/^canceling deployment dep-/m);
    expect(run.stdout).toMatch(/^Canceled: deployment dep-/m);
    expect(run.exitCode).toBe(1);
  });

  it("Ctrl-C answered 'no' leaves the deploy running (exit 130)", async () => {
    await writeFile(join(project, "api.py"), `${FASTAPI_PROJECT["api.py"] as string}\n# detached run\n`);
    const run = await cli.run(["deploy", "--target", "site", "--context", project], { interruptAfterPolls: 1, answer: false });
    expect(run.exitCode).toBe(130);
    expect(run.stderr).toMatch(/still running: http/);
    await cli.world.runToEnd(/deployment (dep-\S+) started/.exec(run.stdout)![1]!);
  });

  it("status <id> shows a deploy and exits by its outcome; an unknown id is exit 2", async () => {
    const ok = await cli.run(["deploy", "--target", "site", "--context", project, "--force", "--no-wait"]);
    const id = /deployment (dep-\S+) started/.exec(ok.stdout)![1]!;
    const running = await cli.run(["status", id]);
    expect([running.exitCode, running.stdout]).toEqual([0, expect.stringMatching(/^(Pending|Building|Queued)/)]);
    const waited = await cli.run(["status", id, "--wait", "--json"]);
    expect(waited.exitCode).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ id, status: "Succeeded" });
    cli.world.sandbox.acr.failNextRun("Failed", "boom");
    const bad = await cli.run(["deploy", "--target", "site", "--context", project, "--force"]);
    const badId = /deployment (dep-\S+) started/.exec(bad.stdout)![1]!;
    expect((await cli.run(["status", badId])).exitCode).toBe(1);
    const unknown = await cli.run(["status", "dep-nope"]);
    expect([unknown.exitCode, unknown.stderr]).toEqual([2, expect.stringMatching(/no deployment with id/)]);
  });

  describe("usage and configuration errors exit 2", () => {
    it.each([
      // A data dir with no keys.json: a checkout where `npm start` ran keeps one, which the CLI would use.
      ["no key", ["deploy", "--target", "site"], { ACA_ROLLOUT_KEY: undefined, ACA_ROLLOUT_DATA_DIR: join(tmpdir(), `aca-rollout-no-keys-${process.pid}`) }, /a function key is required/],
      ["a wrong key", ["deploy", "--target", "site"], { ACA_ROLLOUT_KEY: "nope" }, /function key was refused/],
      ["an unknown target", ["deploy", "--target", "nope"], {}, /No target is named "nope"/],
      ["a target without a build", ["deploy", "--target", "plain", "--force"], {}, /has no build/],
      ["no Dockerfile", ["deploy", "--target", "site", "--dockerfile", "Missing.Dockerfile"], {}, /no Dockerfile at/],
      ["an unknown option", ["deploy", "--colour"], {}, /unknown option/],
    ])("%s", async (_name, argv, env, message) => {
      const run = await cli.run([...argv, "--context", project], { env });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  });
});
