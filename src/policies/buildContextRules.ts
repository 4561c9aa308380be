/**
 * The cache lint's rules about the build context rather than the Dockerfile: a missing ignore file,
 * one that lets in folders that change all the time or should never be sent, and secret-looking files
 * that a COPY carries into the image.
 */
import type { LintFinding } from "../domain/lintFinding.js";
import type { DockerStage } from "./dockerfileModel.js";
import { copiesWholeContext } from "./dockerfileRules.js";

/** A build context as the lint sees it. */
export interface LintContext {
  /** Every file of the context, relative and `/`-separated, before the ignore file is applied. */
  readonly paths: readonly string[];
  /** The ignore file in force (`<Dockerfile>.dockerignore`, else `.dockerignore`), or null for none. */
  readonly ignoreFile: { readonly name: string; readonly text: string } | null;
}

/** Folders and files that should not reach a build; `anyDepth` ones are looked for in every folder. */
const LEAKS: readonly { name: string; anyDepth: boolean; why: string }[] = [
  { name: ".git", anyDepth: false, why: "changes on every commit and fetch, and carries the whole history" },
  { name: "node_modules", anyDepth: true, why: "is installed by the build itself; the local copy is large and platform-specific" },
  { name: "__pycache__", anyDepth: true, why: "is rewritten whenever Python runs locally" },
  { name: ".env", anyDepth: false, why: "holds local settings and often secrets" },
  { name: ".venv", anyDepth: false, why: "is a local virtualenv: large, platform-specific, rebuilt by the image anyway" },
  { name: "tests", anyDepth: false, why: "is not needed at run time, and every test edit would change the context" },
];

const SECRET_FILE = /(^|\/)(\.env(\.(?!example$|sample$|template$|dist$|defaults$)[^/]+)?|[^/]+\.(pem|key|p12|pfx)|id_(rsa|dsa|ecdsa|ed25519)|\.npmrc|\.pypirc|\.netrc|credentials(\.json)?|secrets?\.(json|ya?ml|toml))$/;

/** True for a path that looks like it holds a secret (`.env`, keys, registry credentials). */
export function looksSecret(path: string): boolean {
  return SECRET_FILE.test(path);
}

function leaked(context: LintContext, excluded: (path: string) => boolean, leak: { name: string; anyDepth: boolean }): string[] {
  return context.paths.filter((path) => {
    const segments = path.split("/");
    const at = leak.anyDepth ? segments.slice(0, -1).indexOf(leak.name) : segments[0] === leak.name && (segments.length > 1 || leak.name === ".env") ? 0 : -1;
    if (leak.name === ".env" && !leak.anyDepth) return path === ".env" && !excluded(path);
    return at !== -1 && !excluded(path);
  });
}

/** `dockerignore-missing` and `dockerignore-leak`: what the ignore file lets in. */
export function ignoreFileFindings(context: LintContext, excluded: (path: string) => boolean): LintFinding[] {
  const leaks = LEAKS.map((leak) => ({ leak, paths: leaked(context, excluded, leak) })).filter(({ paths }) => paths.length > 0);
  if (context.ignoreFile === null) {
    const present = leaks.map(({ leak }) => `\`${leak.name}\``);
    return [
      {
        rule: "dockerignore-missing",
        category: "cache",
        severity: "warning",
        file: ".dockerignore",
        line: null,
        why:
          "The context has no .dockerignore, so everything in the folder is sent and a `COPY . .` layer changes whenever any file does" +
          (present.length > 0 ? ` (here: ${present.join(", ")}).` : "."),
        fix: "Add a .dockerignore listing at least `.git`, `**/node_modules`, `**/__pycache__`, `.env`, `.venv` and `tests/` (whichever your project has).",
      },
    ];
  }
  const ignoreName = context.ignoreFile.name;
  return leaks.map(({ leak, paths }) => ({
    rule: "dockerignore-leak",
    category: "cache",
    severity: "warning",
    file: ignoreName,
    line: null,
    why: `${ignoreName} lets in \`${leak.name}\` (${paths.length} file${paths.length === 1 ? "" : "s"}, e.g. \`${paths[0] ?? leak.name}\`), which ${leak.why}.`,
    fix: `Add \`${leak.anyDepth ? `**/${leak.name}` : leak.name === ".env" ? ".env" : `${leak.name}/`}\` to ${ignoreName}.`,
  }));
}

function copySourceCovers(source: string, path: string): boolean {
  const clean = source.replace(/^\.\//, "").replace(/\/$/, "");
  return clean === path || path.startsWith(`${clean}/`);
}

/**
 * `secret-file-in-image`: secret-looking files the final stage copies in, either through a whole-context
 * COPY (files the ignore file lets through) or by naming them. Without a context only files a COPY
 * names are known.
 */
export function secretFindings(stages: readonly DockerStage[], dockerfile: string, context: LintContext | null, excluded: (path: string) => boolean): LintFinding[] {
  const final = stages.at(-1);
  if (final === undefined) return [];
  const findings: LintFinding[] = [];
  const reported = new Set<string>();
  for (const instruction of final.instructions) {
    if ((instruction.keyword !== "COPY" && instruction.keyword !== "ADD") || instruction.flags.has("from")) continue;
    const sources = instruction.args.slice(0, -1);
    const carried = copiesWholeContext(instruction)
      ? (context?.paths ?? []).filter((path) => !excluded(path) && looksSecret(path))
      : context === null
        ? sources.map((source) => source.replace(/^\.\//, "")).filter(looksSecret)
        : context.paths.filter((path) => !excluded(path) && looksSecret(path) && sources.some((source) => copySourceCovers(source, path)));
    for (const path of carried) {
      if (reported.has(path)) continue;
      reported.add(path);
      findings.push({
        rule: "secret-file-in-image",
        category: "security",
        severity: "error",
        file: dockerfile,
        line: instruction.line,
        why: `\`${path}\` looks like a secret and \`${instruction.keyword} ${instruction.text}\` (line ${instruction.line}) puts it into the image, where anyone who can pull the image can read it.`,
        fix: `Exclude it in ${context?.ignoreFile?.name ?? ".dockerignore"}, pass secrets at run time (Container Apps secrets, Key Vault references), and use \`RUN --mount=type=secret\` for build-time ones.`,
      });
    }
  }
  return findings;
}
