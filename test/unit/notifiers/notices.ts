/** Deploy notices for the builder tests: fixed data, so the snapshots only change when the messages do. */
import type { DeployNotice } from "../../../src/domain/notification.js";
import type { TimelineStep } from "../../../src/domain/timeline.js";

const T0 = Date.parse("2026-11-28T09:00:00.000Z");
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();
const step = (name: string, status: TimelineStep["status"], from: number, to: number, detail?: string): TimelineStep => ({
  name,
  status,
  startedAt: at(from),
  finishedAt: at(to),
  ...(detail !== undefined ? { detail } : {}),
});

const DIGEST = "sha256:4f1c0a9be2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccdd";
const base = {
  deploymentId: "dep-20261128-0900-1a2b",
  target: "web",
  app: { subscriptionId: "11111111-2222-4333-8444-555555555555", resourceGroup: "rg-web", name: "web-app" },
  image: { loginServer: "myacr.azurecr.io", repository: "team/web", tag: "v2", digest: DIGEST },
  requestedAt: at(0),
  statusUrl: "https://aca-rollout.azurewebsites.net/api/deployments/dep-20261128-0900-1a2b",
  trigger: { kind: "api" as const },
};

/** A deploy that passed verification. */
export const SUCCEEDED: DeployNotice = {
  ...base,
  event: "succeeded",
  outcome: "Succeeded",
  reason: "web-app--dep-20261128-0900-1a2b is provisioned, running, healthy, ready and taking its traffic",
  at: at(97),
  durationSeconds: 97,
  steps: [
    step("queue", "succeeded", 0, 0, "the app was free"),
    step("inspect", "succeeded", 0, 1, "Single mode, serving web-app--v1"),
    step("resolve-digest", "succeeded", 1, 2, `myacr.azurecr.io/team/web@${DIGEST}`),
    step("deploy", "succeeded", 2, 5, "web-app--dep-20261128-0900-1a2b"),
    step("verify", "succeeded", 5, 97, "web-app--dep-20261128-0900-1a2b is provisioned, running, healthy, ready and taking its traffic"),
    { name: "build", status: "skipped", finishedAt: at(97) },
  ],
  newRevision: "web-app--dep-20261128-0900-1a2b",
  previousRevision: "web-app--v1",
};

/** A deploy whose new revision never got healthy, restarted, then rolled back. */
export const ROLLED_BACK: DeployNotice = {
  ...base,
  event: "rolledBack",
  outcome: "RolledBack",
  reason: "web-app--dep-20261128-0900-1a2b failed verification (healthState Unhealthy after the warm-up grace); restarted, still unhealthy; rolled back to web-app--v1",
  at: at(612),
  durationSeconds: 612,
  steps: [
    step("queue", "succeeded", 0, 0, "the app was free"),
    step("inspect", "succeeded", 0, 1, "Single mode, serving web-app--v1"),
    step("resolve-digest", "succeeded", 1, 2),
    step("deploy", "succeeded", 2, 5, "web-app--dep-20261128-0900-1a2b"),
    step("verify", "failed", 5, 185, "Unhealthy after the warm-up grace"),
    step("restart", "succeeded", 185, 190),
    step("verify-after-restart", "failed", 190, 370, "Unhealthy after the warm-up grace"),
    step("quarantine", "succeeded", 370, 370, DIGEST),
    step("rollback", "succeeded", 370, 380, "web-app--v1-rb"),
    step("verify-rollback", "succeeded", 380, 612, "web-app--v1-rb is ready"),
  ],
  newRevision: "web-app--dep-20261128-0900-1a2b",
  previousRevision: "web-app--v1",
  quarantinedDigest: DIGEST,
};

/** A 100 KB build log with lines that need escaping in JSON and in Slack, and multi-byte characters. */
export const BIG_LOG = Array.from({ length: 1200 }, (_, i) => `#${i} [build-app 3/7] RUN npm ci "quote" \\ back <tag> & amp ✓ ünïcödé line ${i}`).join("\n") + "\nnpm ERR! code ELIFECYCLE\nstep build-app failed: exit code 1";

/** A build that failed, with its ARM-like error and a 100 KB log tail. */
export const FAILED: DeployNotice = {
  ...base,
  image: { loginServer: base.image.loginServer, repository: base.image.repository, tag: "v3" },
  event: "failed",
  outcome: "Failed",
  reason: "the ACR build cb12 ended Failed: step build-app failed: exit code 1",
  at: at(300),
  durationSeconds: 300,
  steps: [step("queue", "succeeded", 0, 0), step("inspect", "succeeded", 0, 1), step("build", "failed", 1, 300, "run cb12 Failed")],
  error: { code: "BuildFailed", message: "run cb12 Failed", statusCode: 200, correlationId: "7c0a2b8e-1d3f-4a5b-9c6d-0e1f2a3b4c5d" },
  logTail: BIG_LOG,
  trigger: { kind: "webhook", tag: "v3", eventIds: ["a1b2c3"], coalesced: 2 },
};

/** The start of a deploy. */
export const STARTED: DeployNotice = {
  ...base,
  event: "started",
  at: at(0),
  durationSeconds: 0,
  steps: [step("queue", "succeeded", 0, 0, "the app was free"), { name: "inspect", status: "pending" }],
};

/** A deploy a newer one replaced while it waited. */
export const SUPERSEDED: DeployNotice = {
  ...base,
  event: "superseded",
  outcome: "Superseded",
  reason: "a newer deploy (dep-20261128-0901-3c4d) replaced this one while it waited",
  at: at(40),
  durationSeconds: 40,
  steps: [{ name: "queue", status: "skipped", finishedAt: at(40), detail: "superseded by dep-20261128-0901-3c4d" }],
  supersededBy: "dep-20261128-0901-3c4d",
};

/** A pushed image auto-rollout did not deploy: its digest is quarantined for the app. */
export const SKIPPED: DeployNotice = {
  ...base,
  deploymentId: "skip-web-4f1c0a9be2d3",
  event: "skipped",
  reason: `${DIGEST} is quarantined for web-app by dep-20261128-0900-1a2b; DELETE /api/targets/web/quarantine/${DIGEST} lifts it`,
  at: at(900),
  durationSeconds: 0,
  steps: [],
  trigger: { kind: "eventGrid", tag: "v2", eventIds: ["e1"] },
};

/** Every fixture, by name. */
export const NOTICES = { SUCCEEDED, ROLLED_BACK, FAILED, STARTED, SUPERSEDED, SKIPPED } as const;
