/**
 * Test harness: the ACR data-plane provider behind the sandbox's real HTTPS front (kernel `createFront`,
 * the sandbox CA), on 127.0.0.1, with a virtual clock, over either Debian's docker-registry or the
 * in-memory registry.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { VirtualClock } from "../../../src/local/clock.js";
import { startDockerRegistry, type DockerRegistryService } from "../../../src/local/services/dockerRegistry.js";
import { loadOrCreateTlsMaterial } from "../../../src/sandbox/cert.js";
import { ArmThrottle } from "../../../src/sandbox/kernel/armThrottle.js";
import { CallLog } from "../../../src/sandbox/kernel/callLog.js";
import { mountProviderControlRoutes } from "../../../src/sandbox/kernel/control.js";
import { DEFAULT_DURATIONS } from "../../../src/sandbox/kernel/durations.js";
import { FaultInjector } from "../../../src/sandbox/kernel/faults.js";
import { createFront } from "../../../src/sandbox/kernel/front.js";
import type { SandboxContext } from "../../../src/sandbox/kernel/types.js";
import { createAcrDataPlaneProvider, registryEndpoint, type AcrDataPlaneOptions, type AcrDataPlaneProvider } from "../../../src/sandbox/providers/acrDataPlane/index.js";
import { MemoryRegistry } from "../../../src/sandbox/providers/acrDataPlane/memoryRegistry.js";
import type { RegistryBackend } from "../../../src/sandbox/providers/acrDataPlane/registryBackend.js";
import { UpstreamRegistry } from "../../../src/sandbox/providers/acrDataPlane/upstreamRegistry.js";

export type BackendKind = "docker-registry" | "memory";

/** Both backends; suites run against each. */
export const BACKENDS: BackendKind[] = ["docker-registry", "memory"];

/** A running data plane. */
export interface DataPlaneHarness {
  origin: string;
  caPem: string;
  clock: VirtualClock;
  callLog: CallLog;
  provider: AcrDataPlaneProvider;
  /** A direct handle on the backend, to compare with what the registry itself reports. */
  backend: RegistryBackend;
  /** Namespace given to the provider (backend names are `<namespace>-g<generation>/<loginServer>/<repo>`). */
  namespace: string;
  endpoint(loginServer: string): string;
  stop(): Promise<void>;
}

/** A credential returning a fixed AAD token, like the product's sandbox credential. */
export const fixedCredential: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: "sandbox-token", expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
  },
};

/** Starts a data plane over `kind`; the docker-registry it starts is stopped by `stop()`. */
export async function startDataPlane(kind: BackendKind, options: Omit<AcrDataPlaneOptions, "backend" | "upstreamUrl"> = {}): Promise<DataPlaneHarness> {
  let registry: DockerRegistryService | undefined;
  let backend: RegistryBackend;
  if (kind === "docker-registry") {
    registry = await startDockerRegistry();
    backend = new UpstreamRegistry(registry.url);
  } else {
    backend = new MemoryRegistry();
  }
  const clock = new VirtualClock();
  const context: SandboxContext = { clock, newId: () => randomUUID(), durations: { ...DEFAULT_DURATIONS } };
  const namespace = options.namespace ?? `test-${randomUUID().slice(0, 8)}`;
  const provider = createAcrDataPlaneProvider(context, { ...options, namespace, backend });
  const tls = await loadOrCreateTlsMaterial();
  const callLog = new CallLog();
  let origin = "https://127.0.0.1";
  const front = createFront({
    context,
    routes: provider.routes,
    controlRoutes: mountProviderControlRoutes([provider]),
    callLog,
    faults: new FaultInjector(),
    throttle: new ArmThrottle(clock),
    origin: () => origin,
  });
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, front);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    caPem: tls.caPem,
    clock,
    callLog,
    provider,
    backend,
    namespace,
    endpoint: (loginServer) => registryEndpoint(origin, loginServer),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      provider.close();
      await registry?.stop();
    },
  };
}
