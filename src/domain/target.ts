/**
 * Targets: the deploy destinations users declare once (in `ACA_ROLLOUT_TARGETS` or the file named by
 * `ACA_ROLLOUT_TARGETS_FILE`), so a deploy request names a target and a tag instead of repeating ARM
 * coordinates. A target fixes the app, the image repository, build defaults, the rollout policy, who
 * hears about deploys, and which fields a request may override.
 *
 * Secrets never appear in this document: notification URLs and secret build args name the app
 * setting that holds the value, and the value is read only where it is used (an activity).
 *
 * Parsing reports every problem with its JSON pointer; a document with any problem yields no
 * targets at all, so a half-loaded configuration can never deploy with a missing piece.
 */
import { isSafe } from "redos-detector";
import { validRange } from "semver";
import { z } from "zod";
import type { ConfigurationIssue } from "./errors.js";
import { personWords } from "./issueWording.js";
import { DEFAULT_NOTIFICATION_EVENTS, notificationEventsSchema, type ChannelRef } from "./notification.js";
import { registryHostProblem, repositoryProblem, tagProblem } from "./imageReference.js";
import { APP_SETTING_NAME_PATTERN, LINT_MODES, RESOURCE_GROUP_PATTERN, TARGET_NAME_PATTERN, buildSchema, policySchema, targetSchema, toJsonPointer } from "./deployment.js";

/**
 * Request fields a target may let a deploy request override (dotted paths into the deploy input).
 * `tag` and `digest` are always allowed: choosing the image version is what a request is for.
 */
export const OVERRIDABLE_FIELDS = [
  "build",
  "build.source",
  "build.buildArgs",
  "build.target",
  "build.dockerfile",
  "policy.verifyTimeoutSeconds",
  "policy.smokePath",
  "policy.warmupGraceSeconds",
  "policy.onFailure",
] as const;

/** One of {@link OVERRIDABLE_FIELDS}. */
export type OverridableField = (typeof OVERRIDABLE_FIELDS)[number];

/**
 * How auto-rollout decides whether a pushed tag should be deployed: `exact` (one tag), `glob`
 * (picomatch), `regex` (anchored, proven free of catastrophic backtracking when loaded), `semver` (a
 * range; pre-releases only when the range names them) or `any` (every tag; no pattern).
 */
export const TAG_POLICY_KINDS = ["exact", "glob", "regex", "semver", "any"] as const;

/** One of {@link TAG_POLICY_KINDS}. */
export type TagPolicyKind = (typeof TAG_POLICY_KINDS)[number];

/**
 * redos-detector's budget for proving a tag-policy regex safe. A pattern it cannot prove safe within
 * it (an ambiguous nested or adjacent quantifier, or one too complex to analyse) is refused: the
 * pattern runs on every pushed tag, and one catastrophic pattern would stall every intake.
 */
const REGEX_SAFETY = { maxSteps: 2_000, timeout: 1_000 } as const;

/** Why the anchored regex `^(?:pattern)$` could backtrack catastrophically, or undefined when it is proven safe. */
export function regexSafetyProblem(pattern: string): string | undefined {
  const verdict = isSafe(new RegExp(anchoredPattern(pattern), "u"), REGEX_SAFETY);
  if (verdict.safe) return undefined;
  const why = verdict.error === null ? "" : ` (${verdict.error === "timedOut" || verdict.error === "hitMaxSteps" ? "too complex to prove safe" : "ambiguous repetition"})`;
  return `is refused: it could backtrack catastrophically on some tags (ReDoS)${why}; avoid nested or adjacent quantifiers over the same characters, e.g. (a+)+ or .*-.*`;
}

/** The regex a `regex` tag policy runs: the whole tag must match. */
export function anchoredPattern(pattern: string): string {
  return `^(?:${pattern})$`;
}

/** Longest tag-policy pattern accepted (a tag is at most 128 characters). */
export const MAX_TAG_POLICY_PATTERN_LENGTH = 256;

const message = (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const issue = problem(value);
  if (issue) ctx.addIssue({ code: "custom", message: issue });
};

const settingName = z.string().regex(APP_SETTING_NAME_PATTERN, { error: "must be an app setting name: a letter or '_' then letters, digits or '_' (at most 128)" });

// A semver version with optional x-ranges, e.g. 1, 1.2, 1.2.x, 1.2.3-rc.1, v2.0.0.
const SEMVER_PART = "(?:0|[1-9][0-9]*|[xX*])";
const SEMVER_VERSION = `v?${SEMVER_PART}(?:\\.${SEMVER_PART}(?:\\.${SEMVER_PART}(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?)?)?`;
const SEMVER_COMPARATOR = new RegExp(`^(?:<=|>=|<|>|=|~|\\^)?${SEMVER_VERSION}$`);
const SEMVER_HYPHEN_RANGE = new RegExp(`^${SEMVER_VERSION} - ${SEMVER_VERSION}$`);

