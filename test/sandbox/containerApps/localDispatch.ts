/**
 * A tiny in-process dispatcher for provider unit tests: matches a method + path against the
 * provider's route templates (literal segments case-insensitive, `{name}` captures one segment) and
 * calls the handler, with no HTTP, auth or throttling in between.
 */
import { randomUUID } from "node:crypto";
import { VirtualClock } from "../../../src/common/clock.js";
import type { SandboxContext, SandboxDurations, SandboxReply, SandboxRoute } from "../../../src/sandbox/kernel/types.js";

/** Durations the unit tests use; each phase is distinct so tests can stop between them. */
export const testDurations: SandboxDurations = {
  runQueued: 1_000,
  runRunning: 1_000,
  buildSecond: 1_000,
  revisionProvisioning: 5_000,
  revisionActivating: 3_000,
  revisionHealthy: 4_000,
  lroPoll: 1_000,
};

/** A context on a virtual clock with fresh ids and copies of {@link testDurations}. */
export function testContext(durations: Partial<SandboxDurations> = {}): SandboxContext & { clock: VirtualClock } {
  return { clock: new VirtualClock("2026-03-01T00:00:00.000Z"), newId: () => randomUUID(), durations: { ...testDurations, ...durations } };
}

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = template.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    const part = have[index] ?? "";
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (name) params[name] = decodeURIComponent(part);
    else if (segment.toLowerCase() !== part.toLowerCase()) return undefined;
  }
  return params;
}

/** Calls the route matching `method url` (url may carry a query string); 404 when none matches. */
export async function dispatch(routes: SandboxRoute[], context: SandboxContext, method: SandboxRoute["method"], url: string, body?: unknown): Promise<SandboxReply> {
  const parsed = new URL(url, "https://127.0.0.1:1");
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchTemplate(route.template, parsed.pathname);
    if (!params) continue;
    const json = body === undefined ? undefined : (JSON.parse(JSON.stringify(body)) as unknown);
    return route.handler(
      {
        method,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: {},
        body: json,
        rawBody: Buffer.from(json === undefined ? "" : JSON.stringify(json)),
        params,
        origin: "https://127.0.0.1:1",
      },
      context,
    );
  }
  return { status: 404, body: { error: { code: "NoRoute", message: `${method} ${url}` } } };
}
