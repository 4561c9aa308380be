import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  BUILD_CACHE_TAG,
  BUILD_STEP_ID,
  BUILDER_STEP_ID,
  CACHED_BUILD_TASK_YAML,
  InvalidBuildTaskInputError,
  UNCACHED_BUILD_TASK_YAML,
  buildArgValueName,
  buildEncodedTask,
  buildResultTag,
  buildSourceLocation,
  runPlatformFor,
  type BuildTaskInput,
  type EncodedBuildTask,
  type ResolvedBuildArg,
  type ResolvedBuildSpec,
} from "../../src/activities/build/encodedTask.js";
import { BUILD_PLATFORMS, MAX_BUILD_ARGS, parseDeploymentInput } from "../../src/domain/deployment.js";
import { readSteps, renderTask, splitInertShellWords } from "./acrTaskEmulator.js";

const REGISTRY = "myregistry.azurecr.io";
const UPLOAD = "source/201802130000/b52f12d8-c3d6-4d75-9107-220f0bfc681d.tar.gz";

function spec(overrides: Partial<ResolvedBuildSpec> = {}): ResolvedBuildSpec {
  return {
    registry: { resourceGroup: "registry-rg" }, source: { kind: "upload", relativePath: UPLOAD },
    dockerfile: "Dockerfile",
    buildArgs: [],
    platform: "linux/amd64",
    timeoutSeconds: 3600,
    cache: true,
    ...overrides,
  };
}

function input(overrides: Partial<ResolvedBuildSpec> = {}, image = { repository: "team/album-api", tag: "v1.2.3" }): BuildTaskInput {
  return { deploymentId: "dep-42", image, build: spec(overrides) };
}

function valueMap(task: EncodedBuildTask): Record<string, string> {
  return Object.fromEntries(task.values.map((v) => [v.name, v.value]));
}

/** The argv of each step after ACR renders the task, parses the YAML and hands the step to a shell. */
function stepsAfterRendering(task: EncodedBuildTask): { id: string; timeout: string; argv: string[] }[] {
  const rendered = renderTask(task.taskYaml, valueMap(task), { Registry: REGISTRY, ID: "cb1" });
  expect(rendered.split("\n")).toHaveLength(task.taskYaml.split("\n").length);
  return readSteps(rendered).map((step) => ({ id: step.id, timeout: step.timeout, argv: splitInertShellWords(step.cmd) }));
}

function expectedBuildArgv(task: BuildTaskInput): string[] {
  const image = `${REGISTRY}/${task.image.repository}`;
  return [
    "buildx", "build", "--builder", "acarollout", "--progress", "plain",
    "--platform", task.build.platform,
    "--file", task.build.dockerfile,
    ...(task.build.target !== undefined ? ["--target", task.build.target] : []),
    ...task.build.buildArgs.flatMap((arg) => ["--build-arg", `${arg.name}=${arg.value}`]),
    "--tag", `${image}:${task.image.tag}`,
    "--tag", `${image}:${buildResultTag(task.deploymentId)}`,
    ...(task.build.cache
      ? ["--cache-from", `type=registry,ref=${image}:${BUILD_CACHE_TAG}`, "--cache-to", `type=registry,ref=${image}:${BUILD_CACHE_TAG},mode=max,ignore-error=true`]
      : []),
    "--push", ".",
  ];
}

// Hostile but accepted build-arg values: shell syntax, template syntax, YAML syntax, quotes.
const HOSTILE_VALUES = [
  "", "it's", "'", "''", "'\\''", "a b  c", "$(echo PWNED)", "`echo PWNED`", "${HOME}", "$Registry", "$ID", "$$",
  "{{.Run.ID}}", "{{ .Values.tag }}", "{{end}}", "}}", "\"; echo PWNED; \"", "'; echo PWNED; '", "x; rm -rf /", "a|b&c>d<e",
  "#comment", " - cmd: rm -rf /", "key: value", "*alias &anchor !tag", "\t tab", "a=b=c", "\\", "\\'", "é ü 漢字 🙂", "--push", ">-", "|",
];

