/**
 * Simulated ACR Tasks runs. A run's status is a pure function of the clock: `Queued` until
 * `createdAt + runQueued`, `Running` until `+ runRunning`, then its planned outcome (Succeeded unless
 * a scenario planned Failed/Error/Timeout), or `Canceled` from the moment it was canceled. The only
 * timer is the one that announces pushed images to the data plane when a run succeeds; reads also
 * settle that, so a lagging timer can never show `Succeeded` before the image exists.
 */
import type { Clock } from "../../../common/clock.js";
import type { ImagePushSink, PushedManifest, SandboxDurations } from "../../kernel/types.js";
import { buildImageManifest, inputFingerprint } from "./imageManifest.js";
import { registryId, registryKey, type SandboxRegistry } from "./registries.js";
import { runLogText, type FinalRunStatus, type RunLogFacts } from "./runLog.js";
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
}

/** A run's status and times at a moment. */
export interface RunPhase {
  status: RunStatus;
  startTime: number | undefined;
  finishTime: number | undefined;
  lastUpdatedTime: number;
}

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
}

/** Runs per registry, plus the plans that decide how coming runs end. */
export class RunStore {
  private readonly runs = new Map<string, SandboxRun[]>();
  private readonly counters = new Map<string, number>();
  private readonly timers = new Set<() => void>();
  /** Runs whose images are being announced; `pushed` is set once every sink has finished. */
  private readonly announcing = new Set<SandboxRun>();
  private plans: RunPlan[] = [];

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
    return { runs, counters: [...this.counters], plans: this.pendingPlans() };
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

  /** Schedules a run; `sourceBytes` (the uploaded archive, if any) makes unchanged input build identical layers. */
  schedule(registry: SandboxRegistry, request: ParsedRunRequest, source: { uploaded: boolean | undefined; bytes: Buffer | undefined }): SandboxRun {
    const key = registryKey(registry);
    const seq = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, seq);
    const runId = `ca${seq.toString(36)}`;
    const planIndex = this.plans.findIndex((plan) => plan.registry === undefined || plan.registry.toLowerCase() === registry.name.toLowerCase());
    const plan = planIndex >= 0 ? this.plans.splice(planIndex, 1)[0] : undefined;

    const createdAt = this.clock.now();
    const startAt = createdAt + (plan?.queuedMs ?? this.durations.runQueued);
    const finishAt = startAt + (plan?.runningMs ?? this.durations.runRunning);
    // Real ACR fails a run whose uploaded context is missing; a scenario plan still decides first.
    const missingSource = source.uploaded === false && plan === undefined;
    const outcome = plan?.status ?? (missingSource ? "Failed" : "Succeeded");
    const fingerprint = inputFingerprint([
      source.bytes ?? request.sourceLocation,
      request.taskYaml,
      request.valuesYaml,
      JSON.stringify(request.values),
      typeof request.raw.dockerFilePath === "string" ? request.raw.dockerFilePath : undefined,
    ]);
    const images = outputImageRefs(request, { runId, loginServer: registry.loginServer }).map((ref): RunImage => {
      const built = buildImageManifest({
        loginServer: ref.registry,
        repository: ref.repository,
        tag: ref.tag,
        nonce: `${runId}@${new Date(createdAt).toISOString()}`,
        inputFingerprint: fingerprint,
        os: request.platform.os,
        architecture: request.platform.architecture,
      });
      return { ...ref, digest: built.digest, manifest: built.manifest };
    });
    const run: SandboxRun = {
      runId,
      registry,
      request,
      createdAt,
      startAt,
      finishAt,
      outcome,
      customLog: plan?.log ?? (missingSource ? `Error: failed to download context: blob '${request.sourceLocation}' does not exist (BlobNotFound)` : undefined),
      errorMessage: outcome === "Succeeded" ? undefined : (plan?.errorMessage ?? (missingSource ? "failed to download the source context" : DEFAULT_ERRORS[outcome])),
      images,
      sourceUploaded: source.uploaded,
      canceledAt: undefined,
      pushed: false,
    };
    const list = this.runs.get(key) ?? [];
    list.push(run);
    this.runs.set(key, list);
    if (outcome === "Succeeded" && images.length > 0) this.announceWhenDone(run);
    return run;
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

  /** Forgets runs, plans and pending push announcements. */
  reset(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.runs.clear();
    this.counters.clear();
    this.announcing.clear();
    this.plans = [];
  }

  /**
   * Announces a succeeded run's images once. `pushed` is set only when every sink has finished, so a
   * saved state never claims a push that a killed process did not complete.
   */
  private settle(run: SandboxRun): void {
    if (run.pushed || this.announcing.has(run) || this.phase(run).status !== "Succeeded") return;
    this.announcing.add(run);
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
      images: run.images,
      steps: taskSteps(run.request, { runId: run.runId, loginServer: run.registry.loginServer }),
    };
  }
}

/** The ARM id of a run. */
export function runResourceId(run: SandboxRun): string {
  return `${registryId(run.registry)}/runs/${run.runId}`;
}
