/**
 * The Dockerfile rules of the cache lint: each reads the parsed stages and returns its findings with
 * the line, why it costs cache or size, and the fix. The practices are those of the layer-caching guide
 * the product grew from: dependency manifests first, install, then the code; one RUN per apt
 * transaction that also cleans up; no package-manager caches in layers; pinned bases; multi-stage
 * builds to leave compilers behind.
 */
import type { LintFinding, LintRuleId } from "../domain/lintFinding.js";
import type { DockerInstruction, DockerStage } from "./dockerfileModel.js";
import { shellCommands } from "./dockerfileModel.js";
import {
  dependencyInstall,
  isAptInstall,
  isAptUpdate,
  isCompilerPackage,
  isNpmInstallFromManifest,
  isPipInstall,
  osPackageInstall,
  osPackageRemoval,
  pipArgs,
  removesAptLists,
  type Ecosystem,
} from "./dockerCommands.js";

/** What a rule sees: the stages, the Dockerfile's path, and a test for files in the context (false when unknown). */
export interface RuleInput {
  readonly stages: readonly DockerStage[];
  readonly dockerfile: string;
  readonly contextHas: ((path: string) => boolean) | null;
}

type Finding = Omit<LintFinding, "file" | "rule" | "category" | "severity">;

function finding(input: RuleInput, rule: LintRuleId, category: LintFinding["category"], found: Finding): LintFinding {
  return { rule, category, severity: "warning", file: input.dockerfile, ...found };
}

function runs(stage: DockerStage): { instruction: DockerInstruction; commands: string[][] }[] {
  return stage.instructions.filter((i) => i.keyword === "RUN").map((instruction) => ({ instruction, commands: shellCommands(instruction.text) }));
}

/** A COPY/ADD of the whole context (`.`, `./`, `*`) from the context, not from another stage. */
export function copiesWholeContext(instruction: DockerInstruction): boolean {
  if ((instruction.keyword !== "COPY" && instruction.keyword !== "ADD") || instruction.flags.has("from")) return false;
  const sources = instruction.args.slice(0, -1);
  return sources.some((source) => [".", "./", "*", "./*"].includes(source));
}

function hasCacheMount(instruction: DockerInstruction): boolean {
  return (instruction.flags.get("mount") ?? "").includes("type=cache");
}

/** `COPY . .` before the dependency install of an ecosystem not installed before it: every code change re-runs the install. */
function copyAllBeforeInstall(input: RuleInput): LintFinding[] {
  const found: LintFinding[] = [];
  for (const stage of input.stages) {
    const installedBefore = new Set<Ecosystem>();
    let copyAll: DockerInstruction | null = null;
    for (const instruction of stage.instructions) {
      if (copyAll === null && copiesWholeContext(instruction)) {
        copyAll = instruction;
        continue;
      }
      if (instruction.keyword !== "RUN") continue;
      for (const words of shellCommands(instruction.text)) {
        const ecosystem = dependencyInstall(words);
        if (ecosystem === null) continue;
        if (copyAll === null) {
          installedBefore.add(ecosystem);
        } else if (!installedBefore.has(ecosystem)) {
          found.push(
            finding(input, "copy-all-before-install", "cache", {
              line: copyAll.line,
              why:
                `\`${copyAll.keyword} ${copyAll.text}\` (line ${copyAll.line}) copies the whole context before the ${ecosystem} dependency install on line ${instruction.line} ` +
                "(`" + words.join(" ") + "`): any change to any file invalidates the install layer, so every code change reinstalls every dependency.",
              fix: "Copy only the dependency manifests first (requirements.txt, package.json + lockfile, go.mod/go.sum, Cargo.toml/Cargo.lock, pom.xml, Gemfile.lock, ...), run the install, then copy the rest of the code.",
            }),
          );
          installedBefore.add(ecosystem);
        }
      }
    }
  }
  return found;
}

/** `apt-get update` in a RUN of its own: its layer is cached forever, so a later install uses stale package lists. */
function aptUpdateSplit(input: RuleInput): LintFinding[] {
  return input.stages.flatMap((stage) =>
    runs(stage)
      .filter(({ commands }) => commands.some(isAptUpdate) && !commands.some(isAptInstall))
      .map(({ instruction }) =>
        finding(input, "apt-update-split", "cache", {
          line: instruction.line,
          why: "`apt-get update` runs in a RUN without the `apt-get install` that needs it: the update layer stays cached while the install line changes, so installs run on stale package lists (or fail when the mirror moved on).",
          fix: "Update and install in the same RUN: `RUN apt-get update && apt-get install -y --no-install-recommends <packages> && rm -rf /var/lib/apt/lists/*`.",
        }),
      ),
  );
}

/** An apt install whose RUN leaves `/var/lib/apt/lists` behind: tens of megabytes in every image. */
function aptListsNotCleaned(input: RuleInput): LintFinding[] {
  return input.stages.flatMap((stage) =>
    runs(stage)
      .filter(({ instruction, commands }) => commands.some(isAptInstall) && !commands.some(removesAptLists) && !hasCacheMount(instruction))
      .map(({ instruction }) =>
        finding(input, "apt-lists-not-cleaned", "size", {
          line: instruction.line,
          why: "The apt install leaves the package lists in /var/lib/apt/lists in this layer; a later RUN cannot take the bytes back out of the image.",
          fix: "End the same RUN with `&& rm -rf /var/lib/apt/lists/*` (or use a `--mount=type=cache,target=/var/lib/apt` cache mount).",
        }),
      ),
  );
}

