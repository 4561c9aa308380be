/**
 * Packs a build context as `az acr build` uploads it (azure-cli `acr/_archive_utils.py`): a gzip tar
 * whose entries are relative to the context root, with the Dockerfile in it. Unlike a plain tarfile,
 * the archive is deterministic: entries sorted by path, every mtime 0, owner 0:0 with no user or group
 * names, modes normalised to 0644 (0755 for folders and executables). An unchanged tree therefore packs
 * to the same bytes, and its content hash (sha256 of the uncompressed tar) names the context.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { pack as tarPack } from "tar-stream";
import type { LintContext } from "../../policies/dockerfileLint.js";
import { ContextError } from "./contextError.js";
import { walkContext, type ContextEntry } from "./walkContext.js";

/** Where the Dockerfile goes when it is outside the context or excluded by the ignore file (az uses `<uuid>_<name>`; a fixed prefix keeps packs identical). */
export const ADDED_DOCKERFILE_PREFIX = "_aca-rollout_";

/** Options of `packContext`. */
export interface PackOptions {
  /** The context folder. */
  readonly context: string;
  /** The Dockerfile: absolute, or relative to the context. Default `Dockerfile`. */
  readonly dockerfile?: string;
}

/** A packed context. */
export interface PackedContext {
  /** The tar.gz bytes to upload. */
  readonly archive: Buffer;
  /** `sha256:<hex>` of the uncompressed tar: equal for equal trees. */
  readonly contentHash: string;
  /** The Dockerfile's path inside the archive: the build request's `dockerfile`. */
  readonly dockerfileInArchive: string;
  /** The Dockerfile's text (for the lint). */
  readonly dockerfileText: string;
  /** The ignore file in force, relative to the context (`<Dockerfile>.dockerignore` or `.dockerignore`), or null. */
  readonly ignoreFile: string | null;
  /** Files sent and their total size in bytes (before compression). */
  readonly files: number;
  readonly bytes: number;
  /** The ten largest files sent, largest first. */
  readonly largest: readonly { readonly path: string; readonly size: number }[];
  /** What the lint needs to judge the ignore file. */
  readonly lintContext: LintContext;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR")) return null;
    throw error;
  }
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

async function tarOf(entries: readonly ContextEntry[], extra: { path: string; content: Buffer } | null): Promise<Buffer> {
  const tar = tarPack();
  const chunks: Buffer[] = [];
  tar.on("data", (chunk: unknown) => {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  });
  const done = new Promise<void>((resolveDone, reject) => {
    tar.on("end", resolveDone);
    tar.on("error", reject);
  });
  const fixed = { mtime: new Date(0), uid: 0, gid: 0, uname: "", gname: "" };
  const all: (ContextEntry | { kind: "added"; path: string; content: Buffer })[] = [...entries];
  if (extra !== null) all.push({ kind: "added", ...extra });
  all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of all) {
    switch (entry.kind) {
      case "dir":
        tar.entry({ ...fixed, name: `${entry.path}/`, type: "directory", mode: entry.mode });
        break;
      case "symlink":
        tar.entry({ ...fixed, name: entry.path, type: "symlink", linkname: entry.target, mode: entry.mode });
        break;
      case "file": {
        const content = await readFile(entry.absolute);
        tar.entry({ ...fixed, name: entry.path, type: "file", mode: entry.mode, size: content.length }, content);
        break;
      }
      case "added":
        tar.entry({ ...fixed, name: entry.path, type: "file", mode: 0o644, size: entry.content.length }, entry.content);
        break;
    }
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Packs `options.context`: the archive, its content hash, and what the CLI reports about it. */
export async function packContext(options: PackOptions): Promise<PackedContext> {
  const context = resolve(options.context);
  const dockerfilePath = isAbsolute(options.dockerfile ?? "Dockerfile") ? (options.dockerfile ?? "Dockerfile") : join(context, options.dockerfile ?? "Dockerfile");
  const dockerfileContent = await readFile(dockerfilePath).catch(() => {
    throw new ContextError(`no Dockerfile at ${dockerfilePath} (--dockerfile is relative to the context, ${context})`);
  });
  // Docker's rule: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's `.dockerignore`.
  const overrideText = await readIfExists(`${dockerfilePath}.dockerignore`);
  const rootText = overrideText === null ? await readIfExists(join(context, ".dockerignore")) : null;
  const ignoreText = overrideText ?? rootText;
  const ignoreFile = overrideText !== null ? toPosix(relative(context, `${dockerfilePath}.dockerignore`)) : rootText !== null ? ".dockerignore" : null;

  const walked = await walkContext(context, ignoreText);
  const relativeDockerfile = toPosix(relative(context, dockerfilePath));
  const dockerfileSent = walked.entries.some((entry) => entry.kind === "file" && entry.path === relativeDockerfile);
  const dockerfileInArchive = dockerfileSent ? relativeDockerfile : `${ADDED_DOCKERFILE_PREFIX}${basename(dockerfilePath)}`;
  const tar = await tarOf(walked.entries, dockerfileSent ? null : { path: dockerfileInArchive, content: dockerfileContent });

  const files = walked.entries.flatMap((entry) => (entry.kind === "file" ? [entry] : []));
  const largest = [...files]
    .sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1))
    .slice(0, 10)
    .map(({ path, size }) => ({ path, size }));
  return {
    archive: gzipSync(tar, { level: 9 }),
    contentHash: `sha256:${createHash("sha256").update(tar).digest("hex")}`,
    dockerfileInArchive,
    dockerfileText: dockerfileContent.toString("utf8"),
    ignoreFile,
    files: files.length,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    largest,
    lintContext: { paths: walked.seenPaths, ignoreFile: ignoreText === null || ignoreFile === null ? null : { name: ignoreFile, text: ignoreText } },
  };
}

