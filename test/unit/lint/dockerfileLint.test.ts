/**
 * The Dockerfile cache lint, rule by rule: each rule on Dockerfiles that must and must not trigger it,
 * plus the layer-caching guide's own Dockerfiles (vendored in test/fixtures/layer-caching-guide).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LintRuleId } from "../../../src/domain/lintFinding.js";
import { lintDockerfile, type LintContext } from "../../../src/policies/dockerfileLint.js";

const GUIDE = join(import.meta.dirname, "../../fixtures/layer-caching-guide");
const guide = (name: string) => readFileSync(join(GUIDE, name), "utf8");

function rulesOf(text: string, context: LintContext | null = null): { rule: LintRuleId; line: number | null }[] {
  return lintDockerfile(text, { context }).findings.map(({ rule, line }) => ({ rule, line }));
}

interface Case {
  readonly name: string;
  readonly dockerfile: string;
  /** The findings of the rule under test, as [rule, line]; [] when it must not trigger. */
  readonly expected: readonly [LintRuleId, number | null][];
  readonly context?: LintContext;
}

const RULE_CASES: Record<string, readonly Case[]> = {
  "copy-all-before-install": [
    { name: "pip after COPY . .", dockerfile: "FROM python:3.11-slim\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n", expected: [["copy-all-before-install", 2]] },
    { name: "npm ci after COPY . ./", dockerfile: "FROM node:22-slim\nWORKDIR /app\nCOPY . ./\nRUN npm ci\n", expected: [["copy-all-before-install", 3]] },
    { name: "yarn after ADD .", dockerfile: "FROM node:22\nADD . /app\nRUN cd /app && yarn install --frozen-lockfile\n", expected: [["copy-all-before-install", 2]] },
    { name: "pnpm", dockerfile: "FROM node:22\nCOPY . .\nRUN pnpm install --frozen-lockfile\n", expected: [["copy-all-before-install", 2]] },
    { name: "poetry", dockerfile: "FROM python:3.12\nCOPY . .\nRUN poetry install --no-root\n", expected: [["copy-all-before-install", 2]] },
    { name: "go build without go mod download first", dockerfile: "FROM golang:1.22\nCOPY . .\nRUN go build -o /app ./cmd/app\n", expected: [["copy-all-before-install", 2]] },
    { name: "cargo", dockerfile: "FROM rust:1.80\nCOPY . .\nRUN cargo build --release\n", expected: [["copy-all-before-install", 2]] },
    { name: "maven", dockerfile: "FROM maven:3.9-eclipse-temurin-21\nCOPY . .\nRUN mvn -B package\n", expected: [["copy-all-before-install", 2]] },
    { name: "gradle wrapper", dockerfile: "FROM eclipse-temurin:21\nCOPY . .\nRUN ./gradlew build\n", expected: [["copy-all-before-install", 2]] },
    { name: "bundler", dockerfile: "FROM ruby:3.3\nCOPY . .\nRUN bundle install\n", expected: [["copy-all-before-install", 2]] },
    { name: "python -m pip", dockerfile: "FROM python:3.11\nCOPY . .\nRUN python3 -m pip install --no-cache-dir .\n", expected: [["copy-all-before-install", 2]] },
    { name: "manifest first (pip)", dockerfile: "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n", expected: [] },
    { name: "manifest first (npm), build after the copy", dockerfile: "FROM node:22\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n", expected: [] },
    { name: "go mod download first, go build after", dockerfile: "FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n", expected: [] },
    { name: "COPY --from . in a later stage", dockerfile: "FROM node:22 AS build\nCOPY package*.json ./\nRUN npm ci\nFROM node:22-slim\nCOPY --from=build . .\nRUN npm ci --omit=dev\n", expected: [] },
  ],
  "apt-update-split": [
    { name: "update in its own RUN", dockerfile: "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n", expected: [["apt-update-split", 2]] },
    { name: "apt update alone", dockerfile: "FROM debian:12\nRUN apt update\n", expected: [["apt-update-split", 2]] },
    { name: "update && install", dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n", expected: [] },
  ],
  "apt-lists-not-cleaned": [
    { name: "install without rm", dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", expected: [["apt-lists-not-cleaned", 2]] },
    { name: "rm in a later RUN does not count", dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n", expected: [["apt-lists-not-cleaned", 2]] },
    { name: "cleaned in the same RUN, over continuation lines", dockerfile: "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\n", expected: [] },
    { name: "apt cache mount", dockerfile: "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl\n", expected: [] },
  ],
  "pip-cache-kept": [
    { name: "pip install", dockerfile: "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n", expected: [["pip-cache-kept", 3]] },
    { name: "pip3 in a chain", dockerfile: "FROM python:3.11-slim\nRUN pip3 install --upgrade pip && pip3 install --no-cache-dir fastapi\n", expected: [["pip-cache-kept", 2]] },
    { name: "--no-cache-dir", dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir fastapi\n", expected: [] },
    { name: "ENV PIP_NO_CACHE_DIR", dockerfile: "FROM python:3.11-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install fastapi\n", expected: [] },
    { name: "pip cache mount", dockerfile: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install fastapi\n", expected: [] },
  ],
  "npm-install-not-ci": [
    { name: "npm install with a copied lockfile", dockerfile: "FROM node:22\nCOPY package.json package-lock.json ./\nRUN npm install\n", expected: [["npm-install-not-ci", 3]] },
    { name: "npm i with package*.json", dockerfile: "FROM node:22\nCOPY package*.json ./\nRUN npm i --omit=dev\n", expected: [["npm-install-not-ci", 3]] },
    {
      name: "lockfile known from the context",
      dockerfile: "FROM node:22\nCOPY package.json ./\nRUN npm install\n",
      context: { paths: ["package.json", "package-lock.json", ".dockerignore"], ignoreFile: { name: ".dockerignore", text: "node_modules\n" } },
      expected: [["npm-install-not-ci", 3]],
    },
    { name: "no lockfile anywhere", dockerfile: "FROM node:22\nCOPY package.json ./\nRUN npm install\n", expected: [] },
    { name: "npm install of a named package", dockerfile: "FROM node:22\nCOPY package*.json ./\nRUN npm ci && npm install -g pm2\n", expected: [] },
  ],
  "base-image-unpinned": [
    { name: "no tag", dockerfile: "FROM python\n", expected: [["base-image-unpinned", 1]] },
    { name: "latest", dockerfile: "FROM node:latest AS build\nFROM build\n", expected: [["base-image-unpinned", 1]] },
    { name: "registry with a port, no tag", dockerfile: "FROM myregistry.azurecr.io:443/base\n", expected: [["base-image-unpinned", 1]] },
    { name: "tagged, digest, scratch, a stage", dockerfile: "FROM node:22 AS build\nFROM alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000\nFROM scratch\nFROM build\n", expected: [] },
    { name: "a variable", dockerfile: "ARG BASE=python:3.11\nFROM ${BASE}\n", expected: [] },
  ],
  "compiler-in-final-image": [
    { name: "gcc in a single stage", dockerfile: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\n", expected: [["compiler-in-final-image", 2]] },
    { name: "build-base on alpine", dockerfile: "FROM python:3.11-alpine\nRUN apk add --no-cache build-base\n", expected: [["compiler-in-final-image", 2]] },
    { name: "purged in the same RUN", dockerfile: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc && pip install --no-cache-dir uvloop && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\n", expected: [] },
    { name: "multi-stage", dockerfile: "FROM python:3.11-slim AS build\nRUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\nFROM python:3.11-slim\n", expected: [] },
    { name: "no compiler", dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n", expected: [] },
  ],
  "secret-file-in-image": [
    { name: "COPY .env named", dockerfile: "FROM node:22\nCOPY .env ./\n", expected: [["secret-file-in-image", 2]] },
    {
      name: "COPY . . with .env let in",
      dockerfile: "FROM node:22\nCOPY . .\n",
      context: { paths: ["index.js", ".env", "certs/server.key", ".env.example"], ignoreFile: { name: ".dockerignore", text: "node_modules\n" } },
      expected: [["dockerignore-leak", null], ["secret-file-in-image", 2], ["secret-file-in-image", 2]],
    },
    {
      name: "COPY . . with .env ignored",
      dockerfile: "FROM node:22\nCOPY . .\n",
      context: { paths: ["index.js", ".env"], ignoreFile: { name: ".dockerignore", text: ".env\n" } },
      expected: [],
    },
    {
      name: "a secret only in a build stage",
      dockerfile: "FROM node:22 AS build\nCOPY .npmrc ./\nFROM node:22-slim\nCOPY --from=build /app /app\n",
      expected: [],
    },
  ],
};

const CONTEXT_CASES: readonly Case[] = [
  {
    name: "no .dockerignore",
    dockerfile: "FROM node:22\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n",
    context: { paths: ["package.json", "package-lock.json", "index.js", "node_modules/x/index.js"], ignoreFile: null },
    expected: [["dockerignore-missing", null]],
  },
  {
    name: "leaks: .git, nested __pycache__, tests/ and .venv",
    dockerfile: "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n",
    context: {
      paths: ["requirements.txt", "api.py", ".git/HEAD", "app/__pycache__/api.cpython-311.pyc", "tests/test_api.py", ".venv/bin/python", "docs/x.md"],
      ignoreFile: { name: ".dockerignore", text: "docs/\n__pycache__\n" },
    },
    expected: [["dockerignore-leak", null], ["dockerignore-leak", null], ["dockerignore-leak", null], ["dockerignore-leak", null]],
  },
  {
    name: "folders the packer skipped unread (listed as `name/`) are judged by the ignore file too",
    dockerfile: "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n",
    context: { paths: [".git/", "src/__pycache__/", "tests/", "api.py"], ignoreFile: { name: ".dockerignore", text: ".git\n**/__pycache__\ntests/\n" } },
    expected: [],
  },
  {
    name: "everything that exists is ignored (Dockerfile.dockerignore in force)",
    dockerfile: "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n",
    context: {
      paths: ["requirements.txt", "api.py", ".git/HEAD", "app/__pycache__/api.cpython-311.pyc", "tests/test_api.py", ".venv/bin/python", "node_modules/a/b.js", ".env"],
      ignoreFile: { name: "Dockerfile.dockerignore", text: ".git\n**/__pycache__\ntests/\n.venv\n**/node_modules\n.env\n" },
    },
    expected: [],
  },
];

describe("Dockerfile cache lint", () => {
  for (const [rule, cases] of Object.entries(RULE_CASES)) {
    describe(rule, () => {
      for (const c of cases) {
        it(c.name, () => {
          const found = rulesOf(c.dockerfile, c.context ?? null).filter((f) => f.rule === rule || c.expected.some(([r]) => r === f.rule));
          expect(found.map((f) => [f.rule, f.line])).toEqual(c.expected);
        });
      }
    });
  }

  describe("context rules", () => {
    for (const c of CONTEXT_CASES) {
      it(c.name, () => {
        const found = rulesOf(c.dockerfile, c.context ?? null).filter((f) => f.rule.startsWith("dockerignore-"));
        expect(found.map((f) => [f.rule, f.line])).toEqual(c.expected);
      });
    }
    it("names each leak and the pattern that fixes it", () => {
      const report = lintDockerfile("FROM python:3.11-slim\nCOPY . .\n", {
        context: { paths: ["app/__pycache__/a.pyc", "api.py"], ignoreFile: { name: ".dockerignore", text: "__pycache__\n" } },
      });
      const leak = report.findings.find((f) => f.rule === "dockerignore-leak");
      expect(leak?.why).toContain("`__pycache__`");
      expect(leak?.fix).toContain("**/__pycache__");
    });
  });

  it("every finding carries its rule id, line, why and fix", () => {
    const report = lintDockerfile(guide("antipattern.Dockerfile"), { dockerfile: "docker/Dockerfile" });
    expect(report.findings).toEqual([
      {
        rule: "copy-all-before-install",
        category: "cache",
        severity: "warning",
        file: "docker/Dockerfile",
        line: 3,
        why: expect.stringContaining("every code change reinstalls every dependency"),
        fix: expect.stringContaining("Copy only the dependency manifests first"),
      },
    ]);
    expect(report.counts).toEqual({ cache: 1, size: 0, security: 0 });
  });

  describe("the layer-caching guide", () => {
    it("its optimised single-stage Dockerfile has no cache finding (the gcc it keeps is a size finding)", () => {
      const report = lintDockerfile(guide("optimised.Dockerfile"));
      expect(report.findings.filter((f) => f.category === "cache")).toEqual([]);
      expect(report.findings.map((f) => [f.rule, f.line])).toEqual([["compiler-in-final-image", 8]]);
    });

    it("its multi-stage Dockerfile has no finding at all", () => {
      expect(lintDockerfile(guide("multistage.Dockerfile")).findings).toEqual([]);
    });

    it("with its .dockerignore and a context laid out as in the guide, neither gets a cache finding", () => {
      const context: LintContext = {
        paths: ["api.py", "requirements.txt", "src/routes.py", "__pycache__/api.cpython-311.pyc", ".git/HEAD", "tests/test_api.py", ".env", "node_modules/x/y.js"],
        ignoreFile: { name: ".dockerignore", text: guide("guide.dockerignore") },
      };
      for (const name of ["optimised.Dockerfile", "multistage.Dockerfile"]) {
        expect(lintDockerfile(guide(name), { context }).findings.filter((f) => f.category !== "size")).toEqual([]);
      }
    });

    it("flags the anti-pattern it warns about: COPY . . before pip install", () => {
      expect(rulesOf(guide("antipattern.Dockerfile"))).toEqual([{ rule: "copy-all-before-install", line: 3 }]);
    });
  });
});