/** `pip install` keeping its download cache in the layer. */
function pipCacheKept(input: RuleInput): LintFinding[] {
  return input.stages.flatMap((stage) => {
    const noCacheEnv = stage.instructions.some((i) => i.keyword === "ENV" && /PIP_NO_CACHE_DIR/.test(i.text));
    if (noCacheEnv) return [];
    return runs(stage)
      .filter(({ instruction, commands }) => !hasCacheMount(instruction) && commands.some((words) => isPipInstall(words) && !(pipArgs(words) ?? []).includes("--no-cache-dir")))
      .map(({ instruction }) =>
        finding(input, "pip-cache-kept", "size", {
          line: instruction.line,
          why: "`pip install` without `--no-cache-dir` stores every downloaded wheel in ~/.cache/pip inside the layer: bytes the image never uses.",
          fix: "Add `--no-cache-dir` (or set `ENV PIP_NO_CACHE_DIR=1`, or use a `--mount=type=cache,target=/root/.cache/pip` cache mount).",
        }),
      );
  });
}

/** `npm install` from the manifest where a lockfile exists: `npm ci` installs exactly the lockfile, faster. */
function npmInstallNotCi(input: RuleInput): LintFinding[] {
  return input.stages.flatMap((stage) => {
    const copiesLockfile = stage.instructions.some(
      (i) => (i.keyword === "COPY" || i.keyword === "ADD") && i.args.slice(0, -1).some((source) => /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|package\*\.json)$/.test(source)),
    );
    const lockfileInContext = input.contextHas !== null && (input.contextHas("package-lock.json") || input.contextHas("npm-shrinkwrap.json"));
    if (!copiesLockfile && !lockfileInContext) return [];
    return runs(stage)
      .filter(({ commands }) => commands.some(isNpmInstallFromManifest))
      .map(({ instruction }) =>
        finding(input, "npm-install-not-ci", "cache", {
          line: instruction.line,
          why: "`npm install` may rewrite the lockfile and resolve other versions than it names, so the same manifest layer can produce different node_modules; `npm ci` installs exactly the lockfile and fails when it is out of date.",
          fix: "Use `npm ci` (with `--omit=dev` for a production image).",
        }),
      );
  });
}

/** A base image with no tag or `:latest`: the build's first layer moves under it. */
function baseImageUnpinned(input: RuleInput): LintFinding[] {
  const stageNames = new Set<string>();
  const found: LintFinding[] = [];
  for (const stage of input.stages) {
    const image = stage.image;
    const isStage = stageNames.has(image.toLowerCase());
    if (stage.name !== null) stageNames.add(stage.name);
    if (isStage || image === "" || image.toLowerCase() === "scratch" || image.includes("$") || stage.imageDigest !== null) continue;
    if (stage.imageTag !== null && stage.imageTag !== "latest") continue;
    found.push(
      finding(input, "base-image-unpinned", "cache", {
        line: stage.line,
        why: `\`FROM ${image}\` has ${stage.imageTag === null ? "no tag" : "the `latest` tag"}: whenever it moves, every layer of the build is rebuilt, and two builds of the same code can differ.`,
        fix: "Pin a version tag (`python:3.11-slim`), or a digest (`python:3.11-slim@sha256:...`) for fully repeatable builds.",
      }),
    );
  }
  return found;
}

/** Compilers installed (and not removed) in the only stage: they ship in the image. */
function compilerInFinalImage(input: RuleInput): LintFinding[] {
  if (input.stages.length !== 1) return [];
  const stage = input.stages[0];
  if (stage === undefined) return [];
  return runs(stage).flatMap(({ instruction, commands }) => {
    const installed = commands.flatMap((words) => osPackageInstall(words) ?? []).filter(isCompilerPackage);
    const removed = new Set(commands.flatMap((words) => osPackageRemoval(words) ?? []));
    const kept = installed.filter((name) => !removed.has(name));
    if (kept.length === 0) return [];
    return [
      finding(input, "compiler-in-final-image", "size", {
        line: instruction.line,
        why: `${kept.map((name) => `\`${name}\``).join(", ")} ${kept.length === 1 ? "is" : "are"} installed in the only stage, so the toolchain ships in the image that runs: more bytes to pull and more to patch.`,
        fix: "Build in a first stage (`FROM ... AS builder`) that has the compilers, and copy only the results (wheels, a virtualenv, binaries) into a slim final stage with `COPY --from=builder`.",
      }),
    ];
  });
}

/** Every Dockerfile rule, in report order. */
export const DOCKERFILE_RULES: readonly ((input: RuleInput) => LintFinding[])[] = [
  copyAllBeforeInstall,
  aptUpdateSplit,
  aptListsNotCleaned,
  pipCacheKept,
  npmInstallNotCi,
  baseImageUnpinned,
  compilerInFinalImage,
];
