/**
 * Launches Debian's `docker-registry` (CNCF Distribution 2.8, the reference OCI registry) on loopback,
 * so the sandbox's ACR data plane fronts a real registry instead of an imitation.
 *
 * It runs as our own supervised child with a generated config: filesystem storage, deletes enabled,
 * no auth (the sandbox's ACR token layer sits in front), HTTP on 127.0.0.1 with an OS-chosen port, no
 * debug listener, no notifications, no pull-through proxy, and an empty environment so `REGISTRY_*`
 * variables can't reconfigure it. The Debian package's systemd unit is never used.
 */
import { access, constants, mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { minimalServiceEnv, startSupervisedProcess } from "./supervisedProcess.js";
import { waitForHttp } from "./httpProbe.js";

/** Where Debian's package installs the registry binary. */
export const DOCKER_REGISTRY_BINARY = "/usr/bin/docker-registry";

/** The setting naming another registry binary (a path that does not exist behaves as a machine without one). */
export const DOCKER_REGISTRY_BINARY_SETTING = "ACA_ROLLOUT_DOCKER_REGISTRY_BINARY";

/** The registry binary `npm start` and the tests use: the setting's path, else Debian's. */
export function dockerRegistryBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env[DOCKER_REGISTRY_BINARY_SETTING]?.trim() || DOCKER_REGISTRY_BINARY;
}

/** Options for {@link startDockerRegistry}. */
export interface DockerRegistryOptions {
  /** Storage root; a fresh temp dir (removed on stop) when omitted. */
  dataDir?: string;
  /** Path to the binary (default {@link dockerRegistryBinary}). */
  binary?: string;
  startTimeoutMs?: number;
}

/** A running docker-registry. */
export interface DockerRegistryService {
  /** `http://127.0.0.1:<port>` — the registry API root (append `/v2/`). */
  url: string;
  /** The storage root in use. */
  dataDir: string;
  /** Stops the registry (and removes its temp storage if we created it). */
  stop(): Promise<void>;
}

/** Thrown when the registry binary is missing, with the install command. */
export class DockerRegistryNotInstalledError extends Error {
  constructor(binary: string) {
    super(`docker-registry is not installed (${binary} not found). Install it with: apt-get install -y docker-registry`);
    this.name = "DockerRegistryNotInstalledError";
  }
}

/** Whether the registry binary exists and is executable. */
export async function isDockerRegistryInstalled(binary: string = dockerRegistryBinary()): Promise<boolean> {
  try {
    await access(binary, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The registry configuration we run with (JSON is valid YAML, so no YAML writer is needed). */
export function dockerRegistryConfig(dataDir: string, httpSecret: string): Record<string, unknown> {
  return {
    version: 0.1,
    log: { level: "info", formatter: "text", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: dataDir },
      delete: { enabled: true },
      // Upload purging runs a background sweep; nothing here lives long enough to need it.
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: "127.0.0.1:0",
      secret: httpSecret,
      // Locations stay relative so the ACR front can re-home them under its own origin.
      relativeurls: true,
      draintimeout: "1s",
      headers: { "X-Content-Type-Options": ["nosniff"] },
    },
    health: { storagedriver: { enabled: false } },
  };
}

/** Starts docker-registry on 127.0.0.1:<free port> and resolves once `/v2/` answers. */
export async function startDockerRegistry(options: DockerRegistryOptions = {}): Promise<DockerRegistryService> {
  const binary = options.binary ?? dockerRegistryBinary();
  if (!(await isDockerRegistryInstalled(binary))) throw new DockerRegistryNotInstalledError(binary);

  const workDir = await mkdtemp(join(tmpdir(), "aca-rollout-registry-"));
  const dataDir = options.dataDir ?? join(workDir, "data");
  await mkdir(dataDir, { recursive: true });
  const configPath = join(workDir, "config.yml");
  await writeFile(configPath, JSON.stringify(dockerRegistryConfig(dataDir, randomBytes(24).toString("hex")), null, 2), { mode: 0o600 });

  const cleanup = async (): Promise<void> => {
    await rm(workDir, { recursive: true, force: true });
  };

  let service;
  try {
    service = await startSupervisedProcess({
      name: "docker-registry",
      command: binary,
      args: ["serve", configPath],
      env: minimalServiceEnv(),
      cwd: workDir,
      readyPattern: /listening on 127\.0\.0\.1:(\d+)/,
      startTimeoutMs: options.startTimeoutMs,
    });
  } catch (error) {
    await cleanup();
    throw error;
  }

  const url = `http://127.0.0.1:${service.readyMatch[1] ?? ""}`;
  const stop = async (): Promise<void> => {
    await service.stop();
    await cleanup();
  };
  try {
    // Without auth, `/v2/` answers 200 once the HTTP server is serving.
    await waitForHttp(`${url}/v2/`, (status) => status === 200, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dataDir, stop };
}
