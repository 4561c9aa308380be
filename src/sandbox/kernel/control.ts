/**
 * Scenario control over HTTP, on the sandbox's own port under `/_sandbox/`. No bearer token is needed,
 * and these calls are neither throttled nor recorded in the call log. Errors use the ARM error body
 * `{ "error": { "code", "message" } }`. JSON shapes:
 *
 * GET    /_sandbox/calls[?operation=&method=&plane=arm|data&status=&pathContains=&afterSeq=]
 *        200 { "calls": CallRecord[] } where CallRecord =
 *          { "seq": 1, "time": "2026-01-01T00:00:00.000Z", "method": "POST", "path": "/subscriptions/.../scheduleRun",
 *            "operation": "Microsoft.ContainerRegistry/registries/scheduleRun/action",
 *            "resourceId": "/subscriptions/.../registries/myreg", "status": 200, "correlationId": "<guid>",
 *            "requestId": "<guid>", "plane": "arm", "apiVersion": "2019-06-01-preview",
 *            "throttled": false, "faulted": false }
 * GET    /_sandbox/operations[?same filters]      200 { "operations": ["Microsoft.App/containerApps/read", ...] } (distinct, sorted)
 * DELETE /_sandbox/calls                          204
 * GET    /_sandbox/faults                         200 { "faults": FaultRule[] }
 * POST   /_sandbox/faults                         201 FaultRule. Body (FaultRuleInput; matchers optional, all given must match):
 *          { "operation": "Microsoft.ContainerRegistry/registries/runs/read", "method": "GET", "pathContains": "/runs/",
 *            "plane": "arm", "times": 3 | "always" (default 1),
 *            "status": 503, "code": "ServiceUnavailable", "message": "...", "retryAfterSeconds": 1,
 *            "delayMs": 200, "headers": { "x-extra": "1" } }
 *          A rule needs `status` (answer with that ARM error; 429 gets Retry-After 1 unless given) or `delayMs`
 *          (wait that many real ms, then handle normally), or both. FaultRule adds { "id", "remaining", "hits" }.
 * DELETE /_sandbox/faults                         204 (all rules)
 * DELETE /_sandbox/faults/{id}                    204, or 404 when no such rule
 * GET    /_sandbox/durations                      200 SandboxDurations
 * PUT    /_sandbox/durations                      200 SandboxDurations. Body: any subset of
 *          { "runQueued", "runRunning", "buildSecond", "revisionProvisioning", "revisionActivating", "revisionHealthy", "lroPoll" } (ms >= 0)
 * GET    /_sandbox/throttle                       200 ThrottleSnapshot { "limits", "remaining": { "<sub>": { "reads", "writes" } },
 *                                                 "minRemaining": { "reads", "writes" }, "rejected": { "reads", "writes" } }
 * POST   /_sandbox/reset                          204: forgets provider state, faults, calls, bucket state; durations back to start-up values
 * GET    /_sandbox/state                          200 { "origin", "now", "durations", "throttle", "faults", "callCount",
 *                                                 "providers": { "<name>": provider.state() } }
 * GET    /_sandbox/ca.pem                         200 the CA certificate clients must trust (PEM, text)
 *
 * Providers add their own routes under `/_sandbox/`; the ACR Tasks provider's are documented in
 * `providers/containerRegistry/control.ts` (`/_sandbox/acr/...`).
 */
import type { Clock } from "../../common/clock.js";
import type { ArmThrottle } from "./armThrottle.js";
import { callFilterFromQuery, type CallLog } from "./callLog.js";
import { CONTROL_PREFIX } from "./front.js";
import { applyDurations, durationProblems } from "./durations.js";
import { faultRuleProblems, type FaultInjector, type FaultRuleInput } from "./faults.js";
import { armError, type SandboxDurations, type SandboxProvider, type SandboxReply, type SandboxRoute } from "./types.js";

