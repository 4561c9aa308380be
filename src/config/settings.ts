/**
 * Application settings: read from the environment once, validated, and handed to the rest of the
 * product as one typed object. Every setting the code reads is listed here and in
 * local.settings.example.json.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigurationError, type ConfigurationIssue } from "../domain/errors.js";
import { DEFAULT_SCAN_SCHEDULE, NCRONTAB_PATTERN } from "./scanSchedule.js";

/** `sandbox` talks to the embedded Azure sandbox; `azure` to real Azure Resource Manager. */
export type RuntimeMode = "sandbox" | "azure";

/** Validated settings. */
export interface Settings {
  mode: RuntimeMode;
  /** Azure Resource Manager base URL. */
  armEndpoint: string;
  /** Extra CA certificate (PEM) the SDK clients trust; only the sandbox needs one. */
  armCaPem: string | undefined;
  /** Data-plane endpoint per registry login server; empty means `https://<loginServer>`. */
  registryEndpoints: Record<string, string>;
  /** Durable Functions task hub name. */
  taskHub: string;
  /** Folder for the local runtime's journal and the sandbox's files. */
  dataDir: string;
  /**
   * `ACA_ROLLOUT_INGRESS_PROXY`: optional https base URL. When set, smoke requests go to
   * `<proxy>/<revision fqdn><smokePath>` instead of `https://<revision fqdn><smokePath>`. The sandbox's
   * revision host names are fake, so `npm start` and tests point this at `<sandbox origin>/_sandbox/ingress`;
   * on Azure leave it unset (or use it for a reverse proxy that reaches internal-only ingress).
   */
  ingressProxy: string | undefined;
  /**
   * The SDK's own retries for transient answers (429, 5xx, network): how many, and the first
   * exponential delay when the answer carries no Retry-After. Longer waits are the orchestrator's.
   */
  armRetry: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
  /** Auto-rollout: the ACR webhook's shared secret and header, the debounce window, the scan schedule. */
  autoRollout: AutoRolloutSettings;
}

/** Settings of auto-rollout (deploys started by registry pushes). */
export interface AutoRolloutSettings {
  /**
   * `ACA_ROLLOUT_WEBHOOK_SECRET`: the value ACR sends in {@link webhookSecretHeader} (set with
   * `az acr webhook create --headers`). Unset: every webhook call is refused with 401. Never logged.
   */
  webhookSecret: string | undefined;
  /** `ACA_ROLLOUT_WEBHOOK_SECRET_HEADER`: the header carrying it, lowercase. */
  webhookSecretHeader: string;
  /** `ACA_ROLLOUT_AUTO_ROLLOUT_DEBOUNCE_SECONDS`: pushes for one target within this window make one deploy. */
  debounceSeconds: number;
  /** `ACA_ROLLOUT_SCAN_SCHEDULE`: NCRONTAB (6 fields) of the reconcile scan. */
  scanSchedule: string;
}

/** Default header of the webhook's shared secret. */
export const DEFAULT_WEBHOOK_SECRET_HEADER = "x-aca-rollout-secret";
/** Default debounce window (seconds). */
export const DEFAULT_DEBOUNCE_SECONDS = 10;

const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith("https://"), "must be an https:// URL");

const schema = z.object({
  ACA_ROLLOUT_MODE: z.enum(["sandbox", "azure"]).default("sandbox"),
  ACA_ROLLOUT_ARM_ENDPOINT: httpsUrl.optional(),
  ACA_ROLLOUT_ARM_CA_FILE: z.string().min(1).optional(),
  ACA_ROLLOUT_REGISTRY_ENDPOINTS: z.string().optional(),
  ACA_ROLLOUT_TASK_HUB: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,44}$/, "must be 3-45 letters or digits, starting with a letter")
    .default("acarollout"),
  ACA_ROLLOUT_DATA_DIR: z.string().min(1).default(".aca-rollout"),
  ACA_ROLLOUT_INGRESS_PROXY: httpsUrl.optional(),
  ACA_ROLLOUT_ARM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  ACA_ROLLOUT_ARM_RETRY_DELAY_MS: z.coerce.number().int().min(1).max(60_000).default(800),
  // The secret's value is never echoed: the message says what is wrong, not what was given.
  ACA_ROLLOUT_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters (a random value; az acr webhook create --headers sends it)").max(1024).optional(),
  ACA_ROLLOUT_WEBHOOK_SECRET_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "must be an HTTP header name: 1-64 letters, digits or '-'")
    .default(DEFAULT_WEBHOOK_SECRET_HEADER),
  ACA_ROLLOUT_AUTO_ROLLOUT_DEBOUNCE_SECONDS: z.coerce.number().int().min(0).max(600).default(DEFAULT_DEBOUNCE_SECONDS),
  ACA_ROLLOUT_SCAN_SCHEDULE: z.string().regex(NCRONTAB_PATTERN, "must be an NCRONTAB expression of 6 fields, e.g. 0 */5 * * * *").default(DEFAULT_SCAN_SCHEDULE),
});

