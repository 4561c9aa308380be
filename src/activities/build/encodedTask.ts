/**
 * The ACR Tasks multi-step task (YAML v1.1.0) that builds the deploy's image with a registry-backed
 * BuildKit layer cache, as an EncodedTaskRunRequest-ready pair `{ taskYaml, values }`.
 *
 * Why a cache at all: ACR Tasks agents are fresh VMs with no layer cache between runs
 * (Azure/acr#204), so a plain quick build re-runs every layer.
 *
 * Why explicit `cmd:` steps running buildx, not a `build:` step with `cache: enabled`: acr-builder
 * does support `cache: enabled` on a build step (graph/step.go: it prepends
 * `--load --cache-to=type=registry,ref=<registry>/<repo>:cache_<task>_<stepId>,mode=max --cache-from=...`
 * and runs the local `buildx` image against a buildkitd container it starts), but then:
 *  - the cache ref, mode and error handling are hidden in acr-builder (not visible in the task);
 *  - it uses `--load` and a separate push, exporting the whole image into the agent's daemon first;
 *  - acr-builder re-parses the build string with `strings.Fields` for its dependency scanner, which
 *    breaks shell-quoted build-arg values (see "values" below).
 * Here the same local `buildx` image creates a docker-container builder (the default docker
 * driver cannot export cache: Azure/acr#351, #775) and `buildx build --push` writes straight to
 * the registry with `--cache-from/--cache-to type=registry,...:buildcache,mode=max,ignore-error=true`.
 * Trade-offs, stated: the cache lives in the registry as `<repo>:buildcache` (counts against
 * registry storage; each run overwrites the tag, so old cache manifests become untagged and need a
 * retention/purge policy); it is shared by every branch and deploy of the repository (a branch
 * with different dependencies evicts the other's cache, last writer wins); mode=max exports the
 * layers of every stage, not just the final image, so a first or cache-changing build uploads
 * more and runs longer, and later builds reuse intermediate stages; `ignore-error=true` means a
 * failed cache export never fails the build. ACR does not report output images for `cmd:`
 * steps, so the digest is resolved from the registry by the unique result tag. This relies on the
 * agent's local `buildx` image, the one acr-builder's own `cache: enabled` path runs.
 *
 * Values, and why the template never changes: acr-builder renders `{{.Values.x}}` into the YAML
 * text with Go text/template *before* parsing the YAML, and runs each step through `/bin/sh -c`.
 * So user text must never be part of the template (it is a fixed string; only `{{.Values.*}}` and
 * `{{.Run.*}}` placeholders vary per run), and every value must be inert both as YAML and as shell
 * once substituted. Structural values (repository, tags, Dockerfile path, target, platform,
 * timeout) are validated against character sets with no shell or YAML meaning. Build args go
 * through fixed slots `buildArg0..buildArg31` (names carry indices only), each holding `NAME=value`,
 * rendered inside single quotes with `'` escaped as `'\''` by the template itself (sprig
 * `replace`); values with line breaks or control characters are refused (a line break would end
 * the YAML scalar). Secret build args (read from app settings by `scheduleBuild`) are passed as
 * `isSecret: true` values.
 */
import {
  BUILD_ARG_NAME_PATTERN,
  BUILD_PLATFORMS,
  BUILD_TARGET_PATTERN,
  DEPLOYMENT_ID_PATTERN,
  MAX_BUILD_ARGS,
  RELATIVE_PATH_PATTERN,
  buildArgValueProblem,
  type BuildPlatform,
  type BuildSource,
  type BuildSpec,
} from "../../domain/deployment.js";
import { repositoryProblem, tagProblem } from "../../domain/imageReference.js";

/** Step id of the build; stable so logs and reports can find it. */
export const BUILD_STEP_ID = "build-app";
/** Step id of the step creating the BuildKit builder. */
export const BUILDER_STEP_ID = "setup-builder";
/** Name of the buildx builder the task creates. */
export const BUILDER_NAME = "acarollout";
/** Tag of the registry cache in the image's repository: `<registry>/<repo>:buildcache`. */
export const BUILD_CACHE_TAG = "buildcache";
/** Prefix of the per-deploy tag every build pushes, so the digest can be resolved without races. */
export const RESULT_TAG_PREFIX = "deploy-";

/** Name of the value holding build arg number `index`; names contain only the index, never user text. */
export function buildArgValueName(index: number): string {
  return `buildArg${index}`;
}

