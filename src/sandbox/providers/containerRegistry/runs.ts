/**
 * Simulated ACR Tasks runs. A run's status is a pure function of the clock: `Queued` until
 * `createdAt + runQueued`, `Running` until `+ runRunning`, then its planned outcome (Succeeded unless
 * a scenario planned Failed/Error/Timeout), or `Canceled` from the moment it was canceled. The only
 * timer is the one that announces pushed images to the data plane when a run succeeds; reads also
 * settle that, so a lagging timer can never show `Succeeded` before the image exists.
 */
import type { Clock } from "../../../common/clock.js";
import type { ImagePushSink, PushedManifest, SandboxDurations } from "../../kernel/types.js";
import { BuildCacheStore, type BuildCacheSnapshot, type CachedStep } from "./dockerBuild/buildCache.js";
import { buildOptionsOf } from "./buildOptions.js";
import { readContextArchive } from "./dockerBuild/contextArchive.js";
import { simulateBuild, SimulatedBuildError, type SimulatedBuild } from "./dockerBuild/simulatedBuild.js";
import { buildImageManifest, inputFingerprint } from "./imageManifest.js";
import { registryId, registryKey, type SandboxRegistry } from "./registries.js";
import { logCompleteMark, runLogText, type FinalRunStatus, type RunLogFacts } from "./runLog.js";
import type { RunLogState } from "./buildBlobStore.js";
import { taskSteps } from "./taskSteps.js";
import { maskRequestSecrets, outputImageRefs, SECRET_MASK, type ImageRef, type ParsedRunRequest } from "./runRequest.js";

/** Every status the API reports. */
export type RunStatus = "Queued" | "Running" | FinalRunStatus | "Canceled";

/** How the next run(s) should end; consumed in order by scheduleRun. */
export interface RunPlan {
  /** Final status; default `Succeeded`. */
  status?: FinalRunStatus;
  /** Text for the build section of the log (e.g. compiler errors). */
  log?: string;
  /** `runErrorMessage` of a failed run. */
  errorMessage?: string;
  /** Only for runs on this registry (name, case-insensitive); any registry when absent. */
  registry?: string;
  /** Override the configured durations for this run. */
  queuedMs?: number;
  runningMs?: number;
}

/** An image a run pushes, with the manifest the data plane should serve. */
export interface RunImage extends ImageRef {
  digest: string;
  manifest: PushedManifest;
}

/** One scheduled run. */
export interface SandboxRun {
  runId: string;
  registry: SandboxRegistry;
  request: ParsedRunRequest;
  createdAt: number;
  startAt: number;
  finishAt: number;
  outcome: FinalRunStatus;
  customLog: string | undefined;
  errorMessage: string | undefined;
  images: RunImage[];
  /** Whether `sourceLocation` (a relative upload path) was uploaded; undefined for absolute URLs or none. */
  sourceUploaded: boolean | undefined;
  canceledAt: number | undefined;
  pushed: boolean;
  /** BuildKit's output for a build from an uploaded Dockerfile, each line at its ms offset from `startAt`. */
  buildLog?: { at: number; text: string }[];
}

/** A run's status and times at a moment. */
export interface RunPhase {
  status: RunStatus;
  startTime: number | undefined;
  finishTime: number | undefined;
  lastUpdatedTime: number;
}

/** Simulated seconds an agent spends before BuildKit starts (source download, registry login, builder). */
const AGENT_SETUP_SECONDS = 3;

const DEFAULT_ERRORS: Record<Exclude<FinalRunStatus, "Succeeded">, string> = {
  Failed: "failed during run, err: exit status 1",
  Error: "internal error while running the task",
  Timeout: "the run timed out",
};

/** A run as saved: its registry by key, manifests as base64. */
export interface SavedRun extends Omit<SandboxRun, "registry" | "images"> {
  registryKey: string;
  images: (Omit<RunImage, "manifest"> & { manifest: { mediaType: string; contentBase64: string } })[];
}

/** The run store as a persistent sandbox saves it (JSON-able). */
export interface RunStoreSnapshot {
  runs: SavedRun[];
  counters: [string, number][];
  plans: RunPlan[];
  /** The registry build caches (absent in states saved before builds had one). */
  buildCache?: BuildCacheSnapshot;
}

/** Runs per registry, plus the plans that decide how coming runs end. */
export class RunStore {
  private readonly runs = new Map<string, SandboxRun[]>();
  private readonly counters = new Map<string, number>();
  private readonly timers = new Set<() => void>();
  /** Runs whose images are being announced; `pushed` is set once every sink has finished. */
  private readonly announcing = new Set<SandboxRun>();
  private plans: RunPlan[] = [];
  /** The registry caches builds read and write (`<repo>:buildcache`). */
  private readonly buildCache = new BuildCacheStore();
  /** Cache entries a running build exports once it succeeds. */
  private readonly cacheExports = new Map<SandboxRun, { ref: string; steps: Map<string, CachedStep> }>();

