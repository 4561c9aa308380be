/**
 * Launches Azurite's blob service (the installed `azurite` npm package's `azurite-blob` entry) on
 * loopback for the local runtime and tests.
 *
 * It runs in a supervised child rather than in-process: Azurite configures itself from `process.argv`
 * at construction and keeps module-level singletons (logger, telemetry), so a child is the clean way to
 * give it its own arguments. Telemetry is disabled by flag and the child gets an empty environment
 * (no `AZURITE_DB`/`AZURITE_ACCOUNTS` surprises); it binds only 127.0.0.1.
 */
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { minimalServiceEnv, startSupervisedProcess } from "./supervisedProcess.js";
import { waitForHttp } from "./httpProbe.js";

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT_NAME = "devstoreaccount1";
/** The well-known development account key Azurite documents publicly (not a secret). */
export const AZURITE_ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Options for {@link startAzurite}. */
export interface AzuriteOptions {
  /** Workspace folder for Azurite's data; a fresh temp dir (removed on stop) when omitted. */
  location?: string;
  startTimeoutMs?: number;
}

/** A running Azurite blob service. */
export interface AzuriteService {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  /** A connection string for `BlobServiceClient.fromConnectionString`. */
  connectionString: string;
  /** The workspace folder in use. */
  location: string;
  /** Stops Azurite (and removes its temp workspace if we created it). */
  stop(): Promise<void>;
}

/** Starts `azurite-blob` on 127.0.0.1:<free port> and resolves once it answers HTTP. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteService> {
  const entry = createRequire(import.meta.url).resolve("azurite/dist/src/blob/main.js");
  const ownWorkspace = options.location === undefined;
  const location = options.location ?? (await mkdtemp(join(tmpdir(), "aca-rollout-azurite-")));
  await mkdir(location, { recursive: true });
  const cleanup = async (): Promise<void> => {
    if (ownWorkspace) await rm(location, { recursive: true, force: true });
  };

  let service;
  try {
    service = await startSupervisedProcess({
      name: "azurite-blob",
      command: process.execPath,
      args: [
        entry,
        "--blobHost", "127.0.0.1",
        // Port 0 lets the OS pick a free port; Azurite prints the one it bound.
        "--blobPort", "0",
        "--location", location,
        "--silent",
        "--disableTelemetry",
        "--skipApiVersionCheck",
        "--loose",
      ],
      env: minimalServiceEnv(),
      cwd: location,
      readyPattern: /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/,
      startTimeoutMs: options.startTimeoutMs,
    });
  } catch (error) {
    await cleanup();
    throw error;
  }

  const origin = `http://127.0.0.1:${service.readyMatch[1] ?? ""}`;
  const blobEndpoint = `${origin}/${AZURITE_ACCOUNT_NAME}`;
  const stop = async (): Promise<void> => {
    await service.stop();
    await cleanup();
  };
  try {
    // Any HTTP answer (an unauthenticated request gets 403) means the listener is serving.
    await waitForHttp(`${blobEndpoint}?comp=list`, (status) => status > 0, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    blobEndpoint,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
    location,
    stop,
  };
}
