/**
 * From a deploy request body (`POST /api/deployments`) and the target it names to a validated deploy
 * input. The body only chooses the image version and, where the target allows it, overrides build
 * and policy fields; everything else (the app, the repository, the registry, the defaults) comes from
 * the target. The composed input is validated with the same schema every trigger uses, and each issue
 * is pointed back at the body field that caused it, so a client sees exactly what to fix.
 */
import type { ConfigurationIssue } from "./errors.js";
import { parseDeploymentInput, TARGET_NAME_PATTERN, type DeploymentInput } from "./deployment.js";
import { REQUEST_BODY_FIELDS, REQUEST_BUILD_FIELDS, REQUEST_POLICY_FIELDS } from "./deploymentRequestSchema.js";
import { allowListIssues, channelRefsOf, type AllowList, type TargetDefinition } from "./target.js";
import type { DeployTrigger } from "./deployment.js";

/** One problem with the request, located by a JSON pointer into the body. */
export interface RequestIssue {
  pointer: string;
  detail: string;
}

/** The body's fields. Nested values are still unchecked: composition validates them. */
export interface DeploymentRequestBody {
  target: string;
  tag?: unknown;
  digest?: unknown;
  build?: Record<string, unknown>;
  policy?: Record<string, unknown>;
}

/** Outcome of {@link parseDeploymentRequestBody}. */
export type DeploymentRequestBodyResult = { ok: true; value: DeploymentRequestBody } | { ok: false; issues: RequestIssue[] };

/**
 * Outcome of {@link composeDeploymentInput}: `invalid` is the request's fault (400), `forbidden` asks
 * for a registry outside the allow list (403), `configuration` means the target itself cannot make a
 * valid deploy (503; targets are validated on load, so this only guards against drift; its issue
 * paths point into the target's definition).
 */
export type ComposeResult =
  | { ok: true; input: DeploymentInput }
  | { ok: false; kind: "invalid" | "forbidden"; issues: RequestIssue[] }
  | { ok: false; kind: "configuration"; issues: ConfigurationIssue[] };


const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const escapePointer = (segment: string | number): string => String(segment).replace(/~/g, "~0").replace(/\//g, "~1");

/** Checks the body's outline: an object of known fields, a target name, objects where objects belong. */
export function parseDeploymentRequestBody(raw: unknown): DeploymentRequestBodyResult {
  if (!isObject(raw)) return { ok: false, issues: [{ pointer: "", detail: "must be a JSON object: { target, tag | digest, build?, policy? }" }] };
  const issues: RequestIssue[] = [];
  for (const key of Object.keys(raw)) {
    if (!REQUEST_BODY_FIELDS.includes(key)) issues.push({ pointer: `/${escapePointer(key)}`, detail: "is not a known field" });
  }
  if (raw.target === undefined) issues.push({ pointer: "/target", detail: "is required: the name of a configured target" });
  else if (typeof raw.target !== "string") issues.push({ pointer: "/target", detail: "must be a string" });
  else if (!TARGET_NAME_PATTERN.test(raw.target)) issues.push({ pointer: "/target", detail: "must be 1-63 lowercase letters, digits or '-', starting with a letter" });

  const section = (name: "build" | "policy", known: readonly string[]): void => {
    const value = raw[name];
    if (value === undefined) return;
    if (!isObject(value)) {
      issues.push({ pointer: `/${name}`, detail: "must be an object" });
      return;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) issues.push({ pointer: `/${name}/${escapePointer(key)}`, detail: "is not a known field" });
    }
  };
  section("build", REQUEST_BUILD_FIELDS);
  section("policy", REQUEST_POLICY_FIELDS);

  // A request may not read app settings: secret build args are declared on the target only.
  const build = raw.build;
  if (isObject(build) && Array.isArray(build.buildArgs)) {
    build.buildArgs.forEach((arg: unknown, index) => {
      if (isObject(arg) && arg.fromSetting !== undefined) {
        issues.push({ pointer: `/build/buildArgs/${index}/fromSetting`, detail: "is not accepted in a request: secret build args are declared on the target (give plain args as { name, value })" });
      }
    });
  }

  if (issues.length > 0) return { ok: false, issues };
  const body: DeploymentRequestBody = { target: raw.target as string };
  if (raw.tag !== undefined) body.tag = raw.tag;
  if (raw.digest !== undefined) body.digest = raw.digest;
  if (isObject(raw.build)) body.build = raw.build;
  if (isObject(raw.policy)) body.policy = raw.policy;
  return { ok: true, value: body };
}

