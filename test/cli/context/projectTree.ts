/** Writes a project tree into a fresh temporary folder: the fixture projects and the ignore-rule cases. */
import { chmod, mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A file's content, or a symbolic link, or content with a mode. */
export type TreeNode = string | { readonly link: string } | { readonly content: string; readonly mode: number };

/** Creates `files` under `root` (a new temporary folder when omitted) and returns the folder. */
export async function writeTree(files: Record<string, TreeNode>, root?: string): Promise<string> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), "aca-rollout-ctx-")));
  for (const [path, node] of Object.entries(files)) {
    const absolute = join(dir, path);
    await mkdir(dirname(absolute), { recursive: true });
    if (typeof node === "string") await writeFile(absolute, node);
    else if ("link" in node) await symlink(node.link, absolute);
    else {
      await writeFile(absolute, node.content);
      await chmod(absolute, node.mode);
    }
  }
  return dir;
}

/** A FastAPI app laid out as in the layer-caching guide (requirements first, code under src/, tests, docs). */
export const FASTAPI_PROJECT: Record<string, TreeNode> = {
  Dockerfile:
    "FROM python:3.11-slim AS builder\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --user --no-cache-dir -r requirements.txt\n\n" +
    "FROM python:3.11-slim\nWORKDIR /app\nCOPY --from=builder /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH\nCOPY . .\nEXPOSE 8000\nCMD [\"python\", \"api.py\"]\n",
  ".dockerignore": "**/__pycache__\n*.pyc\n.git\n.gitignore\nREADME*.md\n.env\n.venv\n.vscode\ntests/\ndocs/\n",
  "requirements.txt": "fastapi==0.115.0\nuvicorn==0.30.6\n",
  "api.py": 'import uvicorn\nfrom src.app import app\n\nif __name__ == "__main__":\n    uvicorn.run(app, host="0.0.0.0", port=8000)\n',
  "src/__init__.py": "",
  "src/app.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/healthz")\ndef healthz():\n    return {"ok": True}\n',
  "src/__pycache__/app.cpython-311.pyc": "compiled",
  "tests/test_app.py": "def test_ok():\n    assert True\n",
  "docs/index.md": "# Docs\n",
  "README.md": "# The app\n",
  ".env": "API_KEY=local-only\n",
  ".gitignore": "__pycache__/\n.env\n",
  ".git/HEAD": "ref: refs/heads/main\n",
  ".git/config": "[core]\n",
};

/** A Node app: manifest and lockfile first, `npm ci`, then the code. */
export const NODE_PROJECT: Record<string, TreeNode> = {
  Dockerfile: "FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
  ".dockerignore": "**/node_modules\n.git\nnpm-debug.log\ncoverage/\n*.md\n!README.md\n",
  "package.json": '{"name":"web","version":"1.0.0","dependencies":{}}\n',
  "package-lock.json": '{"name":"web","lockfileVersion":3,"packages":{}}\n',
  "server.js": "require('node:http').createServer((q, s) => s.end('ok')).listen(8080);\n",
  "lib/routes.js": "module.exports = {};\n",
  "bin/start.sh": { content: "#!/bin/sh\nexec node server.js\n", mode: 0o700 },
  "node_modules/left-pad/index.js": "module.exports = () => {};\n",
  "lib/node_modules/x/index.js": "nested\n",
  "coverage/lcov.info": "TN:\n",
  "README.md": "# web\n",
  "CHANGELOG.md": "# changes\n",
  "npm-debug.log": "log\n",
};
