/**
 * The fixture app of the cache scenario: a temporary copy of examples/fastapi-demo (the repository's
 * copy is never touched) and the edits a developer makes between two deploys of it, packed by the
 * CLI's own packer (src/cli/context) exactly as `aca-rollout deploy` packs a folder.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packContext, type PackedContext } from "../src/cli/context/packContext.js";

/** The repository's FastAPI demo (this file runs from `dist/bench`). */
export const FASTAPI_DEMO = resolve(import.meta.dirname, "../../examples/fastapi-demo");

/** A change between two builds: what a developer edits, and which file. */
export interface FixtureEdit {
  /** Short name, e.g. "code-only". */
  kind: string;
  /** The file edited, relative to the project. */
  file: string;
  /** What is appended to it. */
  append: string;
}

/** A code-only change: a new endpoint in the app's routes (a .py file under src/app/, copied by the last `COPY . .`). */
export const CODE_EDIT: FixtureEdit = {
  kind: "code-only",
  file: "src/app/routes.py",
  append: '\n\n@router.get("/version")\ndef version() -> dict[str, str]:\n    return {"version": "2"}\n',
};

/** A dependency change: one more pinned package in requirements.txt (invalidates `COPY requirements.txt` and the pip install). */
export const DEPENDENCY_EDIT: FixtureEdit = { kind: "dependency", file: "requirements.txt", append: "httpx==0.28.1\n" };

/** A writable copy of the demo project. */
export interface FixtureCopy {
  dir: string;
  /** Applies `edit` to the copy. */
  apply(edit: FixtureEdit): void;
  /** Packs the copy as the CLI does. */
  pack(): Promise<PackedContext>;
  /** Removes the copy. */
  remove(): void;
}

/** Copies examples/fastapi-demo into a new temporary folder. */
export function copyFastapiDemo(): FixtureCopy {
  const dir = mkdtempSync(join(tmpdir(), "aca-bench-fastapi-"));
  cpSync(FASTAPI_DEMO, dir, { recursive: true });
  return {
    dir,
    apply: (edit) => appendFileSync(join(dir, edit.file), edit.append),
    pack: () => packContext({ context: dir }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
