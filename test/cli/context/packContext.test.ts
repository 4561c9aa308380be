/**
 * Build-context packing: Docker's ignore rules (the cases of Docker's own `.dockerignore` reference,
 * https://docs.docker.com/build/concepts/context/#dockerignore-files), the always-excluded VCS folders,
 * the `<Dockerfile>.dockerignore` override, deterministic archives and content hashes, and the
 * FastAPI and Node fixture projects.
 */
import { cp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ContextError } from "../../../src/cli/context/contextError.js";
import { packContext } from "../../../src/cli/context/packContext.js";
import { readArchive } from "../../support/archive.js";
import { FASTAPI_PROJECT, NODE_PROJECT, writeTree, type TreeNode } from "./projectTree.js";

const made: string[] = [];
async function tree(files: Record<string, TreeNode>): Promise<string> {
  const dir = await writeTree(files);
  made.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function sentFiles(dir: string, dockerfile?: string): Promise<string[]> {
  const packed = await packContext({ context: dir, dockerfile });
  return (await readArchive(packed.archive)).filter((e) => e.type !== "directory").map((e) => e.name);
}

const DOCKERFILE = "FROM alpine:3.20\nCOPY . .\n";

/** [case, ignore file, files in the context, files sent (besides Dockerfile and .dockerignore when sent)]. */
const IGNORE_CASES: readonly [string, string, readonly string[], readonly string[]][] = [
  ["# a comment is ignored", "# comment\n", ["comment", "a.txt"], ["a.txt", "comment"]],
  ["*/temp* excludes temp* one level below the root", "*/temp*\n", ["somedir/temporary.txt", "somedir/temp/x", "temp.txt", "a/b/temp.txt"], ["a/b/temp.txt", "temp.txt"]],
  ["*/*/temp* excludes temp* two levels below the root", "*/*/temp*\n", ["somedir/subdir/temporary.txt", "somedir/temp.txt", "temp"], ["somedir/temp.txt", "temp"]],
  ["temp? excludes one-character extensions of temp in the root", "temp?\n", ["tempa", "tempb", "temp", "tempab", "dir/tempa"], ["dir/tempa", "temp", "tempab"]],
  ["**/*.go excludes .go files at any depth, the root too", "**/*.go\n", ["main.go", "pkg/a/b.go", "go.mod"], ["go.mod"]],
  ["! re-includes: *.md then !README.md", "*.md\n!README.md\n", ["README.md", "CHANGELOG.md", "docs/x.md"], ["README.md", "docs/x.md"]],
  ["later rules win: !README*.md then README-secret.md", "*.md\n!README*.md\nREADME-secret.md\n", ["README.md", "README-secret.md", "README-x.md", "a.md"], ["README-x.md", "README.md"]],
  ["later rules win: README-secret.md then !README*.md", "*.md\nREADME-secret.md\n!README*.md\n", ["README.md", "README-secret.md", "a.md"], ["README-secret.md", "README.md"]],
  ["a folder rule excludes everything under it", "docs\n", ["docs/a.md", "docs/deep/b.md", "docsx"], ["docsx"]],
  ["an exception inside an excluded folder is sent", "docs\n!docs/keep.md\n", ["docs/a.md", "docs/keep.md"], ["docs/keep.md"]],
  ["a leading / and a trailing / are the same rule", "/build/\n", ["build/out.js", "src/build/x.js"], ["src/build/x.js"]],
  ["a bare name matches only at the root", "node_modules\n", ["node_modules/a/index.js", "lib/node_modules/b/index.js"], ["lib/node_modules/b/index.js"]],
  ["**/ matches at any depth", "**/node_modules\n", ["node_modules/a/index.js", "lib/node_modules/b/index.js", "lib/x.js"], ["lib/x.js"]],
  ["the ignore file may exclude itself", ".dockerignore\n", ["a.txt"], ["a.txt"]],
];

describe("packing follows Docker's ignore rules", () => {
  for (const [name, ignore, files, sent] of IGNORE_CASES) {
    it(name, async () => {
      const dir = await tree({ Dockerfile: DOCKERFILE, ".dockerignore": ignore, ...Object.fromEntries(files.map((f) => [f, `${f}\n`])) });
      const expected = [...sent, "Dockerfile", ...(ignore.includes(".dockerignore") ? [] : [".dockerignore"])].sort();
      expect(await sentFiles(dir)).toEqual(expected);
    });
  }

  it(".git, .hg and .svn are never sent, even when re-included", async () => {
    const dir = await tree({ Dockerfile: DOCKERFILE, ".dockerignore": "!.git\n", ".git/HEAD": "x", ".hg/store": "x", ".svn/entries": "x", "src/.git-keep": "x" });
    expect(await sentFiles(dir)).toEqual([".dockerignore", "Dockerfile", "src/.git-keep"]);
  });

  it("<Dockerfile>.dockerignore beside the Dockerfile overrides .dockerignore", async () => {
    const dir = await tree({
      "docker/web.Dockerfile": DOCKERFILE,
      "docker/web.Dockerfile.dockerignore": "secret.txt\n",
      ".dockerignore": "a.txt\n",
      "a.txt": "a",
      "secret.txt": "s",
    });
    const packed = await packContext({ context: dir, dockerfile: "docker/web.Dockerfile" });
    expect(packed.ignoreFile).toBe("docker/web.Dockerfile.dockerignore");
    expect(packed.dockerfileInArchive).toBe("docker/web.Dockerfile");
    expect((await readArchive(packed.archive)).filter((e) => e.type === "file").map((e) => e.name)).toEqual([
      ".dockerignore",
      "a.txt",
      "docker/web.Dockerfile",
      "docker/web.Dockerfile.dockerignore",
    ]);
  });

  it("an excluded Dockerfile, or one outside the context, is added beside the context's files", async () => {
    const dir = await tree({ Dockerfile: DOCKERFILE, ".dockerignore": "Dockerfile\n", "a.txt": "a" });
    const packed = await packContext({ context: dir });
    expect(packed.dockerfileInArchive).toBe("_aca-rollout_Dockerfile");
    const outside = await tree({ "build.Dockerfile": DOCKERFILE });
    const packedOutside = await packContext({ context: dir, dockerfile: join(outside, "build.Dockerfile") });
    expect(packedOutside.dockerfileInArchive).toBe("_aca-rollout_build.Dockerfile");
    const entry = (await readArchive(packedOutside.archive)).find((e) => e.name === "_aca-rollout_build.Dockerfile");
    expect(entry?.content).toBe(DOCKERFILE);
  });

  it("a missing Dockerfile is a usage error", async () => {
    const dir = await tree({ "a.txt": "a" });
    await expect(packContext({ context: dir })).rejects.toBeInstanceOf(ContextError);
  });
});

describe("symbolic links", () => {
  it("a link inside the context is kept as a link", async () => {
    const dir = await tree({ Dockerfile: DOCKERFILE, "config/app.yaml": "a: 1\n", "app.yaml": { link: "config/app.yaml" } });
    const entries = await readArchive((await packContext({ context: dir })).archive);
    expect(entries.find((e) => e.name === "app.yaml")).toMatchObject({ type: "symlink", linkname: "config/app.yaml" });
  });

  it("a link that escapes the context is refused with a clear error", async () => {
    const dir = await tree({ Dockerfile: DOCKERFILE, "src/passwd": { link: "../../../../etc/passwd" } });
    await expect(packContext({ context: dir })).rejects.toThrow(/symbolic link src\/passwd points outside the build context/);
  });

  it("an escaping link the ignore file excludes is not refused", async () => {
    const dir = await tree({ Dockerfile: DOCKERFILE, ".dockerignore": "src/passwd\n", "src/passwd": { link: "/etc/passwd" } });
    await expect(packContext({ context: dir })).resolves.toBeDefined();
  });
});

describe("deterministic archives", () => {
  it("entries are sorted, with mtime 0, owner 0:0, no user names and normalised modes", async () => {
    const dir = await tree(NODE_PROJECT);
    const entries = await readArchive((await packContext({ context: dir })).archive);
    const names = entries.map((e) => e.name);
    expect(names).toEqual([...names].sort());
    for (const e of entries) expect([e.mtime, e.uid, e.gid, e.uname, e.gname]).toEqual([0, 0, 0, "", ""]);
    expect(entries.find((e) => e.name === "bin/start.sh")?.mode).toBe(0o755);
    expect(entries.find((e) => e.name === "server.js")?.mode).toBe(0o644);
    expect(entries.find((e) => e.name === "lib/")).toMatchObject({ type: "directory", mode: 0o755 });
  });

  for (const [name, project] of [
    ["FastAPI", FASTAPI_PROJECT],
    ["Node", NODE_PROJECT],
  ] as const) {
    describe(`the ${name} fixture project`, () => {
      it("packs to byte-identical archives, also from a copy with other mtimes", async () => {
        const dir = await tree(project);
        const first = await packContext({ context: dir });
        const second = await packContext({ context: dir });
        expect(second.archive.equals(first.archive)).toBe(true);
        const copy = join(tmpdir(), `aca-rollout-copy-${process.pid}-${name}`);
        made.push(copy);
        await cp(dir, copy, { recursive: true, verbatimSymlinks: true });
        await utimes(join(copy, "Dockerfile"), new Date(2001, 1, 1), new Date(2001, 1, 1));
        const third = await packContext({ context: copy });
        expect(third.archive.equals(first.archive)).toBe(true);
        expect(third.contentHash).toBe(first.contentHash);
        expect(first.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      });

      it("a code change changes the hash; a change to an ignored file does not", async () => {
        const dir = await tree(project);
        const before = await packContext({ context: dir });
        const ignored = name === "FastAPI" ? "tests/test_app.py" : "coverage/lcov.info";
        await writeFile(join(dir, ignored), "changed\n");
        expect((await packContext({ context: dir })).contentHash).toBe(before.contentHash);
        const code = name === "FastAPI" ? "src/app.py" : "server.js";
        await writeFile(join(dir, code), `${await readFile(join(dir, code), "utf8")}// one more line\n`);
        expect((await packContext({ context: dir })).contentHash).not.toBe(before.contentHash);
      });
    });
  }

  it("sends the FastAPI project's code and manifest, not its tests, caches, secrets or VCS data", async () => {
    const dir = await tree(FASTAPI_PROJECT);
    expect(await sentFiles(dir)).toEqual([".dockerignore", "Dockerfile", "api.py", "requirements.txt", "src/__init__.py", "src/app.py"]);
  });

  it("reports the ten largest files and the totals", async () => {
    const files: Record<string, string> = { Dockerfile: DOCKERFILE };
    for (let i = 1; i <= 12; i++) files[`data/f${String(i).padStart(2, "0")}.bin`] = "x".repeat(i * 100);
    const packed = await packContext({ context: await tree(files) });
    expect(packed.largest.map((l) => l.path)).toEqual(Array.from({ length: 10 }, (_, k) => `data/f${String(12 - k).padStart(2, "0")}.bin`));
    expect(packed.files).toBe(13);
    expect(packed.bytes).toBe(DOCKERFILE.length + 7800);
  });
});