// Build args: one slot per index, each rendered single-quoted with ' escaped as '\'' by the template.
const BUILD_ARG_SLOTS = `{{range until ${MAX_BUILD_ARGS}}}{{with index $.Values (printf "buildArg%d" .)}} --build-arg '{{replace "'" "'\\\\''" .}}'{{end}}{{end}}`;

function taskTemplate(cache: boolean): string {
  const image = `{{.Run.Registry}}/{{.Values.repository}}`;
  const lines = [
    "version: v1.1.0",
    "steps:",
    `  - id: ${BUILDER_STEP_ID}`,
    `    cmd: buildx create --name ${BUILDER_NAME} --driver docker-container --use`,
    "    timeout: 600",
    `  - id: ${BUILD_STEP_ID}`,
    `    when: ["${BUILDER_STEP_ID}"]`,
    "    timeout: {{.Values.timeoutSeconds}}",
    // Folded scalar: the lines below join with single spaces into one shell command line.
    "    cmd: >-",
    `      buildx build --builder ${BUILDER_NAME} --progress plain`,
    "      --platform '{{.Values.platform}}'",
    `      --file '{{.Values.dockerfile}}'{{if .Values.target}} --target '{{.Values.target}}'{{end}}${BUILD_ARG_SLOTS}`,
    `      --tag '${image}:{{.Values.tag}}'`,
    `      --tag '${image}:{{.Values.resultTag}}'`,
    ...(cache
      ? [
          `      --cache-from 'type=registry,ref=${image}:${BUILD_CACHE_TAG}'`,
          `      --cache-to 'type=registry,ref=${image}:${BUILD_CACHE_TAG},mode=max,ignore-error=true'`,
        ]
      : []),
    "      --push .",
    "",
  ];
  return lines.join("\n");
}

/** The task for `cache: true`: fixed text, identical for every deploy. */
export const CACHED_BUILD_TASK_YAML: string = taskTemplate(true);
/** The task for `cache: false`: the same without the cache flags. */
export const UNCACHED_BUILD_TASK_YAML: string = taskTemplate(false);

/** One entry of EncodedTaskRunRequest.values. */
export interface EncodedTaskValue {
  name: string;
  value: string;
  isSecret: boolean;
}

/** ACR agent platform (EncodedTaskRunRequest.platform). */
export interface RunPlatform {
  os: "Linux";
  architecture: "amd64" | "arm64" | "arm" | "386";
  variant?: "v6" | "v7" | "v8";
}

/** Everything the build activity needs to schedule the run. */
export interface EncodedBuildTask {
  /** Task YAML; base64-encode it into `encodedTaskContent`. */
  taskYaml: string;
  /** `values` of the run request; secret build args have `isSecret: true`. */
  values: EncodedTaskValue[];
  /** Tags the run pushes to `<run registry>/<repository>`: the requested tag and {@link resultTag}. */
  pushedTags: string[];
  /** Unique per deploy (`deploy-<deploymentId>`): resolve the built digest from this tag, not the shared one. */
  resultTag: string;
  /** `<repository>:buildcache` in the run's registry, or undefined when the cache is off. */
  cacheReference: string | undefined;
  /** Run timeout (`timeout` of the request), seconds. */
  timeoutSeconds: number;
  /** Agent platform matching the build platform. */
  platform: RunPlatform;
  /** `sourceLocation` of the request. */
  sourceLocation: string;
}

/** A build arg with its value at hand: a secret one was read from its app setting by `scheduleBuild`. */
export interface ResolvedBuildArg {
  name: string;
  value: string;
  /** Sent as an `isSecret` value, which ACR keeps out of run details and logs. */
  secret: boolean;
}

/** The deploy's build with every build-arg value resolved. */
export type ResolvedBuildSpec = Omit<BuildSpec, "buildArgs"> & { buildArgs: ResolvedBuildArg[] };

/** What {@link buildEncodedTask} needs from the deploy input. */
export interface BuildTaskInput {
  deploymentId: string;
  image: { repository: string; tag: string };
  build: ResolvedBuildSpec;
}

/** Input that cannot be put into a build task; lists every problem. */
export class InvalidBuildTaskInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the ACR task: ${problems.join("; ")}`);
    this.name = "InvalidBuildTaskInputError";
  }
}

/** The tag every build of deploy `deploymentId` pushes besides the requested one. */
export function buildResultTag(deploymentId: string): string {
  return `${RESULT_TAG_PREFIX}${deploymentId}`;
}

/** `sourceLocation` for a build source: the upload's relative path, or `<url>#<ref>:<folder>` for git. */
export function buildSourceLocation(source: BuildSource): string {
  if (source.kind === "upload") return source.relativePath;
  if (source.ref === undefined && source.folder === undefined) return source.url;
  return `${source.url}#${source.ref ?? ""}${source.folder !== undefined ? `:${source.folder}` : ""}`;
}

