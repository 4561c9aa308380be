/**
 * Reading `Registries_ScheduleRun` request bodies: validation per request type, base64 decoding of
 * quick-task YAML and values, and a pragmatic guess at which images the run pushes (no YAML parser:
 * `push:` entries when the task has any, else the `-t`/`--tag`/`--image` of its build steps, else an
 * `image` value; DockerBuildRequest's `imageNames`).
 */

/** Request types the sandbox runs. */
export type RunRequestType = "EncodedTaskRunRequest" | "DockerBuildRequest" | "FileTaskRunRequest";

/** A validated run request with its decoded parts. */
export interface ParsedRunRequest {
  type: RunRequestType;
  /** The body as the client sent it. */
  raw: Record<string, unknown>;
  /** Decoded `encodedTaskContent` (EncodedTaskRunRequest). */
  taskYaml: string | undefined;
  /** Decoded `encodedValuesContent` (EncodedTaskRunRequest). */
  valuesYaml: string | undefined;
  /** Values from the values YAML, overridden by `values[]` / `arguments[]`. */
  values: Record<string, string>;
  /** Names of values marked `isSecret`. */
  secretNames: string[];
  sourceLocation: string | undefined;
  platform: { os: string; architecture: string };
  agentConfiguration: { cpu: number };
  isArchiveEnabled: boolean;
  /** Image references as written, before `{{.Values.x}}`/`$Registry` substitution. */
  imageTemplates: string[];
}

/** An image a run pushes. */
export interface ImageRef {
  registry: string;
  repository: string;
  tag: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decodeBase64(value: unknown, field: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const compact = typeof value === "string" ? value.replace(/\s+/g, "") : undefined;
  if (compact === undefined || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    problems.push(`'${field}' must be base64`);
    return undefined;
  }
  return Buffer.from(compact, "base64").toString("utf8");
}

/** Flat `key: value` lines of a values file (nested YAML is beyond the sandbox). */
function parseValuesYaml(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z_][\w.-]*)\s*:\s*(.*?)\s*$/.exec(line);
    if (match?.[1] && match[2] !== undefined && match[2] !== "") values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, "$2");
  }
  return values;
}

/** `[{ name, value, isSecret }]` lists (`values` and DockerBuild `arguments`). */
function readSetValues(list: unknown, field: string, problems: string[], into: Record<string, string>, secrets: string[]): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    problems.push(`'${field}' must be an array`);
    return;
  }
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== "string" || typeof item.value !== "string") {
      problems.push(`each of '${field}' needs string 'name' and 'value'`);
      continue;
    }
    into[item.name] = item.value;
    if (item.isSecret === true) secrets.push(item.name);
  }
}

/** Image references named by `-t`, `--tag`, `--image` in task YAML. */
function buildTags(yaml: string): string[] {
  const tags: string[] = [];
  const pattern = /(?:^|\s)(?:-t|--tag|--image)(?:=|\s+)(['"]?)([^\s'"]+)\1/g;
  for (const match of yaml.matchAll(pattern)) if (match[2]) tags.push(match[2]);
  return tags;
}

/** Entries of `push:` (top-level or step), inline `[a, b]` or a following `- a` list. */
function pushEntries(yaml: string): string[] {
  const entries: string[] = [];
  const lines = yaml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)(?:-\s*)?push\s*:\s*(.*)$/.exec(lines[i]!);
    if (!match) continue;
    const inline = match[2]!.trim();
    if (inline.startsWith("[")) {
      entries.push(...inline.replace(/^\[|\]$/g, "").split(",").map(unquote).filter((entry) => entry.length > 0));
      continue;
    }
    for (let j = i + 1; j < lines.length; j++) {
      const item = /^\s*-\s+(.+?)\s*$/.exec(lines[j]!);
      if (!item?.[1] || /^[\w-]+\s*:/.test(item[1])) break;
      entries.push(unquote(item[1]));
    }
  }
  return entries;
}