  constructor(
    private readonly clock: Clock,
    private readonly durations: SandboxDurations,
    private readonly sinks: ImagePushSink[],
    /** Told when state changed outside a request (an announcement finished). */
    private readonly changed: () => void = () => undefined,
  ) {}

  /** Everything the store holds, as JSON-able data. */
  snapshot(): RunStoreSnapshot {
    const runs = [...this.runs.values()].flat().map(({ registry, images, request, ...run }): SavedRun => ({
      ...run,
      // Secret values never reach the disk; nothing needs them once the run is scheduled.
      request: {
        ...request,
        raw: maskRequestSecrets(request.raw),
        values: Object.fromEntries(Object.entries(request.values).map(([name, value]) => [name, request.secretNames.includes(name) ? SECRET_MASK : value])),
      },
      registryKey: registryKey(registry),
      images: images.map(({ manifest, ...image }) => ({ ...image, manifest: { mediaType: manifest.mediaType, contentBase64: manifest.content.toString("base64") } })),
    }));
    return { runs, counters: [...this.counters], plans: this.pendingPlans(), buildCache: this.buildCache.snapshot() };
  }

  /**
   * Replaces the state with a {@link snapshot} of an earlier run; `registryOf` finds a run's registry.
   * A succeeded run whose images were not fully announced before the process ended announces them
   * again (oldest run first; pushing the same manifest again is harmless).
   */
  restore(snapshot: RunStoreSnapshot, registryOf: (key: string) => SandboxRegistry | undefined): void {
    this.reset();
    for (const { registryKey: key, images, ...saved } of snapshot.runs) {
      const registry = registryOf(key);
      if (!registry) throw new Error(`run ${saved.runId} names unknown registry ${key}`);
      const run: SandboxRun = {
        ...saved,
        registry,
        images: images.map(({ manifest, ...image }) => ({ ...image, manifest: { mediaType: manifest.mediaType, content: Buffer.from(manifest.contentBase64, "base64") } })),
      };
      const list = this.runs.get(key) ?? [];
      list.push(run);
      this.runs.set(key, list);
    }
    for (const [key, count] of snapshot.counters) this.counters.set(key, count);
    this.plans = snapshot.plans.map((plan) => ({ ...plan }));
    this.buildCache.restore(snapshot.buildCache);
    const unannounced = [...this.runs.values()].flat().filter((run) => !run.pushed && run.outcome === "Succeeded" && run.images.length > 0);
    // After the whole sandbox has been restored, so the data plane does not restore over these pushes.
    queueMicrotask(() => {
      for (const run of unannounced.sort((a, b) => a.createdAt - b.createdAt)) if (this.runs.get(registryKey(run.registry))?.includes(run)) this.announceWhenDone(run);
    });
  }

  /** Queues a plan for a coming run. */
  plan(plan: RunPlan): void {
    this.plans.push({ ...plan });
  }

  /** Plans not yet consumed. */
  pendingPlans(): RunPlan[] {
    return this.plans.map((plan) => ({ ...plan }));
  }

  /**
   * Schedules a run. An uploaded archive holding the Dockerfile the run names is built step by step
   * (`dockerBuild/simulatedBuild.ts`): its layers, log and running time follow from the content and
   * the registry cache. Other sources (git URLs, archives without a Dockerfile) build a small image
   * whose app layer depends only on the input, in the configured `runRunning` time.
   */
  schedule(registry: SandboxRegistry, request: ParsedRunRequest, source: { uploaded: boolean | undefined; bytes: Buffer | undefined }): SandboxRun {
    const key = registryKey(registry);
    const seq = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, seq);
    const runId = `ca${seq.toString(36)}`;
    const planIndex = this.plans.findIndex((plan) => plan.registry === undefined || plan.registry.toLowerCase() === registry.name.toLowerCase());
    const plan = planIndex >= 0 ? this.plans.splice(planIndex, 1)[0] : undefined;