describe("task template", () => {
  it("is a fixed text with stable step ids, cache flags visible only in the cached variant", () => {
    expect(CACHED_BUILD_TASK_YAML).toContain(`  - id: ${BUILD_STEP_ID}\n`);
    expect(CACHED_BUILD_TASK_YAML).toContain(`  - id: ${BUILDER_STEP_ID}\n`);
    expect(CACHED_BUILD_TASK_YAML.startsWith("version: v1.1.0\n")).toBe(true);
    expect(CACHED_BUILD_TASK_YAML).toMatch(/--cache-from 'type=registry,ref=\{\{\.Run\.Registry\}\}\/\{\{\.Values\.repository\}\}:buildcache'/);
    expect(CACHED_BUILD_TASK_YAML).toMatch(/--cache-to 'type=registry,ref=\{\{\.Run\.Registry\}\}\/\{\{\.Values\.repository\}\}:buildcache,mode=max,ignore-error=true'/);
    expect(UNCACHED_BUILD_TASK_YAML).not.toMatch(/cache/);
    expect(UNCACHED_BUILD_TASK_YAML.split("\n")).toEqual(CACHED_BUILD_TASK_YAML.split("\n").filter((line) => !line.includes("--cache-")));
  });

  it("varies only through {{.Values.*}} and {{.Run.*}} placeholders, never through `$` aliases or comments", () => {
    for (const yaml of [CACHED_BUILD_TASK_YAML, UNCACHED_BUILD_TASK_YAML]) {
      const actions = [...yaml.matchAll(/\{\{(.*?)\}\}/g)].map((m) => m[1]!);
      for (const action of actions) {
        expect(action).toMatch(/^(\.Values\.[A-Za-z0-9]+|\.Run\.Registry|if \.Values\.target|end|range until \d+|with index \$\.Values \(printf "buildArg%d" \.\)|replace "'" "'\\\\''" \.)$/);
      }
      // acr-builder expands `$Name` aliases before rendering; `$.` is the only `$` we use.
      expect(yaml.replace(/\$\.Values/g, "")).not.toContain("$");
      expect(yaml).not.toMatch(/^\s*#/m);
    }
    expect(CACHED_BUILD_TASK_YAML).toContain(`{{range until ${MAX_BUILD_ARGS}}}`);
  });
});

describe("buildEncodedTask", () => {
  it("returns the cached template, values and run settings", () => {
    const task = buildEncodedTask(input({ target: "runtime", buildArgs: [{ name: "NODE_ENV", value: "production", secret: false }, { name: "NPM_TOKEN", value: "npm_abc", secret: true }] }));
    expect(task.taskYaml).toBe(CACHED_BUILD_TASK_YAML);
    expect(task.values).toEqual([
      { name: "repository", value: "team/album-api", isSecret: false },
      { name: "tag", value: "v1.2.3", isSecret: false },
      { name: "resultTag", value: "deploy-dep-42", isSecret: false },
      { name: "dockerfile", value: "Dockerfile", isSecret: false },
      { name: "platform", value: "linux/amd64", isSecret: false },
      { name: "timeoutSeconds", value: "3600", isSecret: false },
      { name: "target", value: "runtime", isSecret: false },
      { name: "buildArg0", value: "NODE_ENV=production", isSecret: false },
      { name: "buildArg1", value: "NPM_TOKEN=npm_abc", isSecret: true },
    ]);
    expect(task.pushedTags).toEqual(["v1.2.3", "deploy-dep-42"]);
    expect(task.resultTag).toBe("deploy-dep-42");
    expect(task.cacheReference).toBe("team/album-api:buildcache");
    expect(task.timeoutSeconds).toBe(3600);
    expect(task.platform).toEqual({ os: "Linux", architecture: "amd64" });
    expect(task.sourceLocation).toBe(UPLOAD);
  });

  it("uses the uncached template and no cache reference when cache is off", () => {
    const task = buildEncodedTask(input({ cache: false }));
    expect(task.taskYaml).toBe(UNCACHED_BUILD_TASK_YAML);
    expect(task.cacheReference).toBeUndefined();
    const build = stepsAfterRendering(task).find((s) => s.id === BUILD_STEP_ID)!;
    expect(build.argv.join(" ")).not.toContain("cache");
  });

  it("pushes the result tag once when the requested tag is the result tag", () => {
    expect(buildEncodedTask(input({}, { repository: "api", tag: "deploy-dep-42" })).pushedTags).toEqual(["deploy-dep-42"]);
  });

  it("renders to the exact buildx command line, with and without target, args and cache", () => {
    const cases: BuildTaskInput[] = [
      input(),
      input({ cache: false, target: "prod", platform: "linux/arm64", dockerfile: "docker/Dockerfile.prod", timeoutSeconds: 28800 }),
      input({ buildArgs: [{ name: "A", value: "1", secret: false }] }),
    ];
    for (const c of cases) {
      const steps = stepsAfterRendering(buildEncodedTask(c));
      expect(steps.map((s) => s.id)).toEqual([BUILDER_STEP_ID, BUILD_STEP_ID]);
      expect(steps[0]!.argv).toEqual(["buildx", "create", "--name", "acarollout", "--driver", "docker-container", "--use"]);
      expect(steps[1]!.argv).toEqual(expectedBuildArgv(c));
      expect(steps[1]!.timeout).toBe(String(c.build.timeoutSeconds));
    }
  });

  it("fills all build-arg slots in order", () => {
    const args: ResolvedBuildArg[] = Array.from({ length: MAX_BUILD_ARGS }, (_, i) => ({ name: `ARG_${i}`, value: `v${i}`, secret: i % 3 === 0 }));
    const task = buildEncodedTask(input({ buildArgs: args }));
    expect(task.values.filter((v) => v.name.startsWith("buildArg")).map((v) => v.name)).toEqual(args.map((_, i) => buildArgValueName(i)));
    expect(task.values.filter((v) => v.isSecret).map((v) => v.name)).toEqual(args.flatMap((a, i) => (a.secret ? [buildArgValueName(i)] : [])));
    expect(stepsAfterRendering(task)[1]!.argv).toEqual(expectedBuildArgv(input({ buildArgs: args })));
  });
});

describe("security: user values never reach the task text and stay inert", () => {
  it("keeps the YAML byte-identical whatever the values, which appear only in values", () => {
    const args: ResolvedBuildArg[] = HOSTILE_VALUES.map((value, i) => ({ name: `A${i}`, value, secret: i % 2 === 0 }));
    for (let start = 0; start < args.length; start += MAX_BUILD_ARGS) {
      for (const cache of [true, false]) {
        const slice = args.slice(start, start + MAX_BUILD_ARGS);
        const task = buildEncodedTask(input({ buildArgs: slice, cache, target: "stage.1-x" }, { repository: "a/b__c.d-e", tag: "_T.1-x" }));
        expect(task.taskYaml).toBe(cache ? CACHED_BUILD_TASK_YAML : UNCACHED_BUILD_TASK_YAML);
        for (const arg of slice) {
          expect(task.values).toContainEqual({ name: expect.stringMatching(/^buildArg\d+$/), value: `${arg.name}=${arg.value}`, isSecret: arg.secret });
        }
        for (const marker of ["PWNED", "rm -rf", "{{.Run.ID}}", "漢字", "a/b__c.d-e", "_T.1-x", "stage.1-x"]) expect(task.taskYaml).not.toContain(marker);
        for (const value of task.values) expect(value.name).toMatch(/^[A-Za-z0-9]+$/);
      }
    }
  });

  it("renders hostile build args into exactly one argv entry each, with no shell interpretation", () => {
    const args: ResolvedBuildArg[] = HOSTILE_VALUES.map((value, i) => ({ name: `A${i}`, value, secret: false }));
    for (let start = 0; start < args.length; start += MAX_BUILD_ARGS) {
      const c = input({ buildArgs: args.slice(start, start + MAX_BUILD_ARGS) });
      expect(stepsAfterRendering(buildEncodedTask(c))[1]!.argv).toEqual(expectedBuildArgv(c));
    }
  });

  it("fuzz: random accepted values always round-trip to their own argv entry", () => {
    // Deterministic PRNG so a failure reproduces.
    let seed = 0x2545f491;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const alphabet = [..."'\"\\`$(){}[]<>|&;#*?~!%^=: \t-_./,@+aZ9", "é", "🙂", "{{", "}}", "<no", " value>", "'\\''"];
    for (let round = 0; round < 300; round += 1) {
      const count = 1 + Math.floor(random() * 4);
      const buildArgs: ResolvedBuildArg[] = [];
      for (let i = 0; i < count; i += 1) {
        let value = "";
        const length = Math.floor(random() * 24);
        for (let j = 0; j < length; j += 1) value += alphabet[Math.floor(random() * alphabet.length)];
        // Values the schema refuses are covered by the rejection tests.
        if (value.includes("<no value>")) value = value.replace(/<no value>/g, "");
        buildArgs.push({ name: `F${i}`, value, secret: random() < 0.5 });
      }
      const c = input({ buildArgs, cache: random() < 0.5 });
      const task = buildEncodedTask(c);
      expect(task.taskYaml).toBe(c.build.cache ? CACHED_BUILD_TASK_YAML : UNCACHED_BUILD_TASK_YAML);
      expect(stepsAfterRendering(task)[1]!.argv).toEqual(expectedBuildArgv(c));
    }
  });

  it("a real POSIX shell yields the same argv (harmless payloads only)", () => {
    const harmless = ["$(echo PWNED)", "`echo PWNED`", "'; echo PWNED; '", "x; echo PWNED", "${HOME}", "it's", "a b", "\\'", "a|b&c>d"];
    const c = input({ buildArgs: harmless.map((value, i) => ({ name: `H${i}`, value, secret: false })) });
    const task = buildEncodedTask(c);
    const rendered = renderTask(task.taskYaml, valueMap(task), { Registry: REGISTRY });
    const cmd = readSteps(rendered).find((s) => s.id === BUILD_STEP_ID)!.cmd;
    // acr-builder runs `/bin/sh -c "docker run ... <cmd>"`; printf stands in for docker run.
    const out = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${cmd}`], { encoding: "utf8", timeout: 5000 });
    expect(out.split("\0").slice(0, -1)).toEqual(expectedBuildArgv(c));
  });

  it.each([
    ["a build-arg value with a line break", input({ buildArgs: [{ name: "X", value: "x\n  - cmd: rm -rf /", secret: false }] }), /buildArgs\[0\]\.value/],
    ["a build-arg value with a carriage return", input({ buildArgs: [{ name: "X", value: "x\r", secret: true }] }), /buildArgs\[0\]\.value/],
    ["the <no value> marker", input({ buildArgs: [{ name: "X", value: "<no value>", secret: false }] }), /<no value>/],
    ["a template in the tag", input({}, { repository: "api", tag: "{{.Run.ID}}" }), /image\.tag/],
    ["a YAML injection in the tag", input({}, { repository: "api", tag: "x\n  - cmd: rm -rf /" }), /image\.tag/],
    ["a quote in the repository", input({}, { repository: "api'x", tag: "1" }), /image\.repository/],
    ["a shell payload in the dockerfile", input({ dockerfile: "Dockerfile'; rm -rf /" }), /build\.dockerfile/],
    ["a parent path in the dockerfile", input({ dockerfile: "../secrets/Dockerfile" }), /build\.dockerfile/],
    ["a shell payload in the target", input({ target: "prod$(id)" }), /build\.target/],
    ["an unknown platform", input({ platform: "linux/amd64 --push" as ResolvedBuildSpec["platform"] }), /build\.platform/],
    ["an odd timeout", input({ timeoutSeconds: 3600.5 }), /build\.timeoutSeconds/],
    ["a bad build-arg name", input({ buildArgs: [{ name: "A B", value: "1", secret: false }] }), /buildArgs\[0\]\.name/],
    ["too many build args", input({ buildArgs: Array.from({ length: MAX_BUILD_ARGS + 1 }, (_, i) => ({ name: `A${i}`, value: "", secret: false })) }), /at most 32/],
    ["a bad deployment id", { ...input(), deploymentId: "Dep 1" }, /deploymentId/],
  ])("refuses %s", (_label, bad, problem) => {
    expect(() => buildEncodedTask(bad)).toThrow(InvalidBuildTaskInputError);
    expect(() => buildEncodedTask(bad)).toThrow(problem);
  });

  it("the deploy-input schema already refuses what the task would refuse", () => {
    const result = parseDeploymentInput({
      deploymentId: "dep-1",
      requestedAt: "2026-01-31T12:00:00Z",
      target: { subscriptionId: "4385cf00-2d3a-425a-832f-f4285b1c9dce", resourceGroup: "rg", containerApp: "app" },
      image: { loginServer: REGISTRY, repository: "api", tag: "{{.Run.ID}}" },
      build: { registry: { resourceGroup: "registry-rg" }, source: { kind: "upload", relativePath: UPLOAD }, buildArgs: [{ name: "X", value: "x\n  - cmd: rm -rf /" }], target: "a;b", dockerfile: "$(id)" },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual(["/build/buildArgs/0/value", "/build/dockerfile", "/build/target", "/image/tag"]);
  });
});

describe("helpers", () => {
  it("buildSourceLocation formats upload and git sources", () => {
    expect(buildSourceLocation({ kind: "upload", relativePath: UPLOAD })).toBe(UPLOAD);
    expect(buildSourceLocation({ kind: "git", url: "https://github.com/o/r.git" })).toBe("https://github.com/o/r.git");
    expect(buildSourceLocation({ kind: "git", url: "https://github.com/o/r.git", ref: "main" })).toBe("https://github.com/o/r.git#main");
    expect(buildSourceLocation({ kind: "git", url: "https://github.com/o/r.git", ref: "v1", folder: "src/api" })).toBe("https://github.com/o/r.git#v1:src/api");
    expect(buildSourceLocation({ kind: "git", url: "https://github.com/o/r.git", folder: "src" })).toBe("https://github.com/o/r.git#:src");
  });

  it("runPlatformFor maps every build platform to an agent platform", () => {
    expect(BUILD_PLATFORMS.map(runPlatformFor)).toEqual([
      { os: "Linux", architecture: "amd64" },
      { os: "Linux", architecture: "arm64", variant: "v8" },
      { os: "Linux", architecture: "arm64", variant: "v8" },
      { os: "Linux", architecture: "arm", variant: "v7" },
      { os: "Linux", architecture: "arm", variant: "v6" },
      { os: "Linux", architecture: "386" },
    ]);
  });

  it("buildResultTag is a valid tag for the longest deployment id", () => {
    expect(buildResultTag("a".repeat(64))).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/);
  });
});

describe("emulator self-check", () => {
  it("fails loudly on syntax a shell would interpret", () => {
    expect(() => splitInertShellWords("a $(b)")).toThrow(/interpret/);
    expect(() => splitInertShellWords("a;b")).toThrow(/interpret/);
    expect(() => splitInertShellWords("'a")).toThrow(/unterminated/);
    expect(splitInertShellWords("a 'b c'\\''d' e")).toEqual(["a", "b c'd", "e"]);
  });

  it("renders missing values as empty and does not re-evaluate value text", () => {
    expect(renderTask("[{{.Values.x}}][{{.Values.y}}]", { y: "{{.Values.x}}" }, {})).toBe("[][{{.Values.x}}]");
    expect(() => renderTask("{{printf \"x\"}}", {}, {})).toThrow(/does not know/);
  });
});
