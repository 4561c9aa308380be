/**
 * RFC 9457 problem details. Every error the HTTP API returns is one of these, with a stable `type`
 * per kind of problem, a short `title`, and `errors[]` locating each input problem by JSON pointer.
 */
import type { HttpResponseInit } from "@azure/functions";

/** Stable problem types (URNs: they identify, they are not meant to be fetched). */
export const PROBLEM_TYPES = {
  validation: "urn:aca-rollout:problem:validation-failed",
  malformedJson: "urn:aca-rollout:problem:malformed-json",
  unsupportedMediaType: "urn:aca-rollout:problem:unsupported-media-type",
  payloadTooLarge: "urn:aca-rollout:problem:payload-too-large",
  notFound: "urn:aca-rollout:problem:not-found",
  conflict: "urn:aca-rollout:problem:conflict",
  idempotencyKeyReused: "urn:aca-rollout:problem:idempotency-key-reused",
  digestQuarantined: "urn:aca-rollout:problem:digest-quarantined",
  configurationInvalid: "urn:aca-rollout:problem:configuration-invalid",
  forbiddenTarget: "urn:aca-rollout:problem:target-not-allowed",
  targetWithoutBuild: "urn:aca-rollout:problem:target-without-build",
  azureCallFailed: "urn:aca-rollout:problem:azure-call-failed",
  internal: "urn:aca-rollout:problem:internal-error",
} as const;

/** The name of a problem type (a key of {@link PROBLEM_TYPES}). */
export type ProblemTypeName = keyof typeof PROBLEM_TYPES;

/** One problem type URN. */
export type ProblemType = (typeof PROBLEM_TYPES)[ProblemTypeName];

/**
 * The one title of each problem type (RFC 9457 §3.1.3: the title does not change from occurrence to
 * occurrence). A type added above without a title here fails compilation.
 */
export const PROBLEM_TITLES: { readonly [K in ProblemTypeName]: string } = {
  validation: "Validation failed",
  malformedJson: "Malformed JSON",
  unsupportedMediaType: "Unsupported media type",
  payloadTooLarge: "Payload too large",
  notFound: "Not found",
  conflict: "Conflict",
  idempotencyKeyReused: "Idempotency key reused",
  digestQuarantined: "Digest quarantined",
  configurationInvalid: "Configuration invalid",
  forbiddenTarget: "Target not allowed",
  targetWithoutBuild: "Target without build",
  azureCallFailed: "Azure call failed",
  internal: "Internal error",
};

/** The title of the problem type `type`. */
export function problemTitle(type: ProblemType): string {
  const name = (Object.keys(PROBLEM_TYPES) as ProblemTypeName[]).find((key) => PROBLEM_TYPES[key] === type);
  return name === undefined ? "Error" : PROBLEM_TITLES[name];
}

/** One located input problem. */
export interface ProblemError {
  /** RFC 6901 JSON pointer into the request (body, or `/query/<name>`, `/headers/<name>`, `/path/<name>`). */
  pointer: string;
  detail: string;
}

/** The problem document. */
export interface Problem {
  type: ProblemType;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemError[];
  /** `digest-quarantined` only: the quarantine that refused the request and how to lift it. */
  quarantine?: QuarantineProblemDetail;
}

/** The quarantine behind a `digest-quarantined` problem. */
export interface QuarantineProblemDetail {
  digest: string;
  /** The deploy that quarantined the digest. */
  deploymentId: string;
  reason: string;
  at: string;
  /** The request that lifts the quarantine, e.g. `DELETE /api/targets/web/quarantine/sha256:…`. */
  lift: string;
}

/** The media type of problem documents. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Builds an HTTP response carrying a problem document; the title is always its type's. */
export function problemResponse(problem: Omit<Problem, "title">, headers: Record<string, string> = {}): HttpResponseInit {
  const { type, ...rest } = problem;
  const document: Problem = { type, title: problemTitle(type), ...rest };
  return {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(document),
  };
}
