/**
 * The host's access keys and the checks the Functions host applies with them: a function key (or the
 * master key) opens `function`-level functions, only the master key opens `admin`-level ones, and the
 * Durable extension's webhooks want its system key (or the master key). Keys arrive in the
 * `x-functions-key` header or the `code` query parameter. Comparisons run in constant time over
 * SHA-256 digests so neither content nor length leaks through timing.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { AuthLevel } from "./httpFunction.js";

/** The keys the local host accepts. */
export interface HostKeys {
  /** Function keys (default and named); any of them opens `function`-level functions. */
  functionKeys: readonly string[];
  /** The host master key; opens everything. Optional: without it `admin` functions always answer 401. */
  masterKey?: string;
  /** System keys by extension name, e.g. `durabletask_extension`. */
  systemKeys?: Readonly<Record<string, string>>;
}

/** The system key name the Durable extension's webhooks use. */
export const DURABLE_SYSTEM_KEY_NAME = "durabletask_extension";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function matchesAny(presented: Buffer, candidates: readonly Buffer[]): boolean {
  let found = false;
  // Compare against every candidate so the time taken doesn't reveal which one matched.
  for (const candidate of candidates) if (timingSafeEqual(presented, candidate)) found = true;
  return found;
}

/** Derives a stable system key from a host secret, so webhook URLs survive restarts without another stored secret. */
export function deriveSystemKey(hostSecret: string, extensionName: string): string {
  return createHmac("sha256", hostSecret).update(`system-key:${extensionName}`).digest("base64url");
}

/** The key a request presents: the `x-functions-key` header wins over the `code` query parameter. */
export function presentedKey(headerValue: string | string[] | undefined, query: URLSearchParams | undefined): string | undefined {
  const header = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  if (header) return header;
  const code = query?.get("code");
  return code ? code : undefined;
}

/** Decides whether a presented key opens a function or a system endpoint. */
export class KeyChecker {
  private readonly functionDigests: Buffer[];
  private readonly masterDigests: Buffer[];
  private readonly systemDigests = new Map<string, Buffer[]>();

  constructor(keys: HostKeys) {
    this.masterDigests = keys.masterKey ? [digest(keys.masterKey)] : [];
    this.functionDigests = [...keys.functionKeys.filter((k) => k.length > 0).map(digest), ...this.masterDigests];
    for (const [name, key] of Object.entries(keys.systemKeys ?? {})) {
      if (key) this.systemDigests.set(name, [digest(key), ...this.masterDigests]);
    }
  }

  /** Whether `presented` opens a function with `level`. */
  allows(level: AuthLevel, presented: string | undefined): boolean {
    if (level === "anonymous") return true;
    if (presented === undefined) return false;
    const candidates = level === "admin" ? this.masterDigests : this.functionDigests;
    return candidates.length > 0 && matchesAny(digest(presented), candidates);
  }

  /** Whether `presented` opens the named extension's system endpoints. */
  allowsSystem(extensionName: string, presented: string | undefined): boolean {
    const candidates = this.systemDigests.get(extensionName) ?? this.masterDigests;
    if (presented === undefined || candidates.length === 0) return false;
    return matchesAny(digest(presented), candidates);
  }
}