/** ACR agent platform for a build platform. */
export function runPlatformFor(platform: BuildPlatform): RunPlatform {
  switch (platform) {
    case "linux/amd64":
      return { os: "Linux", architecture: "amd64" };
    case "linux/arm64":
    case "linux/arm64/v8":
      return { os: "Linux", architecture: "arm64", variant: "v8" };
    case "linux/arm/v7":
      return { os: "Linux", architecture: "arm", variant: "v7" };
    case "linux/arm/v6":
      return { os: "Linux", architecture: "arm", variant: "v6" };
    case "linux/386":
      return { os: "Linux", architecture: "386" };
  }
}

function collectProblems(input: BuildTaskInput): string[] {
  const { deploymentId, image, build } = input;
  const problems: string[] = [];
  const check = (label: string, problem: string | undefined): void => {
    if (problem !== undefined) problems.push(`${label} ${problem}`);
  };
  check("deploymentId", DEPLOYMENT_ID_PATTERN.test(deploymentId) ? undefined : "must be 1-64 lowercase letters, digits or inner '-'");
  check("image.repository:", repositoryProblem(image.repository));
  check("image.tag:", tagProblem(image.tag));
  check("build.dockerfile", RELATIVE_PATH_PATTERN.test(build.dockerfile) ? undefined : "must be a relative path without '.' or '..' segments");
  if (build.target !== undefined) check("build.target", BUILD_TARGET_PATTERN.test(build.target) ? undefined : "must be a Dockerfile stage name");
  check("build.platform", (BUILD_PLATFORMS as readonly string[]).includes(build.platform) ? undefined : `must be one of ${BUILD_PLATFORMS.join(", ")}`);
  check("build.timeoutSeconds", Number.isInteger(build.timeoutSeconds) && build.timeoutSeconds >= 300 && build.timeoutSeconds <= 28800 ? undefined : "must be an integer from 300 to 28800");
  if (build.buildArgs.length > MAX_BUILD_ARGS) problems.push(`at most ${MAX_BUILD_ARGS} build args (got ${build.buildArgs.length})`);
  build.buildArgs.forEach((arg, index) => {
    // Names are user text too, so they are checked here even though the schema already did.
    check(`build.buildArgs[${index}].name`, BUILD_ARG_NAME_PATTERN.test(arg.name) ? undefined : "must be a Dockerfile ARG name");
    check(`build.buildArgs[${index}].value`, buildArgValueProblem(arg.value));
  });
  return problems;
}

/**
 * Builds the task and its values for one deploy. The YAML is one of two fixed constants (cache on
 * or off); everything that varies is in `values`. Re-validates every value it passes (the task is
 * executed by a shell), throwing {@link InvalidBuildTaskInputError}.
 */
export function buildEncodedTask(input: BuildTaskInput): EncodedBuildTask {
  const problems = collectProblems(input);
  if (problems.length > 0) throw new InvalidBuildTaskInputError(problems);
  const { deploymentId, image, build } = input;
  const resultTag = buildResultTag(deploymentId);

  const values: EncodedTaskValue[] = [
    { name: "repository", value: image.repository, isSecret: false },
    { name: "tag", value: image.tag, isSecret: false },
    { name: "resultTag", value: resultTag, isSecret: false },
    { name: "dockerfile", value: build.dockerfile, isSecret: false },
    { name: "platform", value: build.platform, isSecret: false },
    { name: "timeoutSeconds", value: String(build.timeoutSeconds), isSecret: false },
  ];
  if (build.target !== undefined) values.push({ name: "target", value: build.target, isSecret: false });
  build.buildArgs.forEach((arg, index) => {
    values.push({ name: buildArgValueName(index), value: `${arg.name}=${arg.value}`, isSecret: arg.secret });
  });

  return {
    taskYaml: build.cache ? CACHED_BUILD_TASK_YAML : UNCACHED_BUILD_TASK_YAML,
    values,
    pushedTags: image.tag === resultTag ? [resultTag] : [image.tag, resultTag],
    resultTag,
    cacheReference: build.cache ? `${image.repository}:${BUILD_CACHE_TAG}` : undefined,
    timeoutSeconds: build.timeoutSeconds,
    platform: runPlatformFor(build.platform),
    sourceLocation: buildSourceLocation(build.source),
  };
}
