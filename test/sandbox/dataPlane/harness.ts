/**
 * Test harness: a whole sandbox (`startSandbox`: the real HTTPS front, CA, call log) on 127.0.0.1 with a
 * virtual clock, whose ACR data plane runs over either Debian's docker-registry or the in-memory registry.
 */
import { randomUUID } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { VirtualClock } from "../../../src/common/clock.js";
import { startDockerRegistry, type DockerRegistryService } from "../../../src/local/services/dockerRegistry.js";
import type { CallLog } from "../../../src/sandbox/kernel/callLog.js";
import { registryEndpoint, type AcrDataPlaneOptions, type AcrDataPlaneProvider } from "../../../src/sandbox/providers/acrDataPlane/index.js";
import { MemoryRegistry } from "../../../src/sandbox/providers/acrDataPlane/memoryRegistry.js";
import type { RegistryBackend } from "../../../src/sandbox/providers/acrDataPlane/registryBackend.js";
import { UpstreamRegistry } from "../../../src/sandbox/providers/acrDataPlane/upstreamRegistry.js";
import { startSandbox } from "../../../src/sandbox/server.js";

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

/** Starts a sandbox whose data plane uses `kind`; the docker-registry it starts is stopped by `stop()`. */
export async function startDataPlane(kind: BackendKind, options: Omit<AcrDataPlaneOptions, "backend" | "upstreamUrl"> = {}): Promise<DataPlaneHarness> {
  let registry: DockerRegistryService | undefined;
  let backend: RegistryBackend;
  let dataPlane: AcrDataPlaneOptions;
  const namespace = options.namespace ?? `test-${randomUUID().slice(0, 8)}`;
  if (kind === "docker-registry") {
    registry = await startDockerRegistry();
    // The sandbox gets the URL, as `npm start` passes it; the test keeps its own client to compare with.
    backend = new UpstreamRegistry(registry.url);
    dataPlane = { ...options, namespace, upstreamUrl: registry.url };
  } else {
    backend = new MemoryRegistry();
    dataPlane = { ...options, namespace, backend };
  }
  const clock = new VirtualClock();
  const sandbox = await startSandbox({ clock, dataPlane });
  return {
    origin: sandbox.origin,
    caPem: sandbox.caPem,
    clock,
    callLog: sandbox.callLog,
    provider: sandbox.dataPlane,
    backend,
    namespace,
    endpoint: (loginServer) => registryEndpoint(sandbox.origin, loginServer),
    stop: async () => {
      await sandbox.stop();
      backend.close?.();
      await registry?.stop();
    },
  };
}