/** The sandbox parts the kernel's control routes read and change. */
export interface ControlTarget {
  clock: Clock;
  callLog: CallLog;
  faults: FaultInjector;
  throttle: ArmThrottle;
  durations: SandboxDurations;
  providers: readonly SandboxProvider[];
  caPem: string;
  origin(): string;
  reset(): void;
}

/** A control route: no RBAC operation, never throttled. */
export function controlRoute(method: SandboxRoute["method"], template: string, handler: SandboxRoute["handler"]): SandboxRoute {
  return { method, template, operation: "sandbox/control", plane: "data", kind: "read", handler };
}

/** A 400 listing what was wrong with a control request body. */
export function invalidBody(problems: string[]): SandboxReply {
  return armError(400, "InvalidRequestContent", problems.join("; "));
}

/** The kernel's own control routes (absolute templates). */
export function kernelControlRoutes(target: ControlTarget): SandboxRoute[] {
  const at = (template: string): string => `${CONTROL_PREFIX}${template}`;
  return [
    controlRoute("GET", at("/calls"), (req) => ({ status: 200, body: { calls: target.callLog.calls(callFilterFromQuery(req.query)) } })),
    controlRoute("GET", at("/operations"), (req) => ({ status: 200, body: { operations: target.callLog.operations(callFilterFromQuery(req.query)) } })),
    controlRoute("DELETE", at("/calls"), () => {
      target.callLog.clear();
      return { status: 204 };
    }),
    controlRoute("GET", at("/faults"), () => ({ status: 200, body: { faults: target.faults.list() } })),
    controlRoute("POST", at("/faults"), (req) => {
      const problems = faultRuleProblems(req.body);
      if (problems.length > 0) return invalidBody(problems);
      return { status: 201, body: target.faults.inject(req.body as FaultRuleInput) };
    }),
    controlRoute("DELETE", at("/faults"), () => {
      target.faults.clear();
      return { status: 204 };
    }),
    controlRoute("DELETE", at("/faults/{id}"), (req) =>
      target.faults.remove(req.params.id ?? "") ? { status: 204 } : armError(404, "NotFound", "No fault rule with that id."),
    ),
    controlRoute("GET", at("/durations"), () => ({ status: 200, body: target.durations })),
    controlRoute("PUT", at("/durations"), (req) => {
      const problems = durationProblems(req.body);
      if (problems.length > 0) return invalidBody(problems);
      return { status: 200, body: applyDurations(target.durations, req.body as Partial<SandboxDurations>) };
    }),
    controlRoute("GET", at("/throttle"), () => ({ status: 200, body: target.throttle.snapshot() })),
    controlRoute("POST", at("/reset"), () => {
      target.reset();
      return { status: 204 };
    }),
    controlRoute("GET", at("/state"), () => ({
      status: 200,
      body: {
        origin: target.origin(),
        now: new Date(target.clock.now()).toISOString(),
        durations: target.durations,
        throttle: target.throttle.snapshot(),
        faults: target.faults.list(),
        callCount: target.callLog.calls().length,
        providers: Object.fromEntries(target.providers.map((provider) => [provider.name, provider.state?.() ?? {}])),
      },
    })),
    controlRoute("GET", at("/ca.pem"), () => ({ status: 200, headers: { "content-type": "application/x-pem-file" }, body: target.caPem })),
  ];
}

/** Provider control routes re-rooted under `/_sandbox` (templates given as relative, e.g. `/acr/runs`). */
export function mountProviderControlRoutes(providers: readonly SandboxProvider[]): SandboxRoute[] {
  return providers.flatMap((provider) =>
    provider.controlRoutes.map((route) => {
      const lower = route.template.toLowerCase();
      const template = lower === CONTROL_PREFIX || lower.startsWith(`${CONTROL_PREFIX}/`) ? route.template : `${CONTROL_PREFIX}/${route.template.replace(/^\/+/, "")}`;
      return { ...route, template };
    }),
  );
}
