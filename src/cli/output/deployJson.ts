/**
 * `aca-rollout deploy --json`: one JSON document on stdout when the command ends, and its JSON Schema
 * (exported so tests, and scripts, can validate it). Nothing else is written to stdout in this mode.
 */
import { LINT_RULE_IDS, type LintReport } from "../../domain/lintFinding.js";
import type { DeploymentResource } from "../../functions/http/apiTypes.js";
import { DEPLOYMENT_STATUSES } from "../../functions/http/apiTypes.js";

/** The document `deploy --json` prints. */
export interface DeployJson {
  command: "deploy";
  target: string;
  /** The deploy's final status; `Unchanged` (nothing to do), `Started` (`--no-wait`), `Interrupted` or `Error` (see `error`). */
  outcome: string;
  exitCode: number;
  context?: { contentHash: string; files: number; bytes: number; archiveBytes: number; ignoreFile: string | null; dockerfile: string };
  lint?: LintReport;
  upload?: { relativePath: string; bytes: number };
  unchangedSince?: { digest: string; deploymentId: string };
  deployment?: DeploymentResource;
  statusUrl?: string;
  error?: { message: string; details: string[] };
}

const HASH = { type: "string", pattern: "^sha256:[0-9a-f]{64}$" };

/** The JSON Schema (2020-12) of {@link DeployJson}. */
export const DEPLOY_JSON_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "aca-rollout deploy --json",
  type: "object",
  additionalProperties: false,
  required: ["command", "target", "outcome", "exitCode"],
  properties: {
    command: { const: "deploy" },
    target: { type: "string" },
    outcome: { enum: [...DEPLOYMENT_STATUSES, "Unchanged", "Started", "Interrupted", "Error"] },
    exitCode: { enum: [0, 1, 2, 130] },
    context: {
      type: "object",
      additionalProperties: false,
      required: ["contentHash", "files", "bytes", "archiveBytes", "ignoreFile", "dockerfile"],
      properties: {
        contentHash: HASH,
        files: { type: "integer", minimum: 0 },
        bytes: { type: "integer", minimum: 0 },
        archiveBytes: { type: "integer", minimum: 1 },
        ignoreFile: { type: ["string", "null"] },
        dockerfile: { type: "string" },
      },
    },
    lint: {
      type: "object",
      additionalProperties: false,
      required: ["dockerfile", "findings", "counts"],
      properties: {
        dockerfile: { type: "string" },
        findings: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["rule", "category", "severity", "file", "line", "why", "fix"],
            properties: {
              rule: { enum: [...LINT_RULE_IDS] },
              category: { enum: ["cache", "size", "security"] },
              severity: { enum: ["warning", "error"] },
              file: { type: "string" },
              line: { type: ["integer", "null"], minimum: 1 },
              why: { type: "string" },
              fix: { type: "string" },
            },
          },
        },
        counts: {
          type: "object",
          additionalProperties: false,
          required: ["cache", "size", "security"],
          properties: { cache: { type: "integer" }, size: { type: "integer" }, security: { type: "integer" } },
        },
      },
    },
    upload: {
      type: "object",
      additionalProperties: false,
      required: ["relativePath", "bytes"],
      properties: { relativePath: { type: "string" }, bytes: { type: "integer", minimum: 1 } },
    },
    unchangedSince: {
      type: "object",
      additionalProperties: false,
      required: ["digest", "deploymentId"],
      properties: { digest: { type: "string", pattern: "^sha256:[0-9a-f]{64}$" }, deploymentId: { type: "string" } },
    },
    deployment: {
      type: "object",
      description: "The deployment as GET /api/deployments/{id} answered it last (the OpenAPI document's DeploymentResource).",
      required: ["id", "target", "status", "steps"],
    },
    statusUrl: { type: "string", format: "uri" },
    error: {
      type: "object",
      additionalProperties: false,
      required: ["message", "details"],
      properties: { message: { type: "string" }, details: { type: "array", items: { type: "string" } } },
    },
  },
} as const;