function unquote(text: string): string {
  return text.trim().replace(/^(['"])(.*)\1$/, "$2");
}

/** Validates a scheduleRun body; returns the parsed request or the problems. */
export function parseRunRequest(body: unknown): { ok: true; request: ParsedRunRequest } | { ok: false; problems: string[] } {
  if (!isRecord(body)) return { ok: false, problems: ["the run request must be a JSON object"] };
  const type = body.type;
  if (type !== "EncodedTaskRunRequest" && type !== "DockerBuildRequest" && type !== "FileTaskRunRequest") {
    const named = typeof type === "string" ? `'${type}' is not supported by the sandbox` : "'type' is required";
    return { ok: false, problems: [`${named}; use EncodedTaskRunRequest, DockerBuildRequest or FileTaskRunRequest`] };
  }
  const problems: string[] = [];
  const platform = body.platform;
  if (!isRecord(platform) || typeof platform.os !== "string") problems.push("'platform.os' is required");
  const values: Record<string, string> = {};
  const secretNames: string[] = [];
  let taskYaml: string | undefined;
  let valuesYaml: string | undefined;
  let imageTemplates: string[] = [];

  if (type === "EncodedTaskRunRequest") {
    if (body.encodedTaskContent === undefined) problems.push("'encodedTaskContent' is required");
    taskYaml = decodeBase64(body.encodedTaskContent, "encodedTaskContent", problems);
    valuesYaml = decodeBase64(body.encodedValuesContent, "encodedValuesContent", problems);
    if (valuesYaml) Object.assign(values, parseValuesYaml(valuesYaml));
    readSetValues(body.values, "values", problems, values, secretNames);
    if (taskYaml !== undefined) {
      const pushed = pushEntries(taskYaml);
      imageTemplates = pushed.length > 0 ? pushed : buildTags(taskYaml);
    }
  } else if (type === "DockerBuildRequest") {
    if (typeof body.dockerFilePath !== "string") problems.push("'dockerFilePath' is required");
    readSetValues(body.arguments, "arguments", problems, values, secretNames);
    const names = body.imageNames;
    if (names !== undefined && (!Array.isArray(names) || names.some((name) => typeof name !== "string"))) problems.push("'imageNames' must be an array of strings");
    else if (body.isPushEnabled !== false && Array.isArray(names)) imageTemplates = names as string[];
  } else {
    if (typeof body.taskFilePath !== "string") problems.push("'taskFilePath' is required");
    readSetValues(body.values, "values", problems, values, secretNames);
  }
  if (imageTemplates.length === 0 && values.image) imageTemplates = [values.image];
  if (body.sourceLocation !== undefined && typeof body.sourceLocation !== "string") problems.push("'sourceLocation' must be a string");
  if (problems.length > 0) return { ok: false, problems };

  const agent = isRecord(body.agentConfiguration) && typeof body.agentConfiguration.cpu === "number" ? body.agentConfiguration.cpu : 2;
  const os = isRecord(platform) && typeof platform.os === "string" ? platform.os : "Linux";
  const architecture = isRecord(platform) && typeof platform.architecture === "string" ? platform.architecture : "amd64";
  return {
    ok: true,
    request: {
      type,
      raw: body,
      taskYaml,
      valuesYaml,
      values,
      secretNames,
      sourceLocation: typeof body.sourceLocation === "string" ? body.sourceLocation : undefined,
      platform: { os, architecture },
      agentConfiguration: { cpu: agent },
      isArchiveEnabled: body.isArchiveEnabled === true,
      imageTemplates,
    },
  };
}

/** Fills ACR Tasks template variables (`{{.Values.x}}`, `{{.Run.ID}}`, `$Registry`, `$ID`, ...). */
export function substituteRunVariables(template: string, values: Record<string, string>, run: { runId: string; loginServer: string }): string {
  const registryName = run.loginServer.split(".")[0] ?? run.loginServer;
  return template
    .replace(/\{\{\s*\.Values\.([\w-]+)\s*\}\}/g, (_, name: string) => values[name] ?? "")
    .replace(/\{\{\s*\.Run\.ID\s*\}\}/g, run.runId)
    .replace(/\{\{\s*\.Run\.RegistryName\s*\}\}/g, registryName)
    .replace(/\{\{\s*\.Run\.Registry\s*\}\}/g, run.loginServer)
    .replace(/\$RegistryName\b/g, registryName)
    .replace(/\$Registry\b/g, run.loginServer)
    .replace(/\$ID\b/g, run.runId)
    .replace(/\$\{?(\w+)\}?/g, (whole, name: string) => values[name] ?? whole);
}

/** Splits `[registry/]repository[:tag]` (digest references are not pushes); the registry defaults to ours. */
export function parseImageRef(reference: string, defaultRegistry: string): ImageRef | undefined {
  if (reference.includes("@") || reference.trim() === "") return undefined;
  const slash = reference.indexOf("/");
  const first = slash >= 0 ? reference.slice(0, slash) : "";
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const registry = hasRegistry ? first.toLowerCase() : defaultRegistry;
  const rest = hasRegistry ? reference.slice(slash + 1) : reference;
  const colon = rest.lastIndexOf(":");
  const repository = (colon > rest.lastIndexOf("/") && colon >= 0 ? rest.slice(0, colon) : rest).toLowerCase();
  const tag = colon > rest.lastIndexOf("/") && colon >= 0 ? rest.slice(colon + 1) : "latest";
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(repository) || !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  return { registry, repository, tag };
}

/** The images a run pushes, after template substitution, without duplicates. */
export function outputImageRefs(request: ParsedRunRequest, run: { runId: string; loginServer: string }): ImageRef[] {
  const seen = new Set<string>();
  const refs: ImageRef[] = [];
  for (const template of request.imageTemplates) {
    const ref = parseImageRef(substituteRunVariables(template, request.values, run), run.loginServer);
    if (!ref) continue;
    const key = `${ref.registry}/${ref.repository}:${ref.tag}`;
    if (!seen.has(key)) {
      seen.add(key);
      refs.push(ref);
    }
  }
  return refs;
}

/** What a secret value reads as wherever the sandbox shows or saves a run. */
export const SECRET_MASK = "***";

/** The request as sent, with the value of every `isSecret` entry (values, DockerBuild arguments) masked. */
export function maskRequestSecrets(raw: Record<string, unknown>): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...raw };
  for (const field of ["values", "arguments"]) {
    const list = raw[field];
    if (Array.isArray(list)) {
      masked[field] = list.map((item: unknown) =>
        typeof item === "object" && item !== null && (item as Record<string, unknown>).isSecret === true ? { ...(item as Record<string, unknown>), value: SECRET_MASK } : item,
      );
    }
  }
  return masked;
}