/** Body fields the target does not let a request override, each with a pointer at the field. */
export function overrideIssues(target: TargetDefinition, body: DeploymentRequestBody): RequestIssue[] {
  const allowed = new Set<string>(target.allowOverrides);
  const allowedList = `[${target.allowOverrides.map((f) => JSON.stringify(f)).join(", ")}]`;
  const issues: RequestIssue[] = [];
  const refuse = (pointer: string, field: string, why = `target ${JSON.stringify(target.name)} does not allow overriding ${field}`): void => {
    issues.push({ pointer, detail: `${why} (its allowOverrides is ${allowedList})` });
  };
  if (body.build !== undefined && !target.build && !allowed.has("build")) {
    refuse("/build", "build", `target ${JSON.stringify(target.name)} has no build; a request may give a whole build only where allowOverrides contains "build"`);
  } else if (body.build !== undefined && !allowed.has("build")) {
    for (const key of Object.keys(body.build)) {
      if (!allowed.has(`build.${key}`)) refuse(`/build/${escapePointer(key)}`, `build.${key}`);
    }
  }
  for (const key of Object.keys(body.policy ?? {})) {
    if (!allowed.has(`policy.${key}`)) refuse(`/policy/${escapePointer(key)}`, `policy.${key}`);
  }
  return issues;
}

/** Build args merged by name: the body's replace the target's of the same name, new ones are appended. */
function mergeBuildArgs(defaults: readonly unknown[], overrides: unknown): { args: unknown; origin: (number | undefined)[] } {
  // Anything but a list of named args is passed as given, so the schema reports it where it is.
  if (!Array.isArray(overrides) || !overrides.every((arg) => isObject(arg) && typeof arg.name === "string")) {
    return { args: overrides, origin: Array.isArray(overrides) ? overrides.map((_, i) => i) : [] };
  }
  const args = [...defaults];
  const origin: (number | undefined)[] = defaults.map(() => undefined);
  overrides.forEach((arg: Record<string, unknown>, index) => {
    const existing = args.findIndex((known, i) => origin[i] === undefined && isObject(known) && known.name === arg.name);
    if (existing === -1) {
      args.push(arg);
      origin.push(index);
    } else {
      args[existing] = arg;
      origin[existing] = index;
    }
  });
  return { args, origin };
}

/** Where a composed-input issue belongs in the body, and what to add to its detail; undefined when the target (not the body) is at fault. */
function locate(path: string, body: DeploymentRequestBody, target: TargetDefinition, buildArgOrigin: readonly (number | undefined)[]): { pointer: string; note?: string } | undefined {
  const [head, field, ...rest] = path.split("/").slice(1);
  if (head === "image") {
    if (field === "tag" || field === "digest") return { pointer: `/${field}` };
    return field === undefined ? { pointer: "" } : undefined;
  }
  if ((head !== "build" && head !== "policy") || field === undefined) return undefined;
  const given = body[head];
  const defaults: Record<string, unknown> = { ...target[head] };
  if (head === "build" && field === "buildArgs" && rest.length > 0 && given?.buildArgs !== undefined) {
    const origin = buildArgOrigin[Number(rest[0])];
    return origin === undefined ? undefined : { pointer: ["", "build", "buildArgs", String(origin), ...rest.slice(1)].join("/") };
  }
  // Targets are validated with the same schemas on load, so an issue in a section the body touched
  // comes from the body (e.g. a shorter verifyTimeoutSeconds than the target's warm-up grace), and so
  // does a field that neither gives (e.g. a source the target leaves to each request).
  if (given === undefined && defaults[field] !== undefined) return undefined;
  if (given !== undefined && given[field] === undefined && defaults[field] !== undefined) {
    return { pointer: path, note: `${head}.${field} is ${JSON.stringify(defaults[field])} from target ${JSON.stringify(target.name)}` };
  }
  return { pointer: path };
}

/** Where an input path comes from in the target's definition (`/target/...` is its `/containerApp/...`). */
function definitionPath(path: string): string {
  if (path === "/targetName") return "/name";
  return path.startsWith("/target/") || path === "/target" ? `/containerApp${path.slice("/target".length)}` : path;
}

/** Rewrites the schema's input vocabulary (`image.tag`) into the body's (`tag`). */
function inBodyTerms(message: string): string {
  return message.replace(/image\.(tag|digest)/g, "$1");
}

