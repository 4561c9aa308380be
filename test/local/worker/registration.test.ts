/**
 * Registration through `@azure/functions-core`, as in the Node.js worker: the metadata the runtime
 * receives for every trigger kind the product uses, binding by binding, and the registrations the
 * Functions host would refuse, which fail start-up naming the function and the host's rule.
 * Sources: @azure/functions converters/toCoreFunctionMetadata.ts and addBindingName.ts (what is sent),
 * azure-functions-nodejs-worker src/coreApi/registerFunction.ts (functionId, rawBindings, scriptFile),
 * azure-functions-host Utility.cs / WorkerFunctionMetadataProvider.cs / FunctionMetadataManager.cs
 * (what is refused).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { app, input, trigger } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startLocalRuntime } from "../../../src/local/host.js";
import { formatFunctionList } from "../../../src/local/printFunctions.js";
import { workerApp } from "../../../src/local/worker/coreModule.js";

const FIXTURE = resolve(import.meta.dirname, "../../fixtures/host/everyTriggerApp.ts");
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-registration-"));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  // Each case is a fresh app, as a new worker process would be.
  workerApp.reset();
});

const start = (functionModules: readonly string[] | (() => Promise<void>)) =>
  startLocalRuntime({ functionModules, clock: new VirtualClock("2026-03-02T00:00:00.000Z"), dataDir, log: () => {} });

const deferred = { supportsDeferredBinding: "false" };
const named = (prefix: string): unknown => expect.stringMatching(new RegExp(`^${prefix}[0-9a-f]{10}$`)) as unknown;

describe("registration metadata", () => {
  // One test: the fixture module registers once per process (module cache), like an app per worker.
  it("receives RpcFunctionMetadata for every trigger kind, binding by binding, and lists it as func does", async () => {
    const runtime = await start([FIXTURE]);
    await runtime.stop();
    const metadata = (name: string) => workerApp.functions.get(name)?.metadata;
    const scriptFile = { scriptFile: basename(FIXTURE), directory: dirname(FIXTURE) };

    const http = metadata("startDeploy");
    expect(http).toMatchObject({ name: "startDeploy", functionId: "startDeploy", ...scriptFile });
    const httpBindings = Object.entries(http?.bindings ?? {});
    expect(httpBindings).toEqual([
      [named("httpTrigger"), { route: "deployments/{id?}", methods: ["POST", "PUT"], authLevel: "function", type: "httpTrigger", name: named("httpTrigger"), direction: "in", properties: deferred }],
      [named("durableClientInput"), { type: "durableClient", name: named("durableClientInput"), direction: "in", properties: deferred }],
      // app.http adds the HTTP output as the return binding.
      ["$return", { type: "http", name: named("httpOutput"), direction: "out" }],
    ]);
    // What the host reads: one JSON object per binding, named by its key.
    expect(http?.rawBindings.map((b) => JSON.parse(b) as { name: string; type: string; direction: string })).toEqual([
      expect.objectContaining({ type: "httpTrigger", direction: "in", name: httpBindings[0]?.[0] }),
      expect.objectContaining({ type: "durableClient", direction: "in", name: httpBindings[1]?.[0] }),
      { type: "http", direction: "out", name: "$return" },
    ]);

    expect(Object.values(metadata("reconcileScan")?.bindings ?? {})).toEqual([
      { schedule: "0 */5 * * * *", runOnStartup: false, type: "timerTrigger", name: named("timerTrigger"), direction: "in", properties: deferred },
    ]);
    expect(Object.values(metadata("onImagePushed")?.bindings ?? {})).toEqual([{ type: "eventGridTrigger", name: named("eventGridTrigger"), direction: "in", properties: deferred }]);
    expect(Object.values(metadata("deployWorkflow")?.bindings ?? {})).toEqual([{ type: "orchestrationTrigger", name: named("orchestrationTrigger"), direction: "in", properties: deferred }]);
    expect(Object.values(metadata("inspectTarget")?.bindings ?? {})).toEqual([
      { type: "activityTrigger", name: named("activityTrigger"), direction: "in", properties: deferred },
      { type: "durableClient", name: named("durableClientInput"), direction: "in", properties: deferred },
    ]);
    expect(Object.values(metadata("deployTarget")?.bindings ?? {})).toEqual([{ type: "entityTrigger", name: named("entityTrigger"), direction: "in", properties: deferred }]);
    expect([...workerApp.functions.keys()].sort()).toEqual(["deployTarget", "deployWorkflow", "inspectTarget", "onImagePushed", "reconcileScan", "startDeploy"]);

    // --print-functions: the list func prints at start-up, with each function's bindings.
    const text = formatFunctionList(runtime.functions, "http://localhost:7071", runtime.routePrefix).replace(/[0-9a-f]{10}\b/g, "<hash>");
    expect(text).toBe(
      [
        "Functions:",
        "",
        "\tstartDeploy: [POST,PUT] http://localhost:7071/api/deployments/{id?}",
        "\t\tin httpTrigger httpTrigger<hash>",
        "\t\tin durableClient durableClientInput<hash>",
        "\t\tout http $return",
        "",
        "\tdeployTarget: entityTrigger",
        "\t\tin entityTrigger entityTrigger<hash>",
        "",
        "\tdeployWorkflow: orchestrationTrigger",
        "\t\tin orchestrationTrigger orchestrationTrigger<hash>",
        "",
        "\tinspectTarget: activityTrigger",
        "\t\tin activityTrigger activityTrigger<hash>",
        "\t\tin durableClient durableClientInput<hash>",
        "",
        "\tonImagePushed: eventGridTrigger",
        "\t\tin eventGridTrigger eventGridTrigger<hash>",
        "",
        "\treconcileScan: timerTrigger",
        "\t\tin timerTrigger timerTrigger<hash>",
        "",
        "",
      ].join("\n"),
    );
  });

  it("refuses a second registration with the same id at registration time, as the worker does", async () => {
    await expect(
      start(async () => {
        app.get("twice", () => ({}));
        app.get("twice", () => ({}));
      }),
    ).rejects.toThrow('A function with id "twice" has already been registered.');
  });
});

