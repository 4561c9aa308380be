import { describe, expect, it } from "vitest";
import { BUILD_STEP_ID } from "../../src/activities/build/encodedTask.js";
import { LOGIN_SERVER, REPOSITORY, RESOURCE_GROUP, outputOf, stepStatus, type DeployWorld, useDeployWorld } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started));

const SECRET = "npm-s3cr3t-7f1e";
// Secret build args name an app setting; the build activity reads it from the environment at run time.
const SECRET_SETTING = "E2E_BUILD_NPM_TOKEN";
process.env[SECRET_SETTING] = SECRET;

function buildRequest(app: string) {
  return world.request(app, {
    image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: "release-42" },
    build: {
      registry: { resourceGroup: RESOURCE_GROUP },
      source: { kind: "git", url: "https://github.com/contoso/web.git", ref: "main", folder: "services/web" },
      dockerfile: "docker/Web.Dockerfile",
      buildArgs: [
        { name: "NODE_ENV", value: "production" },
        { name: "NPM_TOKEN", fromSetting: SECRET_SETTING },
      ],
    },
  });
}

describe("deploy with a cached ACR Tasks build", () => {
  it("builds with the registry cache, deploys the built digest and verifies the new revision", async () => {
    const app = await world.seedApp("web-build");
    const request = buildRequest(app.name);
    const id = await world.start(request);
    const status = await world.runToEnd(id);
    const out = outputOf(status);

    expect(status.runtimeStatus).toBe("Completed");
    expect(out.outcome).toBe("Succeeded");
    expect(out.runId).toBeDefined();

    // The task: registry cache and a stable build step id, no user value in its text.
    const run = world.sandbox.acr.scheduledRun(out.runId!);
    expect(run?.type).toBe("EncodedTaskRunRequest");
    const yaml = run!.taskYaml!;
    expect(yaml).toContain(`id: ${BUILD_STEP_ID}`);
    expect(yaml).toMatch(/--cache-from 'type=registry,ref=\{\{\.Run\.Registry\}\}\/\{\{\.Values\.repository\}\}:buildcache'/);
    expect(yaml).toMatch(/--cache-to 'type=registry,ref=.*:buildcache,mode=max/);
    for (const userValue of [REPOSITORY, "release-42", "NODE_ENV", "production", "NPM_TOKEN", SECRET, "Web.Dockerfile", "contoso", id]) {
      expect(yaml).not.toContain(userValue);
    }
    expect(run!.values).toMatchObject({ repository: REPOSITORY, tag: "release-42", dockerfile: "docker/Web.Dockerfile", buildArg0: "NODE_ENV=production" });
    expect(run!.secretValueNames).toEqual(["buildArg1"]);

    // The digest the build pushed (under the deploy's own tag) is the one now running.
    const built = await world.sandbox.dataPlane.resolveTag(LOGIN_SERVER, REPOSITORY, `deploy-${id}`);
    expect(built).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(out.digest).toBe(built);
    // One build, one manifest: the requested tag names the very image that was deployed.
    expect(await world.sandbox.dataPlane.resolveTag(LOGIN_SERVER, REPOSITORY, "release-42")).toBe(built);
    expect(world.app(app.name).template.containers[0]!.image).toBe(`${LOGIN_SERVER}/${REPOSITORY}@${built}`);
    expect(world.app(app.name).latestReadyRevisionName).toBe(out.newRevision);

    // Every step that ran is in the timeline with its times; the fall-back steps were skipped.
    for (const step of ["queue", "inspect", "build", "resolve-digest", "deploy", "verify"]) {
      const s = out.steps.find((x) => x.name === step)!;
      expect(s.status, step).toBe("succeeded");
      expect(Date.parse(s.startedAt!), step).toBeLessThanOrEqual(Date.parse(s.finishedAt!));
    }
    for (const step of ["restart", "verify-after-restart", "rollback", "verify-rollback", "quarantine"]) expect(stepStatus(out, step), step).toBe("skipped");
    // The build took the sandbox's simulated time (5 s queued + 60 s running) on the virtual clock.
    const build = out.steps.find((x) => x.name === "build")!;
    expect(Date.parse(build.finishedAt!) - Date.parse(build.startedAt!)).toBeGreaterThanOrEqual(65_000);

    // The secret reached ACR (as a secret value) but never the published status, the output or the history.
    expect(run!.values["buildArg1"]).toBe(`NPM_TOKEN=${SECRET}`);
    expect(JSON.stringify(status.customStatus)).not.toContain(SECRET);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    const history = JSON.stringify(world.runtime.engine.getHistory(id) ?? null);
    expect(history).toContain(SECRET_SETTING);
    expect(history).not.toContain(SECRET);
  });

  it("stops on a failed build with the run id and the log tail, and never touches the Container App", async () => {
    const app = await world.seedApp("web-badbuild");
    const before = world.app(app.name).template.containers[0]!.image;
    world.sandbox.callLog.clear();
    world.sandbox.acr.failNextRun("Failed", "Step 4/9 : RUN npm ci\nnpm ERR! code E401\nnpm ERR! Unable to authenticate\nexit status 1");
    const id = await world.start(buildRequest(app.name));
    const status = await world.runToEnd(id);
    const out = outputOf(status);

    expect(out.outcome).toBe("Failed");
    expect(out.runId).toBeDefined();
    expect(out.reason).toContain(out.runId!);
    expect(out.logTail).toContain("npm ERR! Unable to authenticate");
    expect(out.logTail).not.toMatch(/sig=|sv=|se=/);
    expect(stepStatus(out, "build")).toBe("failed");
    expect(stepStatus(out, "deploy")).toBe("skipped");
    const writes = world.sandbox.callLog.calls().filter((c) => c.operation.startsWith("Microsoft.App/") && c.method !== "GET");
    expect(writes).toEqual([]);
    expect(world.app(app.name).template.containers[0]!.image).toBe(before);
  });

  it("keeps history small: a 30-minute build and 5-minute provisioning stay within 150 events", async () => {
    const app = await world.seedApp("web-longbuild");
    world.sandbox.setDurations({ runRunning: 30 * 60_000, revisionProvisioning: 5 * 60_000 });
    try {
      const request = world.request(app.name, { ...buildRequest(app.name), policy: { verifyTimeoutSeconds: 900, warmupGraceSeconds: 60 } });
      const id = await world.start(request);
      const status = await world.runToEnd(id);
      expect(outputOf(status).outcome).toBe("Succeeded");

      const events = (instanceId: string): number => world.runtime.engine.getHistory(instanceId)?.length ?? 0;
      const parent = events(id);
      const build = events(`${id}-build`);
      const verify = events(`${id}-verify`);
      console.log(`history events: deploy ${parent}, build wait (last execution) ${build}, verification ${verify}, total ${parent + build + verify}`);
      // Each instance's history is bounded: the waits live in sub-orchestrations that continueAsNew
      // after a fixed number of polls, so the deploy's own history does not grow with build length.
      expect(parent).toBeLessThanOrEqual(150);
      expect(build).toBeGreaterThan(0);
      expect(build).toBeLessThanOrEqual(150);
      expect(verify).toBeLessThanOrEqual(150);
    } finally {
      world.sandbox.setDurations({ runRunning: 60_000, revisionProvisioning: 20_000 });
    }
  });
});