/**
 * Composes the deploy input for `body` against `target` and validates it: the target's app and
 * image, its build and policy with the body's (permitted) overrides, the given id and request time.
 * A build happens when the target has one or the body gives one; it needs a tag (it pushes it).
 */
export function composeDeploymentInput(
  target: TargetDefinition,
  body: DeploymentRequestBody,
  ids: { deploymentId: string; requestedAt: string; statusUrl?: string; trigger?: DeployTrigger },
  allow?: AllowList,
): ComposeResult {
  const refused = overrideIssues(target, body);
  if (refused.length > 0) return { ok: false, kind: "invalid", issues: refused };

  const request: Record<string, unknown> = {
    deploymentId: ids.deploymentId,
    requestedAt: ids.requestedAt,
    targetName: target.name,
    target: { ...target.containerApp },
    image: {
      loginServer: target.image.loginServer,
      repository: target.image.repository,
      ...(body.tag !== undefined ? { tag: body.tag } : {}),
      ...(body.digest !== undefined ? { digest: body.digest } : {}),
    },
    policy: { ...target.policy, ...body.policy },
    ...(ids.trigger !== undefined ? { trigger: ids.trigger } : {}),
  };
  // Channels come from the target alone: no request can name or redirect them.
  const channels = channelRefsOf(target.notifications);
  if (channels.length > 0) request.notifications = channels;
  if (ids.statusUrl !== undefined) request.statusUrl = ids.statusUrl;
  if (ids.trigger !== undefined) request.trigger = { ...ids.trigger };
  let buildArgOrigin: (number | undefined)[] = [];
  if (target.build || body.build) {
    const defaults: Record<string, unknown> = { ...target.build };
    const overrides = body.build ?? {};
    const build: Record<string, unknown> = { ...defaults, ...overrides };
    if (overrides.buildArgs !== undefined) {
      const merged = mergeBuildArgs(target.build?.buildArgs ?? [], overrides.buildArgs);
      build.buildArgs = merged.args;
      buildArgOrigin = merged.origin;
    }
    request.build = build;
    if (target.lint !== undefined) request.lint = target.lint;
  }

  // The schema's message for a missing union is about its kind; say what is actually missing.
  const missingSource = isObject(request.build) && request.build.source === undefined;
  const parsed = parseDeploymentInput(request);
  if (!parsed.ok || missingSource) {
    const invalid: RequestIssue[] = [];
    if (missingSource) {
      invalid.push({ pointer: "/build/source", detail: `is required: target ${JSON.stringify(target.name)} takes the build source from each request ({ kind: "git", url, ref?, folder? } or { kind: "upload", relativePath })` });
    }
    const configuration: ConfigurationIssue[] = [];
    for (const issue of parsed.ok ? [] : parsed.issues) {
      if (issue.path === "/build/source" && missingSource) continue;
      const located = locate(issue.path, body, target, buildArgOrigin);
      if (located === undefined) configuration.push({ path: definitionPath(issue.path), message: issue.message });
      else invalid.push({ pointer: located.pointer, detail: inBodyTerms(issue.message) + (located.note ? ` (${located.note})` : "") });
    }
    if (configuration.length > 0) return { ok: false, kind: "configuration", issues: configuration };
    return { ok: false, kind: "invalid", issues: invalid };
  }

  // A registry named by the request must be inside the allow list, like the targets' own.
  const registry = body.build?.registry !== undefined ? parsed.value.build?.registry : undefined;
  if (registry) {
    // Without its own subscription the registry is in the target's, which the allow list admitted.
    const scope = { subscriptionId: registry.subscriptionId ?? target.containerApp.subscriptionId, resourceGroup: registry.resourceGroup };
    const outside = allowListIssues(allow, scope, "/build/registry");
    if (outside.length > 0) return { ok: false, kind: "forbidden", issues: outside.map((issue) => ({ pointer: issue.path, detail: issue.message })) };
  }
  return { ok: true, input: parsed.value };
}

/**
 * The part of an input that says what to deploy: everything but its id, request time and status URL
 * (which follows the host name the caller used), so idempotent retries compare this.
 */
export function deploymentFingerprint(input: unknown): string {
  if (!isObject(input)) return canonicalJson(input);
  const { deploymentId: _id, requestedAt: _at, statusUrl: _url, ...rest } = input;
  return canonicalJson(rest);
}

/** JSON with object keys sorted and undefined members dropped, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(",")}]`;
  if (isObject(value)) {
    const members = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
