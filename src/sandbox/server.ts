/**
 * Starts the Azure sandbox: an HTTPS server on 127.0.0.1 that plays Azure Resource Manager (and the
 * data planes the product touches) for the real Azure SDK clients. `npm start` runs it so a newcomer
 * can watch a deploy with no cloud; tests start one per file with a virtual clock.
 */
import { listenOnLoopback } from "../common/loopbackServer.js";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import { RealClock, type Clock } from "../common/clock.js";
import { loadOrCreateTlsMaterial } from "./cert.js";
import { ARM_GLOBAL_LIMITS, ArmThrottle } from "./kernel/armThrottle.js";
import { CallLog } from "./kernel/callLog.js";
import { kernelControlRoutes, mountProviderControlRoutes } from "./kernel/control.js";
import { applyDurations, DEFAULT_DURATIONS, durationProblems } from "./kernel/durations.js";
import { FaultInjector } from "./kernel/faults.js";
import { SandboxPersistence } from "./kernel/persistence.js";
import { createFront } from "./kernel/front.js";
import type { SandboxContext, SandboxDurations, SandboxProvider } from "./kernel/types.js";
import { createSandboxProviders } from "./providers/index.js";
import { captureDisabledRoutes, startNotificationCapture, type NotificationCapture } from "./notifications/notificationCapture.js";
import type { AcrDataPlaneOptions, AcrDataPlaneProvider } from "./providers/acrDataPlane/index.js";
import type { ContainerAppsProvider } from "./providers/containerApps/index.js";
import type { ContainerRegistryProvider, RegistrySeed } from "./providers/containerRegistry/index.js";
import { isAddressInUse, readRememberedPort, rememberPort } from "./rememberedPort.js";

/** How to start the sandbox; every field is optional. */
export interface StartSandboxOptions {
  /** Time source for simulated work and token buckets; default the real clock. */
  clock?: Clock;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Overrides of the simulated latencies. */
  durations?: Partial<SandboxDurations>;
  /** Keep the generated CA and certificate here, so restarts reuse the CA clients already trust. */
  certDir?: string;
  /** Azurite (or Storage) blob endpoint incl. account, e.g. `http://127.0.0.1:10000/devstoreaccount1`, for upload/log SAS URLs. */
  blobEndpoint?: string;
  /** Account name for `blobEndpoint`; default `devstoreaccount1`. */
  blobAccountName?: string;
  /** Account key for `blobEndpoint` (required with it). */
  blobAccountKey?: string;
  /** Registries that exist from the start and again after every reset. */
  registries?: RegistrySeed[];
  /** Create any registry a request names on first use; default false. */
  autoCreateRegistries?: boolean;
  /** Real milliseconds a registry webhook delivery waits for its answer; default ACR's 5 s. */
  webhookTimeoutMs?: number;
  /** Passed through to the ACR data-plane provider (e.g. `upstreamUrl` of a docker-registry). */
  dataPlane?: AcrDataPlaneOptions;
  /**
   * Remember state and port here across restarts (`npm start`): every provider's resources, the
   * scenario settings and the call log are saved on each change and read back on start, and the
   * first port chosen is reused (another free port when it is taken). Needs a real clock, since
   * remembered times are wall-clock times. Default: nothing is kept.
   */
  stateDir?: string;
  /**
   * Start the notification capture receiver (plain HTTP on loopback) that plays Teams, Slack and
   * webhook receivers; `GET /_sandbox/notifications` lists what it got. Default false.
   */
  notificationReceiver?: boolean;
}

/** What a persistent sandbox found on start. */
export interface SandboxPersistenceReport {
  stateDir: string;
  /** Whether an earlier run's state was taken over. */
  restored: boolean;
  /** The remembered port, when it was taken and another one is used for this run. */
  rememberedPortTaken?: number;
  /** A problem with the remembered state (it was set aside and the sandbox started empty). */
  warning?: string;
}

/** A running sandbox and its scenario controls. */
export interface Sandbox {
  /** `https://127.0.0.1:<port>`: the SDK clients' `endpoint`. */
  origin: string;
  /** The CA certificate (PEM) clients trust via `tlsOptions: { ca }`. */
  caPem: string;
  clock: Clock;
  /** The live durations (changes apply to work started afterwards). */
  durations: SandboxDurations;
  /** Every ARM/data-plane call answered. */
  callLog: CallLog;
  /** Injected faults. */
  faults: FaultInjector;
  /** ARM's per-subscription token buckets. */
  throttle: ArmThrottle;
  /** ACR Tasks provider and its scenario API. */
  acr: ContainerRegistryProvider;
  /** ACR data plane (tokens, /v2 manifests) and its scenario API; pushes of succeeded runs land here. */
  dataPlane: AcrDataPlaneProvider;
  /** Container Apps provider and its scenario API. */
  apps: ContainerAppsProvider;
  /** Every provider the front serves. */
  providers: readonly SandboxProvider[];
  /** The notification capture receiver, when started with `notificationReceiver`. */
  notifications: NotificationCapture | undefined;
  /** With `stateDir`: what was restored, and the port situation. */
  persistence: SandboxPersistenceReport | undefined;
  /** With `stateDir`: saves now what the scenario API changed (requests save by themselves). */
  saveState(): void;
  /** Validates and applies duration overrides; returns the durations now in force. */
  setDurations(changes: Partial<SandboxDurations>): SandboxDurations;
  /** Forgets provider state, faults, calls and bucket state; durations return to their start-up values. */
  reset(): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** Starts a sandbox on 127.0.0.1. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const initialProblems = options.durations ? durationProblems(options.durations) : [];
  if (initialProblems.length > 0) throw new Error(`invalid sandbox durations: ${initialProblems.join("; ")}`);
  if (options.blobEndpoint && !options.blobAccountKey) throw new Error("blobAccountKey is required with blobEndpoint");