/** Why `range` is not a semver range (`^1.2.0`, `~1.4`, `>=1.0.0 <2.0.0`, `1.x || 2.x`, `1.0.0 - 1.5.0`), or undefined. */
export function semverRangeProblem(range: string): string | undefined {
  const alternatives = range.split("||").map((part) => part.trim().replace(/\s+/g, " "));
  for (const alternative of alternatives) {
    if (alternative === "") return "must not have an empty alternative around '||'";
    if (SEMVER_HYPHEN_RANGE.test(alternative)) continue;
    // Operators may be separated from their version by spaces (">= 1.2.0"); join them first.
    const comparators = alternative.replace(/(<=|>=|<|>|=|~|\^) /g, "$1").split(" ");
    const bad = comparators.find((comparator) => !SEMVER_COMPARATOR.test(comparator));
    if (bad !== undefined) return `${JSON.stringify(bad)} is not a semver comparator (e.g. ^1.2.0, ~1.4, >=1.0.0 <2.0.0, 1.x)`;
  }
  return undefined;
}

/** Why `pattern` cannot be used with a tag policy of `kind`, or undefined when it can. */
export function tagPolicyProblem(kind: TagPolicyKind, pattern: string | undefined): string | undefined {
  if (kind === "any") return pattern === undefined ? undefined : 'must be left out: kind "any" takes every tag';
  if (pattern === undefined) return `is required for kind ${JSON.stringify(kind)}`;
  if (pattern.length === 0) return "must not be empty";
  if (pattern.length > MAX_TAG_POLICY_PATTERN_LENGTH) return `must be at most ${MAX_TAG_POLICY_PATTERN_LENGTH} characters`;
  switch (kind) {
    case "exact":
      return tagProblem(pattern);
    case "glob":
      return /^[A-Za-z0-9_.*?-]+$/.test(pattern) ? undefined : "must be tag characters (letters, digits, '_', '.', '-') and the wildcards '*' and '?'";
    case "regex":
      try {
        new RegExp(anchoredPattern(pattern), "u");
      } catch (error) {
        return `is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`;
      }
      return regexSafetyProblem(pattern);
    case "semver":
      // Ours first (it names the bad comparator), then the semver package's own parser, which matching uses.
      return semverRangeProblem(pattern) ?? (validRange(pattern) === null ? "is not a range the semver package accepts" : undefined);
  }
}

const tagPolicySchema = z
  .strictObject({
    kind: z.enum(TAG_POLICY_KINDS, { error: `must be one of ${TAG_POLICY_KINDS.join(", ")}` }),
    pattern: z.string().optional(),
  })
  .superRefine((policy, ctx) => {
    const problem = tagPolicyProblem(policy.kind, policy.pattern);
    if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["pattern"] });
  });

const autoRolloutSchema = z.strictObject({
  enabled: z.boolean().default(true),
  tagPolicy: tagPolicySchema,
});

/** The events a channel entry wants; left out, every event but `started`. */
const channelEvents = notificationEventsSchema.default(() => [...DEFAULT_NOTIFICATION_EVENTS]);

const notificationsSchema = z.strictObject({
  teams: z.array(z.strictObject({ webhookUrlSetting: settingName, events: channelEvents })).default([]),
  slack: z.array(z.strictObject({ webhookUrlSetting: settingName, events: channelEvents })).default([]),
  webhook: z.array(z.strictObject({ urlSetting: settingName, secretSetting: settingName, events: channelEvents })).default([]),
});

const targetImageSchema = z.strictObject({
  loginServer: z.string().superRefine(message(registryHostProblem)),
  repository: z.string().superRefine(message(repositoryProblem)),
});

/** A target's build defaults: a deploy build, except that the source may be left to each request. */
const targetBuildSchema = buildSchema.partial({ source: true });

/** One declared target (zod). */
export const targetDefinitionSchema = z.strictObject({
  name: z.string().regex(TARGET_NAME_PATTERN, { error: "must be 1-63 lowercase letters, digits or '-', starting with a letter" }),
  containerApp: targetSchema,
  image: targetImageSchema,
  build: targetBuildSchema.optional(),
  /** The Dockerfile lint on an uploaded context: `warn` (default) reports, `error` also blocks on any finding, `off` skips it. */
  lint: z.enum(LINT_MODES, { error: `must be one of ${LINT_MODES.join(", ")}` }).optional(),
  policy: policySchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
  autoRollout: autoRolloutSchema.optional(),
  allowOverrides: z
    .array(z.enum(OVERRIDABLE_FIELDS, { error: `must be one of ${OVERRIDABLE_FIELDS.join(", ")}` }))
    .default([])
    .superRefine((fields, ctx) => {
      fields.forEach((field, index) => {
        if (fields.indexOf(field) !== index) ctx.addIssue({ code: "custom", message: `duplicate ${JSON.stringify(field)}`, path: [index] });
      });
    }),
});