describe("registrations the host refuses fail start-up, naming the function", () => {
  const refused: Array<[string, () => void, RegExp]> = [
    // FunctionMetadataManager: names are unique, compared ignoring case (Utility.FunctionNamesMatch).
    ["a duplicate name differing only in case", () => { app.get("deployStatus", () => ({})); app.get("DeployStatus", { route: "other", handler: () => ({}) }); }, /DeployStatus: Found duplicate FunctionMetadata with the name DeployStatus/],
    // Utility.ValidateName: ^[a-z][a-z0-9_\-]{0,127}$, case-insensitive, not "host".
    ["a name outside the host's naming rule", () => app.get("deploy.status", () => ({})), /deploy\.status: 'deploy\.status' is not a valid function name\./],
    ["the reserved name 'host'", () => app.get("host", { route: "h", handler: () => ({}) }), /host: 'host' is not a valid function name\./],
    // ASP.NET route templates: an unknown inline constraint cannot be resolved.
    ["a route template the host cannot parse", () => app.get("badRoute", { route: "items/{id:nonsense}", handler: () => ({}) }), /badRoute: Invalid route template 'items\/\{id:nonsense\}': the constraint reference 'nonsense' could not be resolved/],
    ["an optional parameter followed by a required segment", () => app.get("badOptional", { route: "items/{id?}/more", handler: () => ({}) }), /badOptional: Invalid route template/],
    // WorkerFunctionMetadataProvider.ValidateBindings and the docs' "exactly one trigger".
    ["a second trigger", () => app.generic("twoTriggers", { trigger: trigger.timer({ schedule: "0 0 * * * *" }), extraInputs: [input.generic({ type: "queueTrigger", queueName: "q", connection: "C" })], handler: () => undefined }), /twoTriggers: A function must have exactly one trigger/],
    // (No trigger at all cannot be registered through the library: it turns the trigger's type into "<type>Trigger".)
    // ScriptHost: binding types no extension of the bundle provides.
    ["an unknown binding type", () => app.generic("oddTrigger", { trigger: trigger.generic({ type: "madeUpTrigger" }), handler: () => undefined }), /oddTrigger: The binding type\(s\) 'madeUpTrigger' were not found in the configured extension bundle/],
    // TimerSchedule.Create: six-field NCRONTAB or a TimeSpan.
    ["a timer schedule the host cannot read", () => app.timer("badTimer", { schedule: "*/5 * * * *", handler: () => undefined }), /badTimer: The schedule expression '\*\/5 \* \* \* \*' was not recognized/],
    ["an HTTP method that does not exist", () => app.http("badMethod", { methods: ["FETCH" as "GET"], handler: () => ({}) }), /badMethod: 'methods' must be a list of HTTP methods/],
  ];

  it.each(refused)("%s", async (_case, register, message) => {
    const failed = start(async () => register());
    await expect(failed).rejects.toThrow(/The Functions host would refuse/);
    await expect(failed).rejects.toThrow(message);
  });
});
