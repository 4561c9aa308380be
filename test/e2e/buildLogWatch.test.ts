/**
 * The build wait learns of a finished build from the run's log blob, as `az acr build` does: ACR marks
 * the blob `Complete: <status>` once the run is final, and the wait checks the blob's properties every
 * 3 virtual seconds (storage, not ARM), then reads the run through ARM once to confirm. No push
 * webhook here. A log that cannot be read falls back to ARM polling; the log link (a SAS URL) never
 * reaches history, status or logs. Real local runtime, real durable-functions engine, sandbox over
 * HTTPS, virtual clock.
 */
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILD_LOG_POLL_PROFILE } from "../../src/domain/pollProfile.js";
import type { DeploymentRequest } from "../../src/domain/deployment.js";
import type { RunPlan } from "../../src/sandbox/providers/containerRegistry/index.js";
import { fixedToken } from "../sandbox/acr/acrClient.js";
import { LOGIN_SERVER, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, outputOf, type DeployView, type DeployWorld, useDeployWorld } from "./world.js";

const LOG_CHECK_MS = BUILD_LOG_POLL_PROFILE.maxSeconds * 1000;
const logLines: string[] = [];

let world: DeployWorld;
useDeployWorld((started) => (world = started), { clearFaultsAfterEach: true, log: (entry) => logLines.push(JSON.stringify(entry)) });

function buildRequest(app: string): DeploymentRequest {
  return world.request(app, {
    image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: `${app}-1` },
    build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
  });
}

/** Runs a build deploy whose run takes `runningMs` (after 5 s queued) to its end. */
async function deployBuilt(app: string, runningMs: number, ending: Pick<RunPlan, "status" | "log"> = {}): Promise<{ id: string; out: DeployView; runId: string }> {
  await world.seedApp(app);
  world.sandbox.acr.planNextRun({ runningMs, ...ending });
  const id = await world.start(buildRequest(app));
  const out = outputOf(await world.runToEnd(id));
  if (!out.runId) throw new Error(`deploy ${id} scheduled no run: ${JSON.stringify(out)}`);
  return { id, out, runId: out.runId };
}

/** From the moment the sandbox made the run final to the moment the deploy's build step ended (virtual ms). */
function buildLagMs(out: DeployView, runId: string): number {
  const finished = out.steps.find((step) => step.name === "build")?.finishedAt;
  const run = world.sandbox.acr.scheduledRun(runId);
  if (!finished || !run?.finishTime) throw new Error(`run ${runId} or its build step has not finished`);
  return Date.parse(finished) - Date.parse(run.finishTime);
}

/**
 * ARM calls for one run: its reads (GET) and its log-link requests (POST listLogSasUrl). After the wait,
 * the deploy asks for the link once more to read the log (the build report, or the tail of a failed
 * build's log), from its own activity.
 */
function armCallsFor(runId: string): { runReads: number; logLinks: number } {
  const calls = world.sandbox.callLog.calls({ plane: "arm" }).filter((call) => call.path.includes(`/runs/${runId}`));
  return { runReads: calls.filter((call) => call.method === "GET").length, logLinks: calls.filter((call) => call.path.endsWith("/listLogSasUrl")).length };
}

const LOG_BLOB = { plane: "data", method: "HEAD", pathContains: "/acr-logs/" } as const;

