/**
 * The document's resource schemas against the TypeScript shapes in apiTypes.ts: a sample with every
 * field (optional ones included, which `Required<>` makes the compiler insist on) must validate, so a
 * field added to a shape but not to the document fails here before any endpoint returns it.
 */
import { describe, expect, it } from "vitest";
import type { ApiError, DeploymentAccepted, DeploymentPage, DeploymentResource, HealthDetails, HealthResource, QuarantineResource, TargetList, TargetResource } from "../../../src/functions/http/apiTypes.js";
import { buildOpenApiDocument } from "../../../src/functions/http/openapi/document.js";
import { PROBLEM_TYPES, type Problem, type ProblemError } from "../../../src/functions/http/problem.js";
import type { TimelineStep } from "../../../src/domain/timeline.js";
import { createSchemaCompiler, describeSchemaErrors } from "./schemaCompiler.js";

const document = buildOpenApiDocument();
const compiler = createSchemaCompiler(document);
const AT = "2026-11-28T09:00:00.000Z";
const DIGEST = `sha256:${"d".repeat(64)}`;

const errors = (schema: string, value: unknown): string[] => {
  const validate = compiler.compile({ $ref: `#/components/schemas/${schema}` });
  return validate(value) ? [] : describeSchemaErrors(validate.errors);
};

const step: Required<TimelineStep> = { name: "verify", status: "failed", startedAt: AT, finishedAt: AT, detail: "never healthy" };
const apiError: Required<ApiError> = { code: "ContainerAppOperationError", message: "failed", statusCode: 409, correlationId: "c0ffee" };
const image: Required<DeploymentResource["image"]> = { loginServer: "acr.azurecr.io", repository: "team/web", tag: "v2", digest: DIGEST };
const deployment: Required<DeploymentResource> = {
  id: "dep-1",
  target: "web",
  image,
  status: "RolledBack",
  trigger: { kind: "webhook", eventIds: ["cb8c3971-9adc-488b-0000-43cbb4974ff5"], tag: "v2", coalesced: 3 },
  createdAt: AT,
  updatedAt: AT,
  reason: "verification failed",
  steps: [step],
  runId: "cb1",
  logTail: "error",
  revision: "web-app--abc",
  previousRevision: "web-app--old",
  supersededBy: "dep-2",
  quarantinedDigest: DIGEST,
  contentHash: `sha256:${"c".repeat(64)}`,
  error: apiError,
  notifications: [{ channel: "slack", setting: "SLACK_URL", event: "rolledBack", delivered: false, attempts: 1, lastError: "HTTP 404: channel_not_found", deliveredAt: AT }],
  build: {
    lint: {
      mode: "error",
      dockerfile: "Dockerfile",
      findings: [{ rule: "copy-all-before-install", category: "cache", severity: "warning", file: "Dockerfile", line: 3, why: "every code change re-runs pip install", fix: "copy requirements.txt first" }],
      counts: { cache: 1, size: 0, security: 0 },
      omitted: 2,
    },
    layers: { total: 7, new: 1, reused: 6, bytesTotal: 412_000_000, bytesNew: 3_100_000, comparedWith: DIGEST },
    cache: { steps: 5, cached: 4, executed: 1 },
    summary: "1 of 7 layers new, 3.1 MB of 412 MB; 4/5 steps cached",
  },
};
const quarantine: Required<QuarantineResource> = { digest: DIGEST, deploymentId: "dep-1", reason: "bad", at: AT };
const lastKnownGood: Required<NonNullable<TargetResource["lastKnownGood"]>> = { revision: "web-app--old", image: `acr.azurecr.io/team/web@${DIGEST}`, digest: DIGEST, deploymentId: "dep-0", at: AT };
const target: Required<TargetResource> = {
  name: "web",
  configuration: { containerApp: { containerApp: "web-app" } },
  lastKnownGood,
  lastDeployment: { id: "dep-1", outcome: "RolledBack", at: AT },
  quarantine: [quarantine],
  lock: { holder: "dep-2", waiting: ["dep-3"] },
  history: [{ at: AT, event: "lock-released-by-hand", holder: "dep-0", reason: "stuck after an outage" }],
  decisions: [{ at: AT, kind: "started", via: "webhook", tag: "v2", digest: DIGEST, eventId: "e1", deploymentId: "auto-0123456789abcdef01234567", reason: "started" }],
};
const page: Required<DeploymentPage> = { value: [deployment], continuationToken: "t", nextLink: "http://127.0.0.1/api/deployments?continuationToken=t" };
const accepted: Required<DeploymentAccepted> = { id: "dep-1", statusUrl: "http://127.0.0.1/api/deployments/dep-1" };
const list: Required<TargetList> = { value: [target] };
const health: Required<HealthResource> = { status: "unhealthy", version: "0.1.0", mode: "sandbox", configuration: { valid: false, errors: [{ path: "/x" }], warnings: [{ path: "/targets/0/autoRollout" }] } };
const healthDetails: Required<HealthDetails> = {
  ...health,
  configuration: { valid: false, errors: [{ path: "/x", message: "bad" }], warnings: [{ path: "/targets/0/autoRollout", message: "is not supported yet" }] },
};
const problemError: Required<ProblemError> = { pointer: "/tag", detail: "bad" };
const problem: Required<Problem> = {
  type: PROBLEM_TYPES.digestQuarantined,
  title: "Digest quarantined",
  status: 409,
  detail: "quarantined",
  instance: "/api/deployments",
  errors: [problemError],
  quarantine: { digest: DIGEST, deploymentId: "dep-1", reason: "bad", at: AT, lift: `DELETE /api/targets/web/quarantine/${DIGEST}` },
};

describe("resource schemas", () => {
  it.each([
    ["DeploymentResource", deployment],
    ["DeploymentAccepted", accepted],
    ["DeploymentPage", page],
    ["TargetResource", target],
    ["TargetList", list],
    ["HealthResource", health],
    ["HealthDetails", healthDetails],
    ["Problem", problem],
  ])("%s accepts a sample with every field of its TypeScript shape", (schema, sample) => {
    expect(errors(schema, sample)).toEqual([]);
  });

  it("reject a field the shape does not have, a missing required field and a wrong enum value", () => {
    expect(errors("DeploymentResource", { ...deployment, extra: 1 })).toEqual([expect.stringContaining("must NOT have additional properties")]);
    const { steps: _steps, ...withoutSteps } = deployment;
    expect(errors("DeploymentResource", withoutSteps)).toEqual([expect.stringContaining("'steps'")]);
    expect(errors("TargetResource", { ...target, quarantine: [{ ...quarantine, digest: "latest" }] }).join()).toContain("/quarantine/0/digest");
    expect(errors("Problem", { ...problem, type: "about:blank" }).join()).toContain("/type");
  });
});
