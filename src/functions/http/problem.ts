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
  configurationInvalid: "urn:aca-rollout:problem:configuration-invalid",
  forbiddenTarget: "urn:aca-rollout:problem:target-not-allowed",
  internal: "urn:aca-rollout:problem:internal-error",
} as const;

/** One located input problem. */
export interface ProblemError {
  /** RFC 6901 JSON pointer into the request (body, or `/query/<name>`, `/headers/<name>`, `/path/<name>`). */
  pointer: string;
  detail: string;
}

/** The problem document. */
export interface Problem {
  type: (typeof PROBLEM_TYPES)[keyof typeof PROBLEM_TYPES];
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemError[];
}

/** The media type of problem documents. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Builds an HTTP response carrying a problem document. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(problem),
  };
}
