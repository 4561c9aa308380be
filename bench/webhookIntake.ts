/**
 * Scenario 4 of issue 15, webhook intake: autocannon (in a child process) against the local runtime's
 * `POST /api/webhooks/acr` with a mixed stream of ACR deliveries across many targets, then the world
 * run to quiescence on the virtual clock and the deploys it started counted against the number
 * expected after dedupe and coalescing.
 *
 * Set-up: one target per repository (`bench/wh-NN`, tag policy exact `main`, app `wh-NN-app` seeded
 * on a `base` image), and the scenario's digests pushed to `main` in order, so the tag moves and
 * always names the newest image (the trust check passes for every push: the tag names the pushed
 * digest or a newer one). Two phases of equal length; the virtual clock stands still during each
 * (so every target's pushes of a phase share one debounce window) and moves past the window after it:
 * - phase 1: every target gets its first images (the first half of the targets half of theirs, the
 *   others all of theirs);
 * - phase 2: the first half of the targets get the rest of their images (a second window, whose
 *   deploy queues behind the first on the app's single flight); the other half only get new events
 *   for their newest image (a CI retry), whose window chooses a digest that already has a deploy.
 *
 * Expected deploys, from first principles: a target's window of a phase exists when at least one of
 * its qualifying pushes was answered 202 in that phase; it deploys what `main` names when it closes
 * (the newest image pushed so far: the tag moved past every older push); the deploy id is
 * `auto-<hash(target, digest)>`, so a window choosing a digest that already has a deploy starts nothing
 * new, and so does the app already running it. Single flight makes a deploy wait, not vanish. So the
 * count is, per target, the number of distinct digests its windows chose.
 */
import { loadavg } from "node:os";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resetSettingsCache, currentSettings } from "../src/config/settings.js";
import { resetTargetsCache } from "../src/config/targets.js";
import { autoDeploymentId } from "../src/policies/autoRolloutChoice.js";
import { LOGIN_SERVER, RESOURCE_GROUP, SUBSCRIPTION, WEBHOOK_SECRET, type BenchWorld } from "./benchWorld.js";
import { runBenchChild } from "./childProcess.js";
import { printFigure, round } from "./figures.js";
import { verdict, type Results } from "./results.js";
import type { LoadReport, LoadSpec, LoadSummary } from "./webhookLoadChild.js";
import type { StreamSpec } from "./webhookStream.js";

/** How big a run is. */
export interface WebhookIntakeOptions {
  targets: number;
  /** Distinct digests over all targets (a multiple of `targets`, at least 2 per target). */
  digests: number;
  /** Seconds of load per phase (two phases). */
  phaseSeconds: number;
  /** Seconds of the `GET /api/health` reference load, run once before the phases (0: none). */
  referenceSeconds: number;
  connections: number;
}

/** Issue 15's targets for this scenario. */
export const TARGET_REQ_PER_SEC = 2_000;
export const TARGET_P99_MS = 50;
const TAG = "main";
const REDELIVERY_SHARE = 0.3;
const IGNORED_SHARE = 0.1;
const TERMINAL = new Set(["Completed", "Failed", "Terminated", "Canceled"]);

const pad = (n: number): string => String(n + 1).padStart(2, "0");

