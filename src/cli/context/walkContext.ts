/**
 * Walks a build context the way Docker decides what to send: every file the ignore file does not
 * exclude, with `.git`, `.hg` and `.svn` always left out. Symbolic links are kept as links (as
 * `az acr build`'s tarfile does), and a link that points outside the context is refused, because the
 * build could not follow it and it usually means the context is the wrong folder.
 */
import { lstat, readdir, readlink, realpath } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { ALWAYS_EXCLUDED, dockerignorePatterns, ignoreMatcher } from "../../policies/dockerignore.js";
import { ContextError } from "./contextError.js";

/** One entry to archive, by its context-relative `/` path. */
export type ContextEntry =
  | { readonly kind: "dir"; readonly path: string; readonly mode: number }
  | { readonly kind: "file"; readonly path: string; readonly mode: number; readonly size: number; readonly absolute: string }
  | { readonly kind: "symlink"; readonly path: string; readonly mode: number; readonly target: string };

/** What a walk found. */
export interface WalkedContext {
  /** Entries that are sent, sorted by path. */
  readonly entries: readonly ContextEntry[];
  /** Every file seen, sent or not (folders skipped unread are listed as `name/`), for the lint. */
  readonly seenPaths: readonly string[];
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

/** Walks `root` with the ignore rules `ignoreText` (null: no ignore file). */
export async function walkContext(root: string, ignoreText: string | null): Promise<WalkedContext> {
  const rootReal = await realpath(root);
  const excluded = ignoreMatcher(ignoreText, ALWAYS_EXCLUDED);
  // An excluded folder can hold re-included files only when some rule is an exception (`!`).
  const hasExceptions = ignoreText !== null && dockerignorePatterns(ignoreText).some((rule) => rule.startsWith("!"));
  const entries: ContextEntry[] = [];
  const seenPaths: string[] = [];

  async function visit(dir: string): Promise<boolean> {
    let sentSomething = false;
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const absolute = join(dir, name);
      const path = toPosix(relative(rootReal, absolute));
      const stats = await lstat(absolute);
      const isExcluded = excluded(path);
      if (stats.isDirectory()) {
        const top = path.split("/")[0] ?? "";
        if ((isExcluded && !hasExceptions) || (ALWAYS_EXCLUDED as readonly string[]).includes(top)) {
          seenPaths.push(`${path}/`);
          continue;
        }
        const childSent = await visit(absolute);
        if (!isExcluded || childSent) {
          entries.push({ kind: "dir", path, mode: 0o755 });
          sentSomething = true;
        }
        continue;
      }
      seenPaths.push(path);
      if (isExcluded) continue;
      if (stats.isSymbolicLink()) {
        const target = await readlink(absolute);
        const resolved = resolve(dirname(absolute), target);
        const inside = resolved === rootReal || resolved.startsWith(rootReal + sep);
        if (!inside) throw new ContextError(`symbolic link ${path} points outside the build context (to ${target}); the build could not follow it. Replace it with a copy, or exclude it in the ignore file.`);
        entries.push({ kind: "symlink", path, mode: 0o777, target });
        sentSomething = true;
      } else if (stats.isFile()) {
        entries.push({ kind: "file", path, mode: stats.mode & 0o111 ? 0o755 : 0o644, size: stats.size, absolute });
        sentSomething = true;
      }
      // Sockets, FIFOs and devices are not build input; Docker skips them too.
    }
    return sentSomething;
  }

  await visit(rootReal);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  seenPaths.sort();
  return { entries, seenPaths };
}
