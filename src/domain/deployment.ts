/**
 * The deploy input: one validated shape shared by every trigger (HTTP, CLI, ACR webhook, Event
 * Grid) and handed to the orchestrator as its input. The orchestrator cannot read the environment,
 * so the settings it needs (poll spacing) travel inside the input too. Every object is strict:
 * an unknown field is an error, not silently dropped, so a typo never deploys with a default.
 */
import { z } from "zod";
import type { ConfigurationIssue } from "./errors.js";
import { personWords } from "./issueWording.js";
import { registryHostProblem, repositoryProblem, tagProblem, digestProblem } from "./imageReference.js";
import { channelRefSchema } from "./notification.js";
import { BUILD_LOG_POLL_PROFILE, BUILD_POLL_PROFILE, DEPLOY_POLL_PROFILE, VERIFY_POLL_PROFILE, VERIFY_STAGE_SPACING, QUEUE_POLL_PROFILE, MAX_POLLS_PER_EXECUTION } from "./pollProfile.js";

/** Most build args one deploy may pass: the ACR task template has a fixed number of slots. */
export const MAX_BUILD_ARGS = 32;
/** Longest build-arg value accepted. */
export const MAX_BUILD_ARG_VALUE_LENGTH = 4096;

/** `deploymentId`: lowercase letters, digits and inner dashes, 1-64 characters (it names tags and revision suffixes). */
export const DEPLOYMENT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** Container App name: 2-32, lowercase alphanumerics and `-`, starting with a letter, ending alphanumeric, no `--`. */
export const CONTAINER_APP_NAME_PATTERN = /^(?!.*--)[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** Container name inside the app (RFC 1123 label). */
export const CONTAINER_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Resource group: 1-90 letters/digits (Unicode), `-`, `_`, `.`, `(`, `)`; must not end with `.`. */
export const RESOURCE_GROUP_PATTERN = /^[\p{L}\p{Nd}_\-.()]{0,89}[\p{L}\p{Nd}_\-()]$/u;
/** Build-arg name: a Dockerfile ARG identifier. */
export const BUILD_ARG_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** Dockerfile stage name for `--target`. */
export const BUILD_TARGET_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
/** Relative path (Dockerfile, git folder): segments of `[A-Za-z0-9._+@-]`, no `.`/`..` segments, no leading `-`. */
export const RELATIVE_PATH_PATTERN = /^(?!-)(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._+@-]+(?:\/[A-Za-z0-9._+@-]+)*$/;
/** Git ref: branch, tag or commit; no `..`, no leading `-` or `/`. */
export const GIT_REF_PATTERN = /^(?![-/])(?!.*\.\.)[A-Za-z0-9._/-]{1,255}$/;
/** `az acr build` upload path as returned by getBuildSourceUploadUrl: `source/<timestamp>/<guid>.tar.gz`. */
export const UPLOAD_RELATIVE_PATH_PATTERN = /^source\/[0-9]{6,14}\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\.tar\.gz$/;
/** Build platforms an ACR Linux agent can build with buildx. */
export const BUILD_PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm64/v8", "linux/arm/v7", "linux/arm/v6", "linux/386"] as const;

/**
 * Why a build-arg value cannot be passed to the ACR task, or undefined when it can. ACR renders
 * task values into the YAML text before parsing it, then hands each step to `/bin/sh -c`; the
 * template single-quotes values for the shell, but a line break would end the YAML scalar and
 * other control characters would make the task unparsable, so both are refused here.
 */
export function buildArgValueProblem(value: string): string | undefined {
  if (value.length > MAX_BUILD_ARG_VALUE_LENGTH) return `must be at most ${MAX_BUILD_ARG_VALUE_LENGTH} characters`;
  // C0 controls except tab, DEL, C1 controls (incl. NEL), and the YAML 1.1 line/paragraph separators and BOM.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(value)) return "must not contain line breaks or control characters";
  // acr-builder deletes this marker from rendered templates; refuse rather than pass a silently altered value.
  if (value.includes("<no value>")) return 'must not contain the text "<no value>"';
  return undefined;
}

const message = (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const issue = problem(value);
  if (issue) ctx.addIssue({ code: "custom", message: issue });
};

/** A Container App and the container in it (the deploy input's `target`). */
export const targetSchema = z.strictObject({
  subscriptionId: z.guid({ error: "must be a subscription GUID (8-4-4-4-12 hex digits)" }),
  resourceGroup: z.string().regex(RESOURCE_GROUP_PATTERN, {
    error: "must be 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'",
  }),
  containerApp: z.string().regex(CONTAINER_APP_NAME_PATTERN, {
    error: "must be 2-32 lowercase letters, digits or '-', start with a letter, end with a letter or digit, without '--'",
  }),
  container: z.string().regex(CONTAINER_NAME_PATTERN, { error: "must be 1-63 lowercase letters, digits or '-', starting and ending alphanumeric" }).optional(),
});

const imageSchema = z
  .strictObject({
    loginServer: z.string().superRefine(message(registryHostProblem)),
    repository: z.string().superRefine(message(repositoryProblem)),
    tag: z.string().superRefine(message(tagProblem)).optional(),
    digest: z.string().superRefine(message(digestProblem)).optional(),
  })
  .superRefine((image, ctx) => {
    if ((image.tag === undefined) === (image.digest === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of tag or digest", path: [] });
    }
  });

/** A build context's content hash as `aca-rollout deploy` computes it: sha256 of the uncompressed, deterministic tar. */
export const CONTENT_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

const uploadSourceSchema = z.strictObject({
  kind: z.literal("upload"),
  relativePath: z.string().regex(UPLOAD_RELATIVE_PATH_PATTERN, {
    error: "must be the relativePath returned by getBuildSourceUploadUrl: source/<timestamp>/<guid>.tar.gz",
  }),
  // Recorded with the deploy (and shown as its `contentHash`) so the CLI can tell that nothing changed since.
  contentHash: z.string().regex(CONTENT_HASH_PATTERN, { error: "must be sha256: and 64 lowercase hex digits" }).optional(),
});

const gitSourceSchema = z.strictObject({
  kind: z.literal("git"),
  url: z.string().superRefine(message(gitUrlProblem)),
  ref: z.string().regex(GIT_REF_PATTERN, { error: "must be a branch, tag or commit: letters, digits, '.', '_', '/', '-', no '..', not starting with '-' or '/'" }).optional(),
  folder: z.string().regex(RELATIVE_PATH_PATTERN, { error: "must be a relative path without '.' or '..' segments" }).optional(),
});

/** Why `url` cannot be a git build source: https only, no credentials, query or fragment. */
function gitUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute https:// URL";
  }
  if (parsed.protocol !== "https:") return "must be an https:// URL";
  // Credentials in a URL would end up in run status and logs.
  if (parsed.username !== "" || parsed.password !== "") return "must not contain credentials";
  if (parsed.search !== "" || parsed.hash !== "" || url.includes("#") || url.includes("?")) return "must not have a query or fragment (use ref and folder)";
  if (/[\s'"\\`$]/.test(url)) return "must not contain whitespace, quotes, '\\', '`' or '$'";
  return undefined;
}

/** App setting names (`fromSetting`, notification settings): a letter or `_`, then letters, digits or `_`. */
export const APP_SETTING_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * One `--build-arg`: `{name, value}` (plain) or `{name, fromSetting}` (secret). A secret value never
 * travels in the input: the input is the orchestration's input, kept in its history and status, so
 * it names the app setting holding the value and the `scheduleBuild` activity reads it at run time.
 */
const buildArgSchema = z
  .strictObject({
    name: z.string().regex(BUILD_ARG_NAME_PATTERN, { error: "must be a Dockerfile ARG name: a letter or '_' then letters, digits or '_'" }),
    value: z.string().superRefine(message(buildArgValueProblem)).optional(),
    fromSetting: z.string().regex(APP_SETTING_NAME_PATTERN, { error: "must be an app setting name: a letter or '_' then letters, digits or '_' (at most 128)" }).optional(),
    // Named so the old inline form gets a useful answer rather than "unknown field".
    secret: z.never({ error: "inline secret values are not accepted: put the value in an app setting and give its name as fromSetting" }).optional(),
  })
  .superRefine((arg, ctx) => {
    if ((arg.value === undefined) === (arg.fromSetting === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of value (plain) or fromSetting (secret: the app setting holding the value)", path: [] });
    }
  });

/** Target names: lowercase, URL-safe. */
export const TARGET_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** ACR registry names: 5-50 letters or digits. */
export const REGISTRY_NAME_PATTERN = /^[A-Za-z0-9]{5,50}$/;

const registrySchema = z.strictObject({
  subscriptionId: z.guid({ error: "must be a subscription GUID (8-4-4-4-12 hex digits)" }).optional(),
  resourceGroup: z.string().regex(RESOURCE_GROUP_PATTERN, {
    error: "must be 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'",
  }),
  name: z.string().regex(REGISTRY_NAME_PATTERN, { error: "must be 5-50 letters or digits" }).optional(),
}, {
  // Named for a person: a build without a registry has nowhere to run.
  error: (issue) =>
    issue.code === "invalid_type"
      ? `${issue.input === undefined ? "is required" : "must be an object"}: the ACR registry the build runs in, { "resourceGroup", "name"?, "subscriptionId"? }`
      : undefined,
});

/** An ACR Tasks build (the deploy input's `build`). */
export const buildSchema = z.strictObject({
  /** Where the ACR Tasks run is scheduled; defaults: the target's subscription, the login server's first label. */
  registry: registrySchema,
  source: z.discriminatedUnion("kind", [uploadSourceSchema, gitSourceSchema], { error: 'kind must be "upload" or "git"' }),
  dockerfile: z.string().regex(RELATIVE_PATH_PATTERN, { error: "must be a relative path without '.' or '..' segments" }).max(512).default("Dockerfile"),
  buildArgs: z
    .array(buildArgSchema)
    .max(MAX_BUILD_ARGS, { error: `at most ${MAX_BUILD_ARGS} build args` })
    .default([])
    .superRefine((args, ctx) => {
      const seen = new Set<string>();
      args.forEach((arg, index) => {
        if (seen.has(arg.name)) ctx.addIssue({ code: "custom", message: `duplicate build arg ${JSON.stringify(arg.name)}`, path: [index, "name"] });
        seen.add(arg.name);
      });
    }),
  target: z.string().regex(BUILD_TARGET_PATTERN, { error: "must be a Dockerfile stage name" }).optional(),
  platform: z.enum(BUILD_PLATFORMS, { error: `must be one of ${BUILD_PLATFORMS.join(", ")}` }).default("linux/amd64"),
  timeoutSeconds: z.int().min(300, { error: "must be at least 300 (ACR's minimum)" }).max(28800, { error: "must be at most 28800 (ACR's maximum)" }).default(3600),
  cache: z.boolean().default(true),
});

/**
 * What the Dockerfile lint step does with its findings: `warn` (the default) reports them, `error`
 * also stops the deploy before the build when there is any, `off` skips the step.
 */
export const LINT_MODES = ["off", "warn", "error"] as const;

/** One of {@link LINT_MODES}. */
export type LintMode = (typeof LINT_MODES)[number];

/** What to do when the new revision fails verification. */
export const ON_FAILURE_ACTIONS = ["restart-then-rollback", "restart", "rollback", "none"] as const;

/** Verification and failure handling (the deploy input's `policy`). */
export const policySchema = z
  .strictObject({
    verifyTimeoutSeconds: z.int().min(60).max(7200).default(600),
    smokePath: z
      .string()
      .max(2048)
      .regex(/^\/(?!\/)[^\s#\\]*$/, { error: "must start with a single '/' and contain no whitespace, '#' or '\\'" })
      .optional(),
    warmupGraceSeconds: z.int().min(0).max(1800).default(60),
    onFailure: z.enum(ON_FAILURE_ACTIONS, { error: `must be one of ${ON_FAILURE_ACTIONS.join(", ")}` }).default("restart-then-rollback"),
  })
  .superRefine((policy, ctx) => {
    if (policy.warmupGraceSeconds > policy.verifyTimeoutSeconds) {
      ctx.addIssue({ code: "custom", message: "must not exceed verifyTimeoutSeconds", path: ["warmupGraceSeconds"] });
    }
  });

const pollProfileFields = {
  initialSeconds: z.int().min(1).max(3600),
  factor: z.number().min(1).max(10),
  maxSeconds: z.int().min(1).max(3600),
};
const maxAtLeastInitial = (profile: { initialSeconds: number; maxSeconds: number }, ctx: z.RefinementCtx): void => {
  if (profile.maxSeconds < profile.initialSeconds) ctx.addIssue({ code: "custom", message: "must be at least initialSeconds", path: ["maxSeconds"] });
};
const pollProfileSchema = z.strictObject(pollProfileFields).superRefine(maxAtLeastInitial);

/** Stage-aware verify spacing (src/domain/pollProfile.ts `VerifyStageSpacing`); without it a verify profile is plain backoff. */
const verifyStageSpacingSchema = z.strictObject({
  denseSeconds: z.int().min(1).max(600),
  activationFloorSeconds: z.int().min(0).max(3600),
  settlingFloorSeconds: z.int().min(0).max(3600),
  denseForSeconds: z.int().min(0).max(7200),
  appRecheckSeconds: z.int().min(1).max(3600),
});
const verifyPollProfileSchema = z.strictObject({ ...pollProfileFields, stages: verifyStageSpacingSchema.optional() }).superRefine(maxAtLeastInitial);

const activityRetrySchema = z.strictObject({
  maxAttempts: z.int().min(1).max(10).default(3),
  firstIntervalSeconds: z.int().min(1).max(300).default(5),
  backoffCoefficient: z.number().min(1).max(10).default(2),
  maxIntervalSeconds: z.int().min(1).max(3600).default(60),
});

const settingsSchema = z.strictObject({
  /** Retries for activities that throw (transient faults left after the SDK's own retries). */
  activityRetry: activityRetrySchema.prefault({}),
  buildPoll: pollProfileSchema.default({ ...BUILD_POLL_PROFILE }),
  /** How often the build wait checks the run's log blob for ACR's `Complete` mark, between its (sparser) ARM reads. */
  buildLogPoll: pollProfileSchema.default({ ...BUILD_LOG_POLL_PROFILE }),
  deployPoll: pollProfileSchema.default({ ...DEPLOY_POLL_PROFILE }),
  verifyPoll: verifyPollProfileSchema.default({ ...VERIFY_POLL_PROFILE, stages: { ...VERIFY_STAGE_SPACING } }),
  /** How often a queued deploy checks whether the deploy holding the app has ended. */
  queuePoll: pollProfileSchema.default({ ...QUEUE_POLL_PROFILE }),
  maxPollsPerExecution: z.int().min(1).max(100).default(MAX_POLLS_PER_EXECUTION),
});

/**
 * What started a deploy: `api` (POST /api/deployments, the CLI), `webhook` (ACR's push webhook),
 * `eventGrid` (an Event Grid `ImagePushed` event) or `scan` (the auto-rollout reconcile scan found a
 * push no event reported). Every trigger funnels into this one input, so status and notifications
 * can say why a deploy happened.
 */
export const TRIGGER_KINDS = ["api", "webhook", "eventGrid", "scan"] as const;

/** Most event ids one trigger records (a coalesced burst keeps its newest). */
export const MAX_TRIGGER_EVENT_IDS = 20;

const triggerSchema = z.strictObject({
  kind: z.enum(TRIGGER_KINDS, { error: `must be one of ${TRIGGER_KINDS.join(", ")}` }),
  /** The registry events behind it (webhook `id`, Event Grid `id`), oldest first. */
  eventIds: z.array(z.string().min(1).max(128)).max(MAX_TRIGGER_EVENT_IDS).optional(),
  /** The pushed tag that led to the digest deployed (push and scan triggers). */
  tag: z.string().superRefine(message(tagProblem)).optional(),
  /** How many pushes were coalesced into this deploy (push triggers; 1 when alone). */
  coalesced: z.int().min(1).optional(),
});

/** The deploy input schema (zod). Prefer {@link parseDeploymentInput}, which reports issues as JSON pointers. */
export const deploymentInputSchema = z
  .strictObject({
    deploymentId: z.string().regex(DEPLOYMENT_ID_PATTERN, { error: "must be 1-64 lowercase letters, digits or inner '-'" }),
    requestedAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" }),
    /** The configured target this deploy was started for, when it came through the HTTP API or a webhook. */
    targetName: z.string().regex(TARGET_NAME_PATTERN, { error: "must be 1-63 lowercase letters, digits or '-', starting with a letter" }).optional(),
    target: targetSchema,
    image: imageSchema,
    build: buildSchema.optional(),
    /** The target's lint mode for an uploaded context; absent means `warn`. */
    lint: z.enum(LINT_MODES, { error: `must be one of ${LINT_MODES.join(", ")}` }).optional(),
    policy: policySchema.prefault({}),
    settings: settingsSchema.prefault({}),
    trigger: triggerSchema.default({ kind: "api" }),
    /** Who hears about this deploy: the target's channels (setting names only), composed by the trigger. */
    notifications: z.array(channelRefSchema).max(50).optional(),
    /** The deploy's `GET /api/deployments/{id}` URL as the trigger's caller reached the API, for messages. */
    statusUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.build && input.image.digest !== undefined) {
      ctx.addIssue({ code: "custom", message: "a build produces a new digest: give image.tag (the tag the build pushes), not image.digest", path: ["image", "digest"] });
    }
  });

/** A validated deploy input, defaults filled in. */
export type DeploymentInput = z.output<typeof deploymentInputSchema>;
/** What a trigger may send: defaults may be omitted. */
export type DeploymentRequest = z.input<typeof deploymentInputSchema>;
/** Which Container App (and optionally which container in it) to deploy to. */
export type DeploymentTarget = DeploymentInput["target"];
/** An optional ACR Tasks build before the deploy. */
export type BuildSpec = z.output<typeof buildSchema>;
/** Where the build context comes from. */
export type BuildSource = BuildSpec["source"];
/** One `--build-arg`. */
export type BuildArg = BuildSpec["buildArgs"][number];
/** Verification and failure handling. */
type RolloutPolicy = DeploymentInput["policy"];
/** One of {@link ON_FAILURE_ACTIONS}. */
export type OnFailure = RolloutPolicy["onFailure"];
/** Settings the orchestrator needs, carried in the input because it cannot read the environment. */
type OrchestrationSettings = DeploymentInput["settings"];
/** Retry policy for activities that fail with transient faults. */
export type ActivityRetrySettings = OrchestrationSettings["activityRetry"];
/** What started a deploy. */
export type DeployTrigger = DeploymentInput["trigger"];
/** One of {@link TRIGGER_KINDS}. */
export type TriggerKind = DeployTrigger["kind"];
/** One of {@link BUILD_PLATFORMS}. */
export type BuildPlatform = (typeof BUILD_PLATFORMS)[number];

/** Outcome of {@link parseDeploymentInput}. */
type DeploymentInputResult = { ok: true; value: DeploymentInput } | { ok: false; issues: ConfigurationIssue[] };

/** RFC 6901 JSON pointer for a zod issue path. */
export function toJsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** Validates an untrusted deploy request; returns the input with defaults, or every issue located by JSON pointer. */
export function parseDeploymentInput(raw: unknown): DeploymentInputResult {
  const parsed = deploymentInputSchema.safeParse(raw, { error: personWords });
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues: ConfigurationIssue[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      // One issue per unknown field, pointing at the field itself.
      for (const key of issue.keys) issues.push({ path: toJsonPointer([...issue.path, key]), message: "is not a known field" });
    } else {
      issues.push({ path: toJsonPointer(issue.path), message: issue.message });
    }
  }
  return { ok: false, issues };
}