const registryEndpointsSchema = z.record(z.string().min(1), httpsUrl);

/** Reads and validates settings from `env`; throws {@link ConfigurationError} listing every problem. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // Empty strings are how local.settings.json spells "unset".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(present);
  const issues: ConfigurationIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push({ path: `/${issue.path.join("/")}`, message: issue.message });
    throw new ConfigurationError(issues);
  }
  const raw = parsed.data;

  let registryEndpoints: Record<string, string> = {};
  if (raw.ACA_ROLLOUT_REGISTRY_ENDPOINTS) {
    try {
      const map = registryEndpointsSchema.safeParse(JSON.parse(raw.ACA_ROLLOUT_REGISTRY_ENDPOINTS));
      if (map.success) registryEndpoints = map.data;
      else for (const issue of map.error.issues) issues.push({ path: `/ACA_ROLLOUT_REGISTRY_ENDPOINTS/${issue.path.join("/")}`, message: issue.message });
    } catch {
      issues.push({ path: "/ACA_ROLLOUT_REGISTRY_ENDPOINTS", message: "must be a JSON object of login server to https URL" });
    }
  }

  let armCaPem: string | undefined;
  if (raw.ACA_ROLLOUT_ARM_CA_FILE) {
    try {
      armCaPem = readFileSync(raw.ACA_ROLLOUT_ARM_CA_FILE, "utf8");
      if (!armCaPem.includes("BEGIN CERTIFICATE")) issues.push({ path: "/ACA_ROLLOUT_ARM_CA_FILE", message: "is not a PEM certificate" });
    } catch (error) {
      issues.push({ path: "/ACA_ROLLOUT_ARM_CA_FILE", message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})` });
    }
  }

  if (raw.ACA_ROLLOUT_MODE === "sandbox" && !raw.ACA_ROLLOUT_ARM_ENDPOINT) {
    // In sandbox mode the launcher sets the endpoint; without it nothing could reach Azure anyway.
    issues.push({ path: "/ACA_ROLLOUT_ARM_ENDPOINT", message: "is required in sandbox mode (npm start sets it)" });
  }
  if (issues.length > 0) throw new ConfigurationError(issues);

  return {
    mode: raw.ACA_ROLLOUT_MODE,
    armEndpoint: (raw.ACA_ROLLOUT_ARM_ENDPOINT ?? DEFAULT_ARM_ENDPOINT).replace(/\/+$/, ""),
    armCaPem,
    registryEndpoints,
    taskHub: raw.ACA_ROLLOUT_TASK_HUB,
    dataDir: raw.ACA_ROLLOUT_DATA_DIR,
    ingressProxy: raw.ACA_ROLLOUT_INGRESS_PROXY?.replace(/\/+$/, ""),
    armRetry: { maxRetries: raw.ACA_ROLLOUT_ARM_MAX_RETRIES, retryDelayInMs: raw.ACA_ROLLOUT_ARM_RETRY_DELAY_MS, maxRetryDelayInMs: 10_000 },
    autoRollout: {
      webhookSecret: raw.ACA_ROLLOUT_WEBHOOK_SECRET,
      webhookSecretHeader: raw.ACA_ROLLOUT_WEBHOOK_SECRET_HEADER.toLowerCase(),
      debounceSeconds: raw.ACA_ROLLOUT_AUTO_ROLLOUT_DEBOUNCE_SECONDS,
      scanSchedule: raw.ACA_ROLLOUT_SCAN_SCHEDULE.trim(),
    },
  };
}

/** The outcome of loading settings without throwing, for health reporting. */
export type SettingsResult = { ok: true; settings: Settings } | { ok: false; issues: ConfigurationIssue[] };

let cached: SettingsResult | undefined;

/** Loads settings from `process.env` once per process and remembers the outcome, good or bad. */
export function currentSettings(): SettingsResult {
  if (!cached) {
    try {
      cached = { ok: true, settings: loadSettings() };
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      cached = { ok: false, issues: error.issues };
    }
  }
  return cached;
}

/** Forgets the cached settings (tests and the local host call this after changing the environment). */
export function resetSettingsCache(): void {
  cached = undefined;
}