/** Runs the scenario, prints its figures and fills `results.webhookIntake`. */
export async function benchWebhookIntake(world: BenchWorld, options: WebhookIntakeOptions, results: Results): Promise<void> {
  const { sandbox, runtime, clock } = world;
  const perTarget = Math.floor(options.digests / options.targets);
  if (perTarget < 2 || perTarget * options.targets !== options.digests) throw new RangeError("digests must be a multiple of targets, at least 2 per target");
  const targets = Array.from({ length: options.targets }, (_, i) => ({ name: `wh-${pad(i)}`, app: `wh-${pad(i)}-app`, repository: `bench/wh-${pad(i)}` }));
  const saved = { targets: process.env.ACA_ROLLOUT_TARGETS };
  const dir = mkdtempSync(join(tmpdir(), "aca-bench-webhook-"));
  const wall = { seed: 0, load: 0, windows: 0 };
  const timed = async <T>(part: keyof typeof wall, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      wall[part] += performance.now() - started;
    }
  };
  try {
    process.env.ACA_ROLLOUT_TARGETS = JSON.stringify({
      targets: targets.map((t) => ({
        name: t.name,
        containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: t.app },
        image: { loginServer: LOGIN_SERVER, repository: t.repository },
        policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
        autoRollout: { tagPolicy: { kind: "exact", pattern: TAG } },
      })),
    });
    resetTargetsCache();
    resetSettingsCache();
    const settings = currentSettings();
    if (!settings.ok) throw new Error("the bench world's settings are invalid");
    const { debounceSeconds, webhookSecretHeader } = settings.settings.autoRollout;

    // Every app runs a `base` image first, so each chosen digest is news to it.
    await timed("seed", () => Promise.all(
      targets.map(async (t) => {
        const digest = await sandbox.dataPlane.seedImage(LOGIN_SERVER, t.repository, "base", { nonce: `${t.name}-base` });
        sandbox.apps.seedApp({
          subscriptionId: SUBSCRIPTION,
          resourceGroup: RESOURCE_GROUP,
          name: t.app,
          containers: [{ name: "web", image: `${LOGIN_SERVER}/${t.repository}@${digest}` }],
          registries: [{ server: LOGIN_SERVER, identity: "system" }],
          template: { scale: { minReplicas: 1 } },
        });
      }),
    ));

    // Images per target and phase: the first half of the targets split theirs over both phases.
    const half = Math.ceil(options.targets / 2);
    const phaseImages = (target: number, phase: 0 | 1): number => (target < half ? (phase === 0 ? Math.ceil(perTarget / 2) : perTarget - Math.ceil(perTarget / 2)) : phase === 0 ? perTarget : 0);
    const pushed: string[][] = targets.map(() => []);
    const chosen: Array<Set<string>> = targets.map(() => new Set());
    const phases: Array<{ report: LoadReport; pushedImages: number; cpuMs: number }> = [];
    let reference: { report: LoadReport; cpuMs: number } | undefined;
    for (const phase of [0, 1] as const) {
      // The registry first: each target's images go to `main` one after another, so the tag moves.
      let pushedImages = 0;
      await timed("seed", () => Promise.all(
        targets.map(async (t, i) => {
          for (let n = 0; n < phaseImages(i, phase); n++) {
            pushed[i]?.push(await sandbox.dataPlane.seedImage(LOGIN_SERVER, t.repository, TAG, { nonce: `${t.name}-${phase}-${n}` }));
            pushedImages++;
          }
        }),
      ));
      // New push events report this phase's images (a target without any re-reports its newest),
      // round robin across targets so every target is reported early in the window.
      const fresh = targets.map((_, i) => {
        const mine = pushed[i] ?? [];
        return phaseImages(i, phase) > 0 ? mine.slice(-phaseImages(i, phase)) : mine.slice(-1);
      });
      const pool: Array<{ target: number; digest: string }> = [];
      for (let round = 0; round < perTarget; round++) {
        fresh.forEach((digests, target) => {
          const digest = digests[round];
          if (digest !== undefined) pool.push({ target, digest });
        });
      }
      const stream: StreamSpec = {
        seed: 4_000 + phase,
        phase: `webhook-intake-${phase}`,
        loginServer: LOGIN_SERVER,
        targets: targets.map((t) => ({ repository: t.repository })),
        pool,
        tag: TAG,
        ignoredTag: "dev",
        timestamp: new Date(clock.now()).toISOString(),
        redeliveryShare: REDELIVERY_SHARE,
        ignoredShare: IGNORED_SHARE,
      };
      const spec: LoadSpec = {
        baseUrl: runtime.url,
        secretHeader: webhookSecretHeader,
        secret: WEBHOOK_SECRET,
        connections: options.connections,
        referenceSeconds: phase === 0 ? options.referenceSeconds : 0,
        seconds: 0,
        stream,
      };
      if (spec.referenceSeconds > 0) reference = await runLoad(spec, join(dir, "reference.json"));
      const measured = await timed("load", () => runLoad({ ...spec, referenceSeconds: 0, seconds: options.phaseSeconds }, join(dir, `phase-${phase}.json`)));
      const report = measured.report;
      phases.push({ report, pushedImages, cpuMs: measured.cpuMs });
      // Each target with an accepted push this phase has one window; it deploys what `main` names now.
      report.acceptedPushes.forEach((accepted, i) => {
        const newest = pushed[i]?.at(-1);
        if (accepted > 0 && newest !== undefined) chosen[i]?.add(newest);
      });
      // Past the window: the leaders close their windows and start (or dedupe) the deploys.
      await timed("windows", () => world.advance((debounceSeconds + 1) * 1000));
    }
    const quiescence = await runToQuiescence(world);

    const ours = new Set(targets.map((t) => t.name));
    const instances = (await runtime.engine.listInstances({ showInput: true })).instances;
    const deploys = instances.filter((i) => i.name === "deploy" && ours.has((i.input as { targetName?: string }).targetName ?? ""));
    // Push deliveries that started an orchestration of their own; the others joined a window by signal.
    const pushOrchestrations = instances.filter((i) => i.name === "autoRolloutPush" && ours.has((i.input as { target?: { name?: string } }).target?.name ?? "")).length;
    const acceptedPushes = phases.reduce((sum, p) => sum + p.report.acceptedPushes.reduce((a, b) => a + b, 0), 0);
    const expectedIds = new Set(targets.flatMap((t, i) => [...(chosen[i] ?? [])].map((digest) => autoDeploymentId(t.name, digest))));
    const actualIds = new Set(deploys.map((d) => d.instanceId));
    const missing = [...expectedIds].filter((id) => !actualIds.has(id));
    const extra = [...actualIds].filter((id) => !expectedIds.has(id));
    const outcomes: Record<string, number> = {};
    for (const d of deploys) {
      const outcome = (d.output as { outcome?: string } | null)?.outcome ?? d.runtimeStatus;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }

    const load = phases.map((p) => summaryOf(p.report.webhook));
    const requests = load.reduce((sum, l) => sum + l.requests, 0);
    const seconds = load.reduce((sum, l) => sum + l.seconds, 0);
    const reqPerSec = requests / seconds;
    // Percentiles of two windows do not merge: the worse phase's is the honest figure.
    const p50Ms = Math.max(...load.map((l) => l.p50Ms));
    const p99Ms = Math.max(...load.map((l) => l.p99Ms));
    const errors = load.reduce((sum, l) => sum + l.errors + l.timeouts, 0) + phases.reduce((sum, p) => sum + p.report.unexpected, 0);
    // CPU of this process (runtime, engine and sandbox) per answered request: steadier than req/s on a shared machine.
    const cpuPerRequestMs = phases.reduce((sum, p) => sum + p.cpuMs, 0) / Math.max(1, requests);
    const ref = reference?.report.reference;
    const refReqPerSec = ref ? ref.requests / ref.seconds : undefined;
    const refCpuPerRequestMs = ref && reference ? reference.cpuMs / Math.max(1, ref.requests) : undefined;
    const sent = phases.reduce<Record<string, number>>((sum, p) => {
      for (const [kind, n] of Object.entries(p.report.sent)) sum[kind] = (sum[kind] ?? 0) + n;
      return sum;
    }, {});
    const load1 = loadavg()[0] ?? 0;

    const pass = { reqPerSec: reqPerSec >= TARGET_REQ_PER_SEC, p99: p99Ms <= TARGET_P99_MS, errors: errors === 0, deploys: missing.length === 0 && extra.length === 0 };
    const shape = `${options.targets} targets, ${options.digests} digests, ${options.connections} connections, 2 phases of ${options.phaseSeconds} s; sent ${Object.entries(sent).map(([k, n]) => `${n} ${k}`).join(", ")}`;
    printFigure(`webhook intake POST /api/webhooks/acr, req/s ${verdict(pass.reqPerSec)}`, reqPerSec, "req/s", `target ≥ ${TARGET_REQ_PER_SEC}; ${shape}; load average ${load1.toFixed(2)}`);
    printFigure("webhook intake CPU per request", cpuPerRequestMs, "ms", `CPU (user+system) of the process serving the runtime, engine and sandbox, over the load windows, per answered webhook`);
    if (ref !== undefined && refReqPerSec !== undefined && refCpuPerRequestMs !== undefined) {
      printFigure(
        "webhook intake reference GET /api/health",
        refReqPerSec,
        "req/s",
        `same load child and connections, ${options.referenceSeconds} s just before; webhook/health ratio ${(reqPerSec / refReqPerSec).toFixed(2)}; health p50 ${round(ref.p50Ms)} ms, p99 ${round(ref.p99Ms)} ms, CPU per request ${refCpuPerRequestMs.toFixed(2)} ms`,
      );
    }
    printFigure(`webhook intake latency p99 ${verdict(pass.p99)}`, p99Ms, "ms", `target ≤ ${TARGET_P99_MS}; p50 ${round(p50Ms)} ms; per phase p50/p99/max ${load.map((l) => `${round(l.p50Ms)}/${round(l.p99Ms)}/${round(l.maxMs)}`).join(", ")} ms`);
    printFigure(`webhook intake errors ${verdict(pass.errors)}`, errors, "errors", `target 0; transport errors and timeouts, and answers other than 202${phases.flatMap((p) => p.report.samples).slice(0, 2).map((s) => `; e.g. ${s}`).join("")}`);
    printFigure(
      `webhook intake deploys started ${verdict(pass.deploys)}`,
      deploys.length,
      "deploys",
      `expected ${expectedIds.size} (one per target and distinct digest its windows chose); ${missing.length} missing, ${extra.length} unexpected; outcomes ${Object.entries(outcomes).map(([k, n]) => `${n} ${k}`).join(", ")}; ${pushOrchestrations} autoRolloutPush orchestrations (first pushes of an image, and pushes under a refused tag) for ${acceptedPushes} qualifying push deliveries answered 202 (the others joined a window by entity signal); quiescent after ${round(quiescence.virtualSeconds)} virtual s, ${round(quiescence.wallMs / 1000)} s wall; set-up pushes ${round(wall.seed / 1000)} s, load children ${round(wall.load / 1000)} s, windows ${round(wall.windows / 1000)} s wall`,
    );
    results.webhookIntake = {
      targets: options.targets,
      digests: options.digests,
      connections: options.connections,
      phaseSeconds: options.phaseSeconds,
      debounceSeconds,
      sent,
      requests,
      seconds,
      reqPerSec,
      p50Ms,
      p99Ms,
      errors,
      phases: load,
      cpuPerRequestMs,
      reference: ref,
      referenceReqPerSec: refReqPerSec,
      referenceCpuPerRequestMs: refCpuPerRequestMs,
      expectedDeploys: expectedIds.size,
      actualDeploys: deploys.length,
      missing: missing.length,
      unexpected: extra.length,
      outcomes,
      pushOrchestrations,
      acceptedPushes,
      loadAverage: loadavg(),
      target: { reqPerSec: TARGET_REQ_PER_SEC, p99Ms: TARGET_P99_MS, errors: 0 },
      pass,
    };
  } finally {
    if (saved.targets === undefined) delete process.env.ACA_ROLLOUT_TARGETS;
    else process.env.ACA_ROLLOUT_TARGETS = saved.targets;
    resetTargetsCache();
    resetSettingsCache();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the load child on `spec` (written to `path`); returns its report and this process's CPU meanwhile. */
async function runLoad(spec: LoadSpec, path: string): Promise<{ report: LoadReport; cpuMs: number }> {
  writeFileSync(path, JSON.stringify(spec));
  const cpu = process.cpuUsage();
  const { result } = await runBenchChild("webhookLoadChild.js", [path], (spec.seconds + spec.referenceSeconds) * 1000 + 60_000);
  const used = process.cpuUsage(cpu);
  return { report: result as LoadReport, cpuMs: (used.user + used.system) / 1000 };
}

function summaryOf(summary: LoadSummary | undefined): LoadSummary {
  if (summary === undefined) throw new Error("the load child measured no webhook window");
  return summary;
}

/** Advances virtual time timer by timer until no orchestration is pending or running. */
async function runToQuiescence(world: BenchWorld, maxVirtualMs = 6 * 60 * 60 * 1000): Promise<{ virtualSeconds: number; wallMs: number }> {
  const { clock, runtime } = world;
  const started = { virtual: clock.now(), wall: performance.now() };
  for (;;) {
    await world.settle();
    const open = (await runtime.engine.listInstances({ runtimeStatus: ["Pending", "Running", "Suspended"] })).instances.filter((i) => !TERMINAL.has(i.runtimeStatus));
    if (open.length === 0) return { virtualSeconds: (clock.now() - started.virtual) / 1000, wallMs: performance.now() - started.wall };
    const next = clock.nextTimerAt();
    if (next === undefined) throw new Error(`${open.length} instances are open with nothing scheduled (e.g. ${open[0]?.name} ${open[0]?.instanceId})`);
    if (next - started.virtual > maxVirtualMs) throw new Error(`${open.length} instances still open after ${maxVirtualMs / 1000} virtual s`);
    await clock.advanceTo(next, () => world.settle());
  }
}

export type { LoadSummary };
