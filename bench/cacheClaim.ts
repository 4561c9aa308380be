/**
 * Scenario 6 of issue 15, the motivating claim: how much the registry layer cache saves when the
 * FastAPI demo (examples/fastapi-demo, a temporary copy) is built by a deploy. Three builds in a row,
 * a first build, a rebuild after a code-only change and a rebuild after a dependency change, once on a
 * target whose builds use the cache (`build.cache: true`, the default: `--cache-from/--cache-to
 * type=registry,ref=<repo>:buildcache`) and once on a target with `build.cache: false` (the task
 * without the cache flags: the `--no-cache` equivalent, every step runs on a fresh ACR agent, as
 * `az acr build` does). Each build goes through the product as `aca-rollout deploy` does: the CLI's
 * packer, `POST /api/uploads`, the upload to the SAS URL over HTTPS, `POST /api/deployments` with
 * `build.source = { kind: "upload" }`, then `GET /api/deployments/{id}` for `build.cache`,
 * `build.layers`, `build.summary` and the build step. The sandbox builds the uploaded Dockerfile
 * step by step (src/sandbox/providers/containerRegistry/dockerBuild), so the run's time is the time
 * of the steps it executed, on the virtual clock: the figures do not depend on the machine.
 */
import type { BuildReport } from "../src/domain/buildReport.js";
import { orchestratorClient, type OrchestratorClient } from "../src/cli/api/orchestratorClient.js";
import { uploadArchive } from "../src/cli/api/uploadArchive.js";
import { resetTargetsCache } from "../src/config/targets.js";
import { LOGIN_SERVER, REGISTRY_NAME, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, type BenchWorld } from "./benchWorld.js";
import { CODE_EDIT, DEPENDENCY_EDIT, copyFastapiDemo, type FixtureEdit } from "./cacheFixture.js";
import { printFigure, round } from "./figures.js";
import type { Results } from "./results.js";

/**
 * The reference case: the "Time Savings" table of the layer-caching guide the product grew from
 * (layer-caching-guide.txt in the project's shared reference folder): `az acr build` 8 minutes for
 * every build; a local layered `docker build` 8 minutes the first time, 1 minute after a code
 * change, "87%" saved. Copied here as figures; the bench reads nothing outside the repository.
 */
export const GUIDE_REFERENCE = {
  source: "layer-caching-guide.txt (Time Savings table)",
  uncachedSeconds: 8 * 60,
  cachedSeconds: 60,
  savedPercent: 87,
} as const;

/** The three builds, in order; `--smoke` runs the first two. */
export const CACHE_BUILDS: readonly BuildKind[] = ["first", "code-only", "dependency"];

/** One of the three builds. */
export type BuildKind = "first" | "code-only" | "dependency";

const EDITS: Record<BuildKind, FixtureEdit | undefined> = { first: undefined, "code-only": CODE_EDIT, dependency: DEPENDENCY_EDIT };
const LABELS: Record<BuildKind, string> = { first: "first build", "code-only": "code-only rebuild", dependency: "dependency rebuild" };

/** What one build cost and reused, read from the deploy status and the ACR run. */
interface BuildSample {
  outcome: string;
  contentHash: string;
  /** The ACR run, start to finish (agent set-up + BuildKit), virtual seconds. */
  runSeconds: number;
  /** The deploy's `build` step, start to finish (queueing + run + the poll that noticed it), virtual seconds. */
  stepSeconds: number;
  cache: BuildReport["cache"];
  layers: BuildReport["layers"];
  summary: string | undefined;
}

/** A series' target: one app and repository each, so the two caches never meet. */
interface Series {
  key: "cached" | "uncached";
  target: string;
  app: string;
  repository: string;
  cache: boolean;
}

const SERIES: readonly Series[] = [
  { key: "cached", target: "cachebench-on", app: "cachebench-on", repository: "bench/cache-on", cache: true },
  { key: "uncached", target: "cachebench-off", app: "cachebench-off", repository: "bench/cache-off", cache: false },
];

