/**
 * Response bodies of the Container Apps provider, as served over HTTPS, against the official
 * examples: the same key set (values differ). Keys are ignored only where the spec declares a field
 * the example leaves out (each listed below with the reason).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import type { ContainerSpec, JsonObject } from "../../../src/sandbox/providers/containerApps/index.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { sandboxRequest, type RawResponse } from "../core/sandboxHttp.js";
import { expectSameShape, loadExampleResponse, REST_EXAMPLES_DIR } from "../shape.js";

const examples = "app/2026-01-01/examples";

function exampleBody(name: string, status = "200"): JsonObject {
  return obj(loadExampleResponse(`${examples}/${name}.json`, status));
}

function exampleResponse(name: string, status: string): { headers?: Record<string, string>; body?: unknown } | undefined {
  const file = JSON.parse(readFileSync(join(REST_EXAMPLES_DIR, examples, `${name}.json`), "utf8")) as {
    responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
  };
  return file.responses[status];
}

function obj(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("expected an object");
  return value as JsonObject;
}

function str(value: unknown): string {
  if (typeof value !== "string") throw new Error("expected a string");
  return value;
}

function pick(source: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]!]));
}

/** Spec-declared app fields the Get/Patch examples omit but Azure returns (and the orchestrator reads). */
const appSpecExtras = ["properties.environmentId", "properties.latestRevisionName", "properties.configuration.activeRevisionsMode"];
/** Spec-declared revision fields the Revisions examples omit; the orchestrator needs them to judge a revision. */
const revisionSpecExtras = ["properties.provisioningState", "properties.healthState"];
/** Scale fields Azure fills with defaults (300 s / 30 s) that the revision examples leave out. */
const scaleDefaults = ["cooldownPeriod", "pollingInterval"];