describe("the build wait watches the run's log blob", () => {
  it("notices a finished build within one log check (3 s) without the push webhook, and reads the run through ARM once", async () => {
    // The run ends 85.5 s after it is scheduled: between two checks, at no ARM poll of the old schedule.
    const { out, runId } = await deployBuilt("web-logwatch", 80_500);
    expect(out.outcome).toBe("Succeeded");
    const lag = buildLagMs(out, runId);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(LOG_CHECK_MS);
    expect(out.steps.find((step) => step.name === "build")?.detail).toContain("its log marked it complete");
    // One ARM read (the confirmation; the safety net's first read is due at 120 s) and one log link for all checks (+1 for the build report).
    expect(armCallsFor(runId)).toEqual({ runReads: 1, logLinks: 2 });
    const checks = world.sandbox.callLog.calls({ plane: "data", method: "HEAD" }).filter((call) => call.path.includes(`/logs/${runId}/`));
    expect(checks.length).toBeGreaterThanOrEqual(28);
  });

  it("sees a failed and a timed-out build through the log's mark, with ARM's status and the log tail", async () => {
    const failed = await deployBuilt("web-logwatch-failed", 41_300, { status: "Failed", log: "error: npm ci exited with 1 (logwatch)" });
    expect(failed.out.outcome).toBe("Failed");
    expect(failed.out.reason).toContain(`build run ${failed.runId} ended Failed`);
    expect(failed.out.logTail).toContain("npm ci exited with 1 (logwatch)");
    expect(buildLagMs(failed.out, failed.runId)).toBeLessThanOrEqual(LOG_CHECK_MS);
    expect(armCallsFor(failed.runId)).toEqual({ runReads: 1, logLinks: 2 });

    // ACR's ARM status `Timeout` is `TimedOut` in the log's mark: the wait reports ARM's word.
    const timedOut = await deployBuilt("web-logwatch-timeout", 200_200, { status: "Timeout" });
    expect(timedOut.out.outcome).toBe("Failed");
    expect(timedOut.out.reason).toContain(`build run ${timedOut.runId} ended Timeout`);
    expect(buildLagMs(timedOut.out, timedOut.runId)).toBeLessThanOrEqual(LOG_CHECK_MS);
    // 205 s: the safety net's first ARM read (at 2 min, the build profile's cap), and one to confirm.
    expect(armCallsFor(timedOut.runId).runReads).toBe(2);
  });

  it("falls back to ARM polling when the log is refused (403 with a fresh link), and still completes", async () => {
    world.sandbox.faults.inject({ ...LOG_BLOB, status: 403, code: "AuthenticationFailed", times: "always" });
    const { out, runId } = await deployBuilt("web-logwatch-403", 80_500);
    expect(out.outcome).toBe("Succeeded");
    expect(out.steps.find((step) => step.name === "build")?.detail).not.toContain("log");
    // The build profile's polls (0 s skipped: 10, 30, 70, 150 s after scheduling) found it at 150 s.
    const lag = buildLagMs(out, runId);
    expect(lag).toBeGreaterThan(LOG_CHECK_MS);
    expect(lag).toBeLessThanOrEqual(150_000 - 85_500);
    // The link was fetched and refused at once (a fresh link is not fetched again): then no more log
    // checks, so no ARM call per check (+1: the build report).
    expect(armCallsFor(runId)).toEqual({ runReads: 4, logLinks: 2 });
  });

  it("falls back to ARM polling when the log keeps faulting (503), after three checks", async () => {
    world.sandbox.faults.inject({ ...LOG_BLOB, status: 503, times: "always" });
    const { out, runId } = await deployBuilt("web-logwatch-503", 80_500);
    expect(out.outcome).toBe("Succeeded");
    expect(buildLagMs(out, runId)).toBeGreaterThan(LOG_CHECK_MS);
    // One link for the three faulted checks: a fault does not refetch it (+1: the build report).
    expect(armCallsFor(runId).logLinks).toBe(2);
    // Exactly three checks (0, 3 and 6 s after scheduling, each one read and the storage SDK's retries of
    // it at the same moment), then none until the run ended 80 s later: ~25 more had the watch gone on.
    // (The build report reads the log again after the wait.)
    const finished = Date.parse(world.sandbox.acr.scheduledRun(runId)!.finishTime!);
    const reads = world.sandbox.callLog.calls({ plane: "data", method: "HEAD" }).filter((call) => call.path.includes(`/logs/${runId}/`) && Date.parse(call.time) < finished);
    const moments = [...new Set(reads.map((call) => Date.parse(call.time)))];
    expect(moments.map((at) => at - moments[0]!)).toEqual([0, LOG_CHECK_MS, 2 * LOG_CHECK_MS]);
    expect(reads.every((call) => call.status === 503)).toBe(true);
  });

  it("fetches a fresh log link when storage refuses the kept one (an expired SAS) and keeps watching", async () => {
    await world.seedApp("web-logwatch-expired");
    world.sandbox.acr.planNextRun({ runningMs: 60_700 });
    const id = await world.start(buildRequest("web-logwatch-expired"));
    // Let a few checks pass with the first link, then refuse it once.
    await world.clock.advance(20_000, world.settle);
    world.sandbox.faults.inject({ ...LOG_BLOB, status: 403, code: "AuthenticationFailed", times: 1 });
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("Succeeded");
    expect(buildLagMs(out, out.runId!)).toBeLessThanOrEqual(LOG_CHECK_MS);
    expect(armCallsFor(out.runId!)).toEqual({ runReads: 1, logLinks: 3 });
  });

  it("keeps every execution of the wait within 150 history events over a 10-minute build (it continues as new every 16 polls)", async () => {
    const app = await world.seedApp("web-logwatch-long");
    world.sandbox.acr.planNextRun({ runningMs: 600_000 });
    const id = await world.start(buildRequest(app.name));
    let largest = 0;
    let executions = 0;
    let previous = 0;
    const out = outputOf(
      await world.runToEnd(id, {
        until: () => {
          const length = world.runtime.engine.getHistory(`${id}-build`)?.length ?? 0;
          // A shorter history than the last look is a new execution.
          if (length < previous) executions += 1;
          previous = length;
          largest = Math.max(largest, length);
          return false;
        },
      }),
    );
    expect(out.outcome).toBe("Succeeded");
    expect(buildLagMs(out, out.runId!)).toBeLessThanOrEqual(LOG_CHECK_MS);
    // About 200 checks: a dozen executions (128 events at most: 16 polls of 8), none above the budget.
    expect(executions).toBeGreaterThan(8);
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(150);
    // The safety net read the run at 2 and 6 min (then 14 min): with the confirmation, 3 ARM reads for a 10-minute build.
    expect(armCallsFor(out.runId!).runReads).toBe(3);
  });

  it("never puts the log link (a SAS URL) into history, status, output or logs", async () => {
    const { id, runId } = await deployBuilt("web-logwatch-leak", 30_000);
    const documents: string[] = [...logLines];
    for (const instanceId of [id, `${id}-build`]) {
      documents.push(JSON.stringify(await world.runtime.engine.getStatus(instanceId, { showHistory: true, showHistoryOutput: true, showInput: true })));
      documents.push(JSON.stringify(world.runtime.engine.getHistory(instanceId)));
    }
    // Every execution of the build wait (it continued as new), as the runtime's journal keeps them.
    const journal = world.runtime.engine.journalFile;
    if (journal) documents.push(readFileSync(journal, "utf8"));
    const text = documents.join("\n");
    // The records are there (so the scan looks at them), the wait did check the log...
    expect(text).toContain(`"checkBuildLog"`);
    expect(text).toContain(runId);
    // ...and no link, token or signature is anywhere.
    const logLink = await fetchLogLink(runId);
    const signature = new URL(logLink).searchParams.get("sig")!;
    expect(signature.length).toBeGreaterThan(10);
    expect([logLink, signature, encodeURIComponent(signature), "sig=", "/sandboxblobs/", "rawtext.log"].filter((secret) => text.includes(secret))).toEqual([]);
  });
});

/** The run's log link as the sandbox hands it out (the same signature the product got: it signs container, blob and permission). */
async function fetchLogLink(runId: string): Promise<string> {
  const client = new ContainerRegistryManagementClient(fixedToken, SUBSCRIPTION, {
    endpoint: world.sandbox.origin,
    credentialScopes: [`${world.sandbox.origin}/.default`],
    tlsOptions: { ca: world.sandbox.caPem },
  });
  const { logLink } = await client.runs.getLogSasUrl(RESOURCE_GROUP, world.sandbox.acr.registries()[0]!.name, runId);
  if (!logLink) throw new Error(`no log link for ${runId}`);
  return logLink;
}