    const createdAt = this.clock.now();
    const startAt = createdAt + (plan?.queuedMs ?? this.durations.runQueued);
    const refs = outputImageRefs(request, { runId, loginServer: registry.loginServer });
    const built = source.bytes ? this.buildFromArchive(source.bytes, request, { runId, loginServer: registry.loginServer }, startAt, refs) : undefined;
    const simulated = built && "build" in built ? built.build : undefined;
    const buildFailure = built && "failure" in built ? built.failure : undefined;
    const derivedMs = built ? Math.round((AGENT_SETUP_SECONDS + (simulated?.seconds ?? buildFailure?.seconds ?? 0)) * this.durations.buildSecond) : undefined;
    const finishAt = startAt + (plan?.runningMs ?? derivedMs ?? this.durations.runRunning);
    // Real ACR fails a run whose uploaded context is missing; a scenario plan still decides first.
    const missingSource = source.uploaded === false && plan === undefined;
    const outcome = plan?.status ?? (missingSource || buildFailure ? "Failed" : "Succeeded");
    const fingerprint = inputFingerprint([
      source.bytes ?? request.sourceLocation,
      request.taskYaml,
      request.valuesYaml,
      JSON.stringify(request.values),
      typeof request.raw.dockerFilePath === "string" ? request.raw.dockerFilePath : undefined,
    ]);
    // One build pushes one manifest under every tag it names (the requested tag and deploy-<id> share
    // a digest, as on ACR): one image per repository, built for the first tag that names it.
    const perRepository = new Map<string, { digest: string; manifest: PushedManifest }>();
    const images = refs.map((ref): RunImage => {
      if (simulated) return { ...ref, digest: simulated.digest, manifest: simulated.manifest };
      const key = `${ref.registry.toLowerCase()}/${ref.repository}`;
      const image =
        perRepository.get(key) ??
        buildImageManifest({
          loginServer: ref.registry,
          repository: ref.repository,
          tag: ref.tag,
          nonce: `${runId}@${new Date(createdAt).toISOString()}`,
          inputFingerprint: fingerprint,
          os: request.platform.os,
          architecture: request.platform.architecture,
        });
      perRepository.set(key, image);
      return { ...ref, digest: image.digest, manifest: image.manifest };
    });
    const scale = (lines: { at: number; text: string }[]): { at: number; text: string }[] =>
      lines.map((line) => ({ at: Math.round((AGENT_SETUP_SECONDS + line.at) * this.durations.buildSecond), text: line.text }));
    const failureLog = buildFailure ? buildFailure.log.map((line) => line.text).join("\n") : undefined;
    const run: SandboxRun = {
      runId,
      registry,
      request,
      createdAt,
      startAt,
      finishAt,
      outcome,
      customLog: plan?.log ?? (missingSource ? `Error: failed to download context: blob '${request.sourceLocation}' does not exist (BlobNotFound)` : failureLog),
      errorMessage: outcome === "Succeeded" ? undefined : (plan?.errorMessage ?? (missingSource ? "failed to download the source context" : DEFAULT_ERRORS[outcome])),
      images,
      sourceUploaded: source.uploaded,
      canceledAt: undefined,
      pushed: false,
      ...(simulated && plan?.log === undefined ? { buildLog: scale(simulated.log) } : {}),
    };
    const list = this.runs.get(key) ?? [];
    list.push(run);
    this.runs.set(key, list);
    if (simulated && simulated.cacheWrites.size > 0 && built && "cacheRef" in built && built.cacheRef) this.cacheExports.set(run, { ref: built.cacheRef, steps: simulated.cacheWrites });
    if (outcome === "Succeeded" && images.length > 0) this.announceWhenDone(run);
    return run;
  }

  /**
   * Builds an uploaded archive when it holds the Dockerfile the run names; undefined when it is not
   * a Dockerfile build (no archive, no Dockerfile: the simple image then stands in).
   */
  private buildFromArchive(
    bytes: Buffer,
    request: ParsedRunRequest,
    run: { runId: string; loginServer: string },
    builtAt: number,
    refs: ImageRef[],
  ): { build: SimulatedBuild; cacheRef: string | undefined } | { failure: { seconds: number; log: { at: number; text: string }[] } } | undefined {
    let context: ReturnType<typeof readContextArchive>;
    try {
      context = readContextArchive(bytes);
    } catch {
      return undefined;
    }
    const options = buildOptionsOf(request, run);
    if (!context.has(options.dockerfile.replace(/^\.\//, ""))) return undefined;
    try {
      const build = simulateBuild({
        context,
        dockerfile: options.dockerfile,
        ...(options.target !== undefined ? { target: options.target } : {}),
        buildArgs: options.buildArgs,
        ...(options.cacheRef !== undefined ? { cache: { store: this.buildCache, ref: options.cacheRef, read: options.readCache, write: options.writeCache } } : {}),
        builtAt,
        platform: request.platform,
        pushedAs: refs.map((ref) => `${ref.registry}/${ref.repository}:${ref.tag}`),
      });
      return { build, cacheRef: options.cacheRef };
    } catch (error) {
      if (!(error instanceof SimulatedBuildError)) throw error;
      return { failure: { seconds: error.log.at(-1)?.at ?? 0, log: error.log } };
    }
  }

  /** Announces the run's images when it finishes (at once if it already has). */
  private announceWhenDone(run: SandboxRun): void {
    if (run.finishAt <= this.clock.now()) {
      this.settle(run);
      return;
    }
    const cancel = this.clock.schedule(run.finishAt, () => {
      this.timers.delete(cancel);
      this.settle(run);
    });
    this.timers.add(cancel);
  }

  /** The run with this id on the registry. */
  find(registry: SandboxRegistry, runId: string): SandboxRun | undefined {
    const run = this.runs.get(registryKey(registry))?.find((candidate) => candidate.runId.toLowerCase() === runId.toLowerCase());
    if (run) this.settle(run);
    return run;
  }

  /** The registry's runs, newest first. */
  list(registry?: SandboxRegistry): SandboxRun[] {
    const lists = registry ? [this.runs.get(registryKey(registry)) ?? []] : [...this.runs.values()];
    const all = lists.flat().sort((a, b) => b.createdAt - a.createdAt);
    all.forEach((run) => this.settle(run));
    return all;
  }

  /** Cancels a run that has not finished; returns false if it already had. */
  cancel(run: SandboxRun): boolean {
    const now = this.clock.now();
    if (run.canceledAt !== undefined || now >= run.finishAt) return false;
    run.canceledAt = now;
    return true;
  }

  /** Status and times of a run at `now`. */
  phase(run: SandboxRun, now = this.clock.now()): RunPhase {
    if (run.canceledAt !== undefined && run.canceledAt <= now) {
      const started = run.canceledAt >= run.startAt ? run.startAt : undefined;
      return { status: "Canceled", startTime: started, finishTime: run.canceledAt, lastUpdatedTime: run.canceledAt };
    }
    if (now < run.startAt) return { status: "Queued", startTime: undefined, finishTime: undefined, lastUpdatedTime: run.createdAt };
    if (now < run.finishAt) return { status: "Running", startTime: run.startAt, finishTime: undefined, lastUpdatedTime: run.startAt };
    return { status: run.outcome, startTime: run.startAt, finishTime: run.finishAt, lastUpdatedTime: run.finishAt };
  }

  /** The run's log as of now. */
  logText(run: SandboxRun): string {
    return runLogText(this.logFacts(run), this.clock.now(), run.canceledAt);
  }

  /**
   * The run's log blob as of now: its text, the `Complete` mark once the run is final, and when it
   * will be final while it runs (its cancel time or its planned finish).
   */
  logState(run: SandboxRun): RunLogState {
    const phase = this.phase(run);
    const complete = logCompleteMark(phase.status);
    return { text: this.logText(run), complete, ...(complete === undefined ? { endsAt: run.canceledAt ?? run.finishAt } : {}) };
  }

  /** Forgets runs, plans and pending push announcements. */
  reset(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.runs.clear();
    this.counters.clear();
    this.announcing.clear();
    this.cacheExports.clear();
    this.buildCache.clear();
    this.plans = [];
  }

  /**
   * Announces a succeeded run's images once. `pushed` is set only when every sink has finished, so a
   * saved state never claims a push that a killed process did not complete.
   */
  private settle(run: SandboxRun): void {
    if (run.pushed || this.announcing.has(run) || this.phase(run).status !== "Succeeded") return;
    this.announcing.add(run);
    // The build's cache export (`--cache-to`) lands with its push.
    const exported = this.cacheExports.get(run);
    if (exported) {
      this.buildCache.write(exported.ref, exported.steps);
      this.cacheExports.delete(run);
    }
    const pending: Promise<unknown>[] = [];
    for (const image of run.images) {
      for (const sink of this.sinks) {
        // A faulty listener must not break the registry; the data plane records its own push failures.
        try {
          const work = sink.onImagePushed(image.registry, image.repository, image.tag, image.digest, image.manifest);
          if (work) pending.push(work);
        } catch {
          // Same for a listener that throws synchronously.
        }
      }
    }
    void Promise.allSettled(pending).then(() => {
      if (!this.announcing.delete(run)) return;
      run.pushed = true;
      this.changed();
    });
  }

  private logFacts(run: SandboxRun): RunLogFacts {
    return {
      runId: run.runId,
      loginServer: run.registry.loginServer,
      createdAt: run.createdAt,
      startAt: run.startAt,
      finishAt: run.finishAt,
      outcome: run.outcome,
      customText: run.customLog,
      buildOutput: run.buildLog,
      images: run.images,
      steps: taskSteps(run.request, { runId: run.runId, loginServer: run.registry.loginServer }),
    };
  }
}

/** The ARM id of a run. */
export function runResourceId(run: SandboxRun): string {
  return `${registryId(run.registry)}/runs/${run.runId}`;
}
