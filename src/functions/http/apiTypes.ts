/**
 * The HTTP API's resource shapes: what `/api/deployments`, `/api/targets` and `/api/health` return.
 * The OpenAPI document (`/api/openapi.json`) describes exactly these; the contract tests validate
 * every response against it.
 */
import type { BuildReport } from "../../domain/buildReport.js";
import { PHASES, type TimelineStep } from "../../domain/timeline.js";
import type { NotificationRecord } from "../../domain/notification.js";

/** Every status a deployment can show: the deploy's phases (the last six are final). */
export const DEPLOYMENT_STATUSES = PHASES;

/** One of {@link DEPLOYMENT_STATUSES}. */
export type DeploymentStatusName = (typeof DEPLOYMENT_STATUSES)[number];

/** The failed Azure call behind a failure. */
export interface ApiError {
  code: string;
  message: string;
  statusCode?: number;
  correlationId?: string;
}

/** `GET /api/deployments/{id}` and each item of the list. */
/** What started a deploy, as the deploy input recorded it. */
export interface DeploymentTriggerResource {
  kind: "api" | "webhook" | "eventGrid" | "scan";
  eventIds?: string[];
  tag?: string;
  coalesced?: number;
}

export interface DeploymentResource {
  id: string;
  /** The target's name. */
  target: string;
  image: {
    loginServer: string;
    repository: string;
    tag?: string;
    /** Known once resolved (or when the deploy was requested by digest). */
    digest?: string;
  };
  status: DeploymentStatusName;
  /** What started it: `api`, `webhook`, `eventGrid` or `scan` (deploys from before triggers were recorded: `api`). */
  trigger: DeploymentTriggerResource;
  createdAt: string;
  updatedAt: string;
  /** Why it ended as it did (final statuses only). */
  reason?: string;
  steps: TimelineStep[];
  runId?: string;
  /** The end of the build log, when the build failed. */
  logTail?: string;
  /** The revision this deploy created. */
  revision?: string;
  /** The revision that was serving before. */
  previousRevision?: string;
  supersededBy?: string;
  quarantinedDigest?: string;
  /** The uploaded build context's content hash, when the request gave one (`aca-rollout deploy` does). */
  contentHash?: string;
  /** What the build reused and made anew: layers against the last known good image, BuildKit cache hits. */
  build?: BuildReport;
  error?: ApiError;
  /** Each notification of this deploy (its start, its outcome) per channel: delivered or not, attempts, last error. Never a URL. */
  notifications?: NotificationRecord[];
}

/** `202` answer of `POST /api/deployments`. */
export interface DeploymentAccepted {
  id: string;
  /** Absolute URL of `GET /api/deployments/{id}`. */
  statusUrl: string;
}

/** `200` answer of `POST /api/uploads`. */
export interface UploadSlot {
  /** The SAS URL to PUT the tar.gz to (a credential: do not log it). */
  uploadUrl: string;
  /** What a deploy's `build.source` names: `{ "kind": "upload", "relativePath" }`. */
  relativePath: string;
  /** When the URL stops working (the SAS `se`), or null when it does not say. */
  expiresOn: string | null;
}

/** `GET /api/deployments`: newest first. */
export interface DeploymentPage {
  value: DeploymentResource[];
  /** Pass back as `continuationToken` for the next page; absent on the last page. */
  continuationToken?: string;
  /** The next page's absolute URL; absent on the last page. */
  nextLink?: string;
}

/** One quarantined digest of a target. */
export interface QuarantineResource {
  digest: string;
  deploymentId: string;
  reason: string;
  at: string;
}

/** A lock release done on a holder's behalf, newest last. */
export interface TargetHistoryResource {
  at: string;
  /** By an operator (`DELETE /api/targets/{name}/lock`), or because the holding deploy had ended. */
  event: "lock-released-by-hand" | "lock-released-holder-ended";
  /** The deploy that held the app. */
  holder: string;
  reason: string;
}

/** `GET /api/targets/{name}` and each item of `GET /api/targets`. */
export interface TargetResource {
  name: string;
  /** The target's configuration as loaded, secrets masked (`***`). */
  configuration: Record<string, unknown>;
  lastKnownGood?: { revision: string; image: string; digest?: string; deploymentId?: string; at: string };
  lastDeployment?: { id: string; outcome: string; at: string };
  quarantine: QuarantineResource[];
  /** The deploy holding the app and those waiting for it (oldest first); absent when the app is free. */
  lock?: { holder: string; waiting: string[] };
  /** Lock releases done on a holder's behalf, newest last (at most 50). */
  history: TargetHistoryResource[];
  /** Auto-rollout's recent decisions about pushes and scan findings, newest last (at most 50). */
  decisions: AutoRolloutDecisionResource[];
}

/** `GET /api/targets`. */
export interface TargetList {
  value: TargetResource[];
}

/** `GET /api/health` (anonymous): each problem only by where it is. */
export interface HealthResource<Issue = { path: string }> {
  status: "healthy" | "unhealthy";
  version: string;
  mode: "sandbox" | "azure";
  configuration: {
    valid: boolean;
    /** What makes the configuration invalid (503). */
    errors: Issue[];
    /** What is accepted but not yet supported (the answer stays 200). */
    warnings: Issue[];
  };
}

/** `GET /api/health/details` (function key): each problem with its message. */
export type HealthDetails = HealthResource<{ path: string; message: string }>;

/** The ACR webhook's answer (`POST /api/webhooks/acr`). */
export interface WebhookAnswer {
  /** `pong` for a ping; `accepted` when the push was handed to auto-rollout; `ignored` when it starts nothing. */
  status: "pong" | "accepted" | "ignored";
  reason?: string;
  /** The targets the push was handed to. */
  targets?: string[];
}

/** One auto-rollout decision, as `GET /api/targets/{name}` shows it (newest last). */
export interface AutoRolloutDecisionResource {
  at: string;
  kind: "started" | "ignored" | "deduped" | "coalesced" | "foundByScan";
  via: "webhook" | "eventGrid" | "scan";
  tag?: string;
  digest?: string;
  eventId?: string;
  deploymentId?: string;
  reason: string;
}