  const clock = options.clock ?? new RealClock();
  const startupDurations: SandboxDurations = applyDurations({ ...DEFAULT_DURATIONS }, options.durations ?? {});
  const durations: SandboxDurations = { ...startupDurations };
  let persistence: SandboxPersistence | undefined;
  const context: SandboxContext = { clock, newId: () => randomUUID(), durations, stateChanged: () => persistence?.scheduleSave() };
  const providers = createSandboxProviders(context, {
    acr: {
      blob: options.blobEndpoint
        ? { blobEndpoint: options.blobEndpoint, accountName: options.blobAccountName ?? "devstoreaccount1", accountKey: options.blobAccountKey ?? "" }
        : undefined,
      registries: options.registries,
      autoCreateRegistries: options.autoCreateRegistries,
      ...(options.webhookTimeoutMs !== undefined ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}),
    },
    dataPlane: options.dataPlane,
  });
  const tls = await loadOrCreateTlsMaterial(options.certDir);
  const callLog = new CallLog();
  const faults = new FaultInjector();
  const throttle = new ArmThrottle(clock);
  const globalThrottle = new ArmThrottle(clock, { reads: { ...ARM_GLOBAL_LIMITS.reads }, writes: { ...ARM_GLOBAL_LIMITS.writes } });
  let origin = "https://127.0.0.1";

  const reset = (): void => {
    for (const provider of providers.list) provider.reset();
    faults.clear();
    callLog.clear();
    throttle.reset();
    globalThrottle.reset();
    applyDurations(durations, startupDurations);
  };
  const notifications = options.notificationReceiver ? await startNotificationCapture(clock) : undefined;
  const controlRoutes = [
    ...(notifications ? notifications.controlRoutes() : captureDisabledRoutes()),
    ...kernelControlRoutes({ clock, callLog, faults, throttle, durations, providers: providers.list, caPem: tls.caPem, origin: () => origin, reset }),
    ...mountProviderControlRoutes(providers.list),
  ];
  let report: SandboxPersistenceReport | undefined;
  if (options.stateDir) {
    persistence = new SandboxPersistence(options.stateDir, { callLog, faults, durations, providers: providers.list, reset });
    report = { stateDir: options.stateDir, ...persistence.load() };
  }
  const front = createFront({
    context,
    routes: providers.list.flatMap((p) => p.routes),
    controlRoutes,
    resourceGroups: () => providers.list.flatMap((provider) => provider.resourceGroups?.() ?? []),
    callLog,
    faults,
    throttle,
    globalThrottle,
    origin: () => origin,
    beforeReply: () => persistence?.save(),
  });

  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, front);
  origin = `https://127.0.0.1:${await listen(server, options, report)}`;

  return {
    origin,
    caPem: tls.caPem,
    clock,
    durations,
    callLog,
    faults,
    throttle,
    acr: providers.acr,
    dataPlane: providers.dataPlane,
    apps: providers.apps,
    providers: providers.list,
    notifications,
    setDurations(changes) {
      const problems = durationProblems(changes);
      if (problems.length > 0) throw new Error(`invalid sandbox durations: ${problems.join("; ")}`);
      return { ...applyDurations(durations, changes) };
    },
    persistence: report,
    saveState: () => persistence?.save(),
    reset: () => {
      reset();
      persistence?.save();
    },
    stop: async () => {
      await notifications?.stop();
      await new Promise<void>((resolve, reject) => {
        persistence?.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        providers.dataPlane.close();
      });
    },
  };
}

/** Listens on the given port, else (persistent) the remembered one, falling back to a free one when it is taken. */
async function listen(server: Server, options: StartSandboxOptions, report: SandboxPersistenceReport | undefined): Promise<number> {
  if (!report || (options.port !== undefined && options.port !== 0)) return listenOnLoopback(server, options.port);
  const remembered = readRememberedPort(report.stateDir);
  if (remembered !== undefined) {
    try {
      return await listenOnLoopback(server, remembered);
    } catch (error) {
      if (!isAddressInUse(error)) throw error;
      report.rememberedPortTaken = remembered;
      // The remembered port stays written down: it is used again once it is free.
      return listenOnLoopback(server, 0);
    }
  }
  const port = await listenOnLoopback(server, 0);
  rememberPort(report.stateDir, port);
  return port;
}