const subscriptionId = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const resourceGroup = "rg";
const name = "testcontainerapp0";
const ref = { subscriptionId, resourceGroup, name };
const appPath = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/containerApps/${name}`;

let clock: VirtualClock;
let sandbox: Sandbox;

beforeAll(async () => {
  clock = new VirtualClock("2026-03-01T00:00:00.000Z");
  sandbox = await startSandbox({ clock, durations: { revisionProvisioning: 5_000, revisionActivating: 3_000, revisionHealthy: 4_000, lroPoll: 500 } });
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.reset();
});

/** A raw ARM call over HTTPS: the body exactly as the sandbox serializes it. */
async function call(method: "GET" | "PATCH" | "POST", path: string, body?: unknown): Promise<RawResponse> {
  return sandboxRequest(sandbox, method, `${path}${path.includes("?") ? "&" : "?"}api-version=2026-07-01`, { body });
}

/** Seeds an app whose user-supplied configuration and template are those of an example response. */
function seedFromExample(body: JsonObject, mode: "Single" | "Multiple" = "Single"): void {
  const properties = obj(body.properties);
  const configuration = obj(properties.configuration);
  const template = obj(properties.template);
  const identity = body.identity === undefined ? undefined : obj(body.identity);
  sandbox.apps.seedApp({
    ...ref,
    location: str(body.location),
    workloadProfileName: str(properties.workloadProfileName),
    activeRevisionsMode: mode,
    containers: template.containers as ContainerSpec[],
    initContainers: template.initContainers as ContainerSpec[] | undefined,
    template: pick(template, ["scale", "volumes", "serviceBinds"]),
    ingress: obj(configuration.ingress),
    configuration: pick(configuration, ["dapr", "runtime", "maxInactiveRevisions", "service", "identitySettings"]),
    identity: identity
      ? { type: identity.type!, userAssignedIdentities: Object.fromEntries(Object.keys(obj(identity.userAssignedIdentities)).map((id) => [id, {}])) }
      : undefined,
  });
}

/** Seeds an app whose template is the Revisions example's revision template. */
function seedFromRevisionExample(mode: "Single" | "Multiple" = "Single"): void {
  const template = obj(obj(exampleBody("Revisions_Get").properties).template);
  sandbox.apps.seedApp({ ...ref, activeRevisionsMode: mode, revisionSuffix: "pjxhsye", containers: template.containers as ContainerSpec[], template: { scale: template.scale! } });
}

describe("shape of Container Apps responses vs the official examples", () => {
  it("ContainerApps_Get", async () => {
    const expected = exampleBody("ContainerApps_Get");
    seedFromExample(expected);
    const reply = await call("GET", appPath);
    expect(reply.status).toBe(200);
    expectSameShape(reply.json, expected, { ignore: appSpecExtras });
  });

  it("ContainerApps_Get 404 has the ARM error shape", async () => {
    const reply = await call("GET", appPath);
    expect(reply.status).toBe(404);
    expectSameShape(reply.json, { error: { code: "ResourceNotFound", message: "…" } });
  });

  it("ContainerApps_Patch: 202 with azure-asyncoperation, then the app body", async () => {
    const expected = exampleBody("ContainerApps_Patch");
    seedFromExample(expected);
    const accepted = await call("PATCH", appPath, {
      location: "East US",
      properties: { template: { revisionSuffix: "v2", containers: [{ name, image: "repo/testcontainerapp0:v5" }] } },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.text).toBe("");
    const exampleHeader = exampleResponse("ContainerApps_Patch", "202")!.headers!["azure-asyncoperation"]!;
    const headerShape = (url: string): string => new URL(url).pathname.replace(/[0-9a-f-]{36}/g, "<guid>").replace(/containerappOperation(Results|Statuses)/, "containerappOperation*");
    expect(headerShape(String(accepted.headers["azure-asyncoperation"]))).toBe(headerShape(exampleHeader));
    await clock.advance(5_000);
    const result = new URL(String(accepted.headers.location));
    const final = await sandboxRequest(sandbox, "GET", result.pathname + result.search);
    expect(final.status).toBe(200);
    // The Patch example has no identity block; Azure returns `identity: { type: "None" }` for such apps.
    // Its scale omits the cooldownPeriod/pollingInterval defaults the Get example shows.
    const ignore = [...appSpecExtras, "identity", "properties.template.revisionSuffix", ...scaleDefaults.map((field) => `properties.template.scale.${field}`)];
    expectSameShape(final.json, expected, { ignore });
  });

  it("Revisions_Get", async () => {
    seedFromRevisionExample();
    const reply = await call("GET", `${appPath}/revisions/${name}--pjxhsye`);
    expect(reply.status).toBe(200);
    const ignore = [...revisionSpecExtras, ...scaleDefaults.map((field) => `properties.template.scale.${field}`)];
    expectSameShape(reply.json, exampleBody("Revisions_Get"), { ignore });
  });

  it("Revisions_List", async () => {
    seedFromRevisionExample();
    const reply = await call("GET", `${appPath}/revisions`);
    expect(reply.status).toBe(200);
    // The List example's item also leaves out runningState, which its Get example shows.
    const ignore = [...revisionSpecExtras, "properties.runningState", ...scaleDefaults.map((field) => `properties.template.scale.${field}`)].map((path) => `value[].${path}`);
    expectSameShape(reply.json, exampleBody("Revisions_List"), { ignore });
  });

  it("Revisions_Restart, Revisions_Activate and Deactivate: 200 with no body", async () => {
    seedFromRevisionExample("Multiple");
    for (const exampleName of ["Revisions_Restart", "Revisions_Activate"]) expect(exampleResponse(exampleName, "200")).toEqual({});
    const revision = `${appPath}/revisions/${name}--pjxhsye`;
    for (const action of ["restart", "deactivate", "activate"]) {
      const reply = await call("POST", `${revision}/${action}`);
      expect({ action, status: reply.status, body: reply.text }).toEqual({ action, status: 200, body: "" });
    }
  });
});