/** The targets the scenario deploys to, as an operator would declare them (ACA_ROLLOUT_TARGETS). */
function targetsDocument(): unknown {
  return {
    allow: { subscriptions: [SUBSCRIPTION], resourceGroups: [RESOURCE_GROUP] },
    targets: SERIES.map((series) => ({
      name: series.target,
      containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: series.app },
      image: { loginServer: LOGIN_SERVER, repository: series.repository },
      build: { registry: { resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME }, cache: series.cache },
      policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
      allowOverrides: ["build.source"],
    })),
  };
}

function seconds(from: string | undefined, to: string | undefined): number {
  if (from === undefined || to === undefined) return Number.NaN;
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

/** Packs, uploads and deploys the copy as `aca-rollout deploy` does; returns what the build cost. */
async function deployBuild(world: BenchWorld, api: OrchestratorClient, series: Series, packed: { archive: Buffer; contentHash: string }, tag: string): Promise<BuildSample> {
  const slot = await api.createUpload(series.target);
  await uploadArchive(slot.uploadUrl, packed.archive, { caPem: world.sandbox.caPem });
  const accepted = await api.startDeployment({ target: series.target, tag, build: { source: { kind: "upload", relativePath: slot.relativePath, contentHash: packed.contentHash } } });
  await world.runToEnd(accepted.id);
  const deployment = await api.deployment(accepted.id);
  const step = deployment.steps.find((entry) => entry.name === "build");
  const run = deployment.runId !== undefined ? world.sandbox.acr.scheduledRun(deployment.runId, REGISTRY_NAME) : undefined;
  return {
    outcome: deployment.status + (deployment.reason !== undefined && deployment.status !== "Succeeded" ? ` (${deployment.reason})` : ""),
    contentHash: packed.contentHash,
    runSeconds: seconds(run?.startTime, run?.finishTime),
    stepSeconds: seconds(step?.startedAt, step?.finishedAt),
    cache: deployment.build?.cache,
    layers: deployment.build?.layers,
    summary: deployment.build?.summary,
  };
}

/** The three builds of one series on a fresh copy of the fixture. */
async function runSeries(world: BenchWorld, api: OrchestratorClient, series: Series, builds: readonly BuildKind[], seedImage: string): Promise<Map<BuildKind, BuildSample>> {
  world.seedApp(series.app, seedImage);
  const copy = copyFastapiDemo();
  const samples = new Map<BuildKind, BuildSample>();
  try {
    for (const kind of builds) {
      const edit = EDITS[kind];
      if (edit) copy.apply(edit);
      samples.set(kind, await deployBuild(world, api, series, await copy.pack(), `${series.key}-${kind}`));
    }
  } finally {
    copy.remove();
  }
  return samples;
}

function percentSaved(cached: number, uncached: number): number {
  return (1 - cached / uncached) * 100;
}

function layersText(sample: BuildSample | undefined): string {
  return sample?.layers ? `${sample.layers.new}/${sample.layers.reused}` : "-";
}

function cacheText(sample: BuildSample | undefined): string {
  return sample?.cache ? `${sample.cache.cached}/${sample.cache.steps}` : "-";
}

function newKilobytes(sample: BuildSample | undefined): string {
  return sample?.layers ? round(sample.layers.bytesNew / 1000) : "-";
}

/** Runs the scenario: `builds` of each series, prints the table beside the guide's figures. */
export async function benchCacheClaim(world: BenchWorld, builds: readonly BuildKind[], results: Results): Promise<void> {
  const started = performance.now();
  const previousTargets = process.env.ACA_ROLLOUT_TARGETS;
  process.env.ACA_ROLLOUT_TARGETS = JSON.stringify(targetsDocument());
  resetTargetsCache();
  const api = orchestratorClient({ url: world.runtime.url, key: world.runtime.functionKey });
  const seedDigest = await world.pushImage("cachebench-seed", "cachebench-seed");
  const bySeries = new Map<Series["key"], Map<BuildKind, BuildSample>>();
  try {
    for (const series of SERIES) bySeries.set(series.key, await runSeries(world, api, series, builds, `${LOGIN_SERVER}/${REPOSITORY}@${seedDigest}`));
  } finally {
    if (previousTargets === undefined) delete process.env.ACA_ROLLOUT_TARGETS;
    else process.env.ACA_ROLLOUT_TARGETS = previousTargets;
    resetTargetsCache();
  }
  const wallSeconds = (performance.now() - started) / 1000;

  const header = ["build", "cached s", "uncached s", "ratio", "saved", "steps cached", "layers new/reused", "new kB", "deploy build step s", "step saved"];
  const rows: string[][] = [];
  const resultRows: Array<Record<string, unknown>> = [];
  for (const kind of builds) {
    const cached = bySeries.get("cached")?.get(kind);
    const uncached = bySeries.get("uncached")?.get(kind);
    if (!cached || !uncached) continue;
    const ratio = cached.runSeconds / uncached.runSeconds;
    const saved = percentSaved(cached.runSeconds, uncached.runSeconds);
    const stepSaved = percentSaved(cached.stepSeconds, uncached.stepSeconds);
    rows.push([
      LABELS[kind],
      round(cached.runSeconds),
      round(uncached.runSeconds),
      ratio.toFixed(2),
      `${saved.toFixed(0)}%`,
      `${cacheText(cached)} | ${cacheText(uncached)}`,
      `${layersText(cached)} | ${layersText(uncached)}`,
      `${newKilobytes(cached)} | ${newKilobytes(uncached)}`,
      `${round(cached.stepSeconds)} | ${round(uncached.stepSeconds)}`,
      `${stepSaved.toFixed(0)}%`,
    ]);
    resultRows.push({ build: kind, cached, uncached, ratio, savedPercent: saved, stepSavedPercent: stepSaved });
  }
  const reference = GUIDE_REFERENCE;
  rows.push([
    "reference: code change",
    round(reference.cachedSeconds),
    round(reference.uncachedSeconds),
    (reference.cachedSeconds / reference.uncachedSeconds).toFixed(2),
    `${reference.savedPercent}%`,
    "-",
    "-",
    "-",
    "-",
    "-",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ");
  process.stdout.write(
    [
      "cache claim: examples/fastapi-demo (a temp copy) built by deploys through POST /api/uploads and POST /api/deployments, with the registry cache (build.cache true) and without it (build.cache false: no --cache-from/--cache-to, the --no-cache equivalent)",
      `  seconds: the ACR run, start to finish (agent set-up + BuildKit steps), on the virtual clock; saved = 1 - cached/uncached; "x | y" cells are cached | uncached; layers and new kB against the app's running image; deploy build step: the status's build step (queueing + run + the poll that noticed it)`,
      `  reference: ${reference.source}, a code change: az acr build 8 min vs a local layered docker build 1 min`,
      line(header),
      ...rows.map(line),
      "",
    ].join("\n"),
  );
  const cachedCode = bySeries.get("cached")?.get("code-only");
  const uncachedCode = bySeries.get("uncached")?.get("code-only");
  if (cachedCode && uncachedCode) {
    const saved = percentSaved(cachedCode.runSeconds, uncachedCode.runSeconds);
    printFigure(
      "cache claim, code-only rebuild saved",
      `${saved.toFixed(0)}%`,
      "of the uncached build time",
      `${round(cachedCode.runSeconds)} s vs ${round(uncachedCode.runSeconds)} s; finding: ${saved >= reference.savedPercent ? "reaches" : "falls short of"} the guide's ${reference.savedPercent}% (8 min → 1 min)`,
    );
  }
  const outcomes = [...bySeries.values()].flatMap((samples) => [...samples.values()].map((sample) => sample.outcome));
  printFigure("cache claim, deploys", outcomes.length, "deploys", `${outcomes.join(", ")}; ${world.registryBackend} registry; ${round(wallSeconds)} s wall`);
  results.cacheClaim = { reference, rows: resultRows, wallSeconds };
}