const allowListSchema = z.strictObject({
  subscriptions: z.array(z.guid({ error: "must be a subscription GUID (8-4-4-4-12 hex digits)" })).optional(),
  resourceGroups: z
    .array(z.string().regex(RESOURCE_GROUP_PATTERN, { error: "must be 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'" }))
    .optional(),
});

/** The targets document (zod): `{ targets: [...], allow?: { subscriptions?, resourceGroups? } }`. */
export const targetsDocumentSchema = z.strictObject({
  targets: z.array(targetDefinitionSchema),
  allow: allowListSchema.optional(),
});

/** A validated target, defaults filled in. */
export type TargetDefinition = z.output<typeof targetDefinitionSchema>;
/** What a user writes for one target: defaults may be omitted. */
export type TargetDeclaration = z.input<typeof targetDefinitionSchema>;
/** A target's build defaults (the source may be missing: then each request gives it). */
export type TargetBuildDefaults = NonNullable<TargetDefinition["build"]>;
/** Who hears about a target's deploys, by app-setting name. */
export type TargetNotifications = TargetDefinition["notifications"];
/** A target's auto-rollout rule. */
export type AutoRollout = NonNullable<TargetDefinition["autoRollout"]>;
/** Which pushed tags auto-rollout deploys. */
export type TagPolicy = AutoRollout["tagPolicy"];
/** Where targets (and their build registries) may live; absent lists allow anything. */
export type AllowList = z.output<typeof allowListSchema>;
/** The validated document. */
export type TargetsDocument = z.output<typeof targetsDocumentSchema>;
/** What a user writes: defaults may be omitted. */
export type TargetsDocumentInput = z.input<typeof targetsDocumentSchema>;

/** Outcome of {@link parseTargetsDocument}. */
export type TargetsDocumentResult = { ok: true; value: TargetsDocument } | { ok: false; issues: ConfigurationIssue[] };

/** The ARM scope a target or registry lives in, for allow-list checks. */
export interface ArmScope {
  subscriptionId: string;
  resourceGroup: string;
}

/**
 * Issues for a scope outside the allow list (empty when allowed or when there is no list). Names are
 * compared case-insensitively, as ARM does. `pointer` locates the scope (its fields get `/subscriptionId`
 * and `/resourceGroup` appended), so callers checking a request can point into their own body.
 */
export function allowListIssues(allow: AllowList | undefined, scope: ArmScope, pointer: string): ConfigurationIssue[] {
  if (!allow) return [];
  const issues: ConfigurationIssue[] = [];
  const has = (list: readonly string[], value: string) => list.some((entry) => entry.toLowerCase() === value.toLowerCase());
  if (allow.subscriptions && !has(allow.subscriptions, scope.subscriptionId)) {
    issues.push({ path: `${pointer}/subscriptionId`, message: `subscription ${scope.subscriptionId} is not in allow.subscriptions` });
  }
  if (allow.resourceGroups && !has(allow.resourceGroups, scope.resourceGroup)) {
    issues.push({ path: `${pointer}/resourceGroup`, message: `resource group ${JSON.stringify(scope.resourceGroup)} is not in allow.resourceGroups` });
  }
  return issues;
}

function zodIssues(error: z.ZodError): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      // One issue per unknown field, pointing at the field itself.
      for (const key of issue.keys) issues.push({ path: toJsonPointer([...issue.path, key]), message: "is not a known field" });
    } else {
      issues.push({ path: toJsonPointer(issue.path), message: issue.message });
    }
  }
  return issues;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const stringAt = (value: unknown, key: string): string | undefined => (isObject(value) && typeof value[key] === "string" ? value[key] : undefined);

/**
 * Checks that span targets (unique names, the allow list, a build source somewhere). They read the raw
 * document, so they run, and report, even when some other field is invalid: the user sees every issue at once.
 */
