/**
 * Docker's `.dockerignore` semantics, shared by the context packer (what is sent) and the lint (what
 * leaks). Matching is done by `@balena/dockerignore`, a port of moby's pattern matcher: later rules win,
 * `!` re-includes, `**` matches any depth, a leading `/` is dropped, and excluding a folder excludes
 * everything under it unless a later `!` rule names something inside.
 */
import dockerignore from "@balena/dockerignore";

/** Folders never sent, whatever the ignore file says (as `az acr build` leaves out version-control data). */
export const ALWAYS_EXCLUDED = [".git", ".hg", ".svn"] as const;

/** The rules of an ignore file, one per line: blank lines and `#` comments dropped, whitespace trimmed (as Docker reads it). */
export function dockerignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * A test for context-relative, `/`-separated paths: true when the path is excluded by `text` (an ignore
 * file's content, or null for none) or lies under one of `alwaysExcluded` at the context's root.
 */
export function ignoreMatcher(text: string | null, alwaysExcluded: readonly string[] = []): (path: string) => boolean {
  // The package is CommonJS with `factory.default = factory`: `.default` is the factory under both ESM and its typings.
  const rules = dockerignore.default({ ignorecase: false }).add(text === null ? [] : dockerignorePatterns(text));
  return (path: string) => {
    // A folder may be named with a trailing `/` (the packer lists folders it skipped unread so).
    const clean = path.replace(/\/+$/, "");
    const top = clean.split("/")[0] ?? "";
    if (alwaysExcluded.includes(top)) return true;
    return rules.ignores(clean);
  };
}