function crossTargetIssues(raw: Record<string, unknown>): ConfigurationIssue[] {
  const targets = Array.isArray(raw.targets) ? raw.targets : [];
  const allowParsed = allowListSchema.optional().safeParse(raw.allow);
  const allow = allowParsed.success ? allowParsed.data : undefined;
  const issues: ConfigurationIssue[] = [];
  const firstIndexByName = new Map<string, number>();
  targets.forEach((target: unknown, index) => {
    const name = stringAt(target, "name");
    if (name !== undefined) {
      const first = firstIndexByName.get(name);
      if (first === undefined) firstIndexByName.set(name, index);
      else issues.push({ path: `/targets/${index}/name`, message: `duplicate target name ${JSON.stringify(name)} (also /targets/${first}/name)` });
    }
    if (!isObject(target)) return;
    const app = target.containerApp;
    const appSubscription = stringAt(app, "subscriptionId");
    const appGroup = stringAt(app, "resourceGroup");
    if (appSubscription !== undefined && appGroup !== undefined) {
      issues.push(...allowListIssues(allow, { subscriptionId: appSubscription, resourceGroup: appGroup }, `/targets/${index}/containerApp`));
    }
    const build = target.build;
    if (isObject(build)) {
      const registryGroup = stringAt(build.registry, "resourceGroup");
      const registrySubscription = stringAt(build.registry, "subscriptionId");
      if (registryGroup !== undefined && allow) {
        // The registry's subscription defaults to the app's, which is checked above.
        const scopeIssues = allowListIssues(allow, { subscriptionId: registrySubscription ?? appSubscription ?? "", resourceGroup: registryGroup }, `/targets/${index}/build/registry`);
        issues.push(...scopeIssues.filter((issue) => registrySubscription !== undefined || !issue.path.endsWith("/subscriptionId")));
      }
      const overrides = Array.isArray(target.allowOverrides) ? target.allowOverrides : [];
      if (build.source === undefined && !overrides.includes("build") && !overrides.includes("build.source")) {
        issues.push({ path: `/targets/${index}/build/source`, message: 'is required unless allowOverrides contains "build.source" (each request then gives it)' });
      }
    }
  });
  return issues;
}

/** Validates a targets document; returns it with defaults, or every issue located by JSON pointer. */
export function parseTargetsDocument(raw: unknown): TargetsDocumentResult {
  if (!isObject(raw)) return { ok: false, issues: [{ path: "", message: 'must be a JSON object: { "targets": [...], "allow": {...} }' }] };
  const parsed = targetsDocumentSchema.safeParse(raw, { error: personWords });
  const issues = [...(parsed.success ? [] : zodIssues(parsed.error)), ...crossTargetIssues(raw)];
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, value: parsed.data };
}

/** What `GET /api/targets` shows for a secret value. */
export const MASKED = "***";

/**
 * The target as loaded, safe to show: built field by field (never by spreading) so a field added
 * later cannot leak by accident. Secret build args show only their setting name; notifications only
 * setting names. Plain build-arg values are shown: they were declared as not secret.
 */
export function targetConfigurationView(target: TargetDefinition): Record<string, unknown> {
  const view: Record<string, unknown> = {
    name: target.name,
    containerApp: { ...target.containerApp },
    image: { loginServer: target.image.loginServer, repository: target.image.repository },
  };
  if (target.build) {
    const { registry, source, dockerfile, buildArgs, target: stage, platform, timeoutSeconds, cache } = target.build;
    view.build = {
      registry: { ...registry },
      ...(source ? { source: { ...source } } : {}),
      dockerfile,
      buildArgs: buildArgs.map((arg) => (arg.fromSetting !== undefined ? { name: arg.name, fromSetting: arg.fromSetting } : { name: arg.name, value: arg.value ?? MASKED })),
      ...(stage !== undefined ? { target: stage } : {}),
      platform,
      timeoutSeconds,
      cache,
    };
  }
  if (target.lint !== undefined) view.lint = target.lint;
  view.policy = { ...target.policy };
  view.notifications = {
    teams: target.notifications.teams.map((t) => ({ webhookUrlSetting: t.webhookUrlSetting, events: [...t.events] })),
    slack: target.notifications.slack.map((s) => ({ webhookUrlSetting: s.webhookUrlSetting, events: [...s.events] })),
    webhook: target.notifications.webhook.map((w) => ({ urlSetting: w.urlSetting, secretSetting: w.secretSetting, events: [...w.events] })),
  };
  if (target.autoRollout) view.autoRollout = { enabled: target.autoRollout.enabled, tagPolicy: { ...target.autoRollout.tagPolicy } };
  view.allowOverrides = [...target.allowOverrides];
  return view;
}

/** The target's channels as the deploy input carries them: kind, setting names and events, in declaration order. */
export function channelRefsOf(notifications: TargetNotifications): ChannelRef[] {
  return [
    ...notifications.teams.map((t): ChannelRef => ({ channel: "teams", urlSetting: t.webhookUrlSetting, events: [...t.events] })),
    ...notifications.slack.map((s): ChannelRef => ({ channel: "slack", urlSetting: s.webhookUrlSetting, events: [...s.events] })),
    ...notifications.webhook.map((w): ChannelRef => ({ channel: "webhook", urlSetting: w.urlSetting, secretSetting: w.secretSetting, events: [...w.events] })),
  ];
}
