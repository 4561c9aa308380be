/**
 * Response bodies of the Container Apps provider against the official examples: the same field set
 * with the same JSON types (values differ). Extras are allowed only where the spec declares a field
 * the example leaves out (each listed below with the reason).
 */
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import type { SandboxReply } from "../../../src/sandbox/kernel/types.js";
import { createContainerAppsProvider, type ContainerAppsProvider, type ContainerSpec } from "../../../src/sandbox/providers/containerApps/index.js";
import type { JsonObject } from "../../../src/sandbox/providers/containerApps/json.js";
import { shapeDifferences } from "./fieldShape.js";
import { dispatch, testContext } from "./localDispatch.js";

interface Example {
  responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
}

function example(name: string): Example {
  return JSON.parse(readFileSync(new URL(`./examples/${name}.json`, import.meta.url), "utf8")) as Example;
}

function exampleBody(name: string, status = "200"): JsonObject {
  const body = example(name).responses[status]?.body;
  if (typeof body !== "object" || body === null) throw new Error(`${name} has no ${status} body`);
  return body as JsonObject;
}

function obj(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("expected an object");
  return value as JsonObject;
}

function pick(source: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]!]));
}

/** Spec-declared app fields the Get/Patch examples omit but Azure returns (and the orchestrator reads). */
const appSpecExtras = ["$.properties.environmentId", "$.properties.latestRevisionName", "$.properties.configuration.activeRevisionsMode"];
/** Spec-declared revision fields the Revisions examples omit; the orchestrator needs them to judge a revision. */
const revisionSpecExtras = ["$.properties.provisioningState", "$.properties.healthState"];
/** Scale fields Azure fills with defaults (300 s / 30 s) that the revision examples leave out. */
const scaleDefaults = ["cooldownPeriod", "pollingInterval"];

const subscriptionId = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const resourceGroup = "rg";
const name = "testcontainerapp0";
const ref = { subscriptionId, resourceGroup, name };
const appPath = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/containerApps/${name}`;

let context: ReturnType<typeof testContext>;
let provider: ContainerAppsProvider;

async function call(method: "GET" | "PATCH" | "POST", path: string, body?: unknown): Promise<SandboxReply> {
  return dispatch(provider.routes, context, method, `${path}${path.includes("?") ? "&" : "?"}api-version=2026-07-01`, body);
}

/** Seeds an app whose user-supplied configuration and template are those of an example response. */
function seedFromExample(body: JsonObject, mode: "Single" | "Multiple" = "Single"): void {
  const properties = obj(body.properties);
  const configuration = obj(properties.configuration);
  const template = obj(properties.template);
  const identity = body.identity === undefined ? undefined : obj(body.identity);
  provider.seedApp({
    ...ref,
    location: String(body.location),
    workloadProfileName: String(properties.workloadProfileName),
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
  provider.seedApp({ ...ref, activeRevisionsMode: mode, revisionSuffix: "pjxhsye", containers: template.containers as ContainerSpec[], template: { scale: template.scale! } });
}

beforeEach(() => {
  context = testContext();
  provider = createContainerAppsProvider(context);
});

describe("shape of Container Apps responses vs the official examples", () => {
  it("ContainerApps_Get", async () => {
    const expected = exampleBody("ContainerApps_Get");
    seedFromExample(expected);
    const reply = await call("GET", appPath);
    expect(reply.status).toBe(200);
    expect(shapeDifferences(reply.body, expected, appSpecExtras)).toEqual([]);
  });

  it("ContainerApps_Get 404 has the ARM error shape", async () => {
    const reply = await call("GET", appPath);
    expect(reply.status).toBe(404);
    expect(shapeDifferences(reply.body, { error: { code: "ResourceNotFound", message: "…" } })).toEqual([]);
  });

  it("ContainerApps_Patch: 202 with azure-asyncoperation, then the app body", async () => {
    const expected = exampleBody("ContainerApps_Patch");
    seedFromExample(expected);
    const accepted = await call("PATCH", appPath, {
      location: "East US",
      properties: { template: { revisionSuffix: "v2", containers: [{ name, image: "repo/testcontainerapp0:v5" }] } },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toBeUndefined();
    const exampleHeader = example("ContainerApps_Patch").responses["202"]!.headers!["azure-asyncoperation"]!;
    const headerShape = (url: string): string => new URL(url).pathname.replace(/[0-9a-f-]{36}/g, "<guid>").replace(/containerappOperation(Results|Statuses)/, "containerappOperation*");
    expect(headerShape(accepted.headers!["azure-asyncoperation"]!)).toBe(headerShape(exampleHeader));
    await context.clock.advance(5_000);
    const result = new URL(accepted.headers!.location!);
    const final = await dispatch(provider.routes, context, "GET", result.pathname + result.search);
    expect(final.status).toBe(200);
    // The Patch example has no identity block; Azure returns `identity: { type: "None" }` for such apps.
    // Its scale omits the cooldownPeriod/pollingInterval defaults the Get example shows.
    const extras = [...appSpecExtras, "$.identity", "$.properties.template.revisionSuffix", ...scaleDefaults.map((field) => `$.properties.template.scale.${field}`)];
    expect(shapeDifferences(final.body, expected, extras)).toEqual([]);
  });

  it("Revisions_Get", async () => {
    seedFromRevisionExample();
    const reply = await call("GET", `${appPath}/revisions/${name}--pjxhsye`);
    expect(reply.status).toBe(200);
    const extras = [...revisionSpecExtras, ...scaleDefaults.map((field) => `$.properties.template.scale.${field}`)];
    expect(shapeDifferences(reply.body, exampleBody("Revisions_Get"), extras)).toEqual([]);
  });

  it("Revisions_List", async () => {
    seedFromRevisionExample();
    const reply = await call("GET", `${appPath}/revisions`);
    expect(reply.status).toBe(200);
    // The List example's item also leaves out runningState, which its Get example shows.
    const item = "$.value[]";
    const extras = [...revisionSpecExtras, "$.properties.runningState", ...scaleDefaults.map((field) => `$.properties.template.scale.${field}`)].map((path) => path.replace("$", item));
    expect(shapeDifferences(reply.body, exampleBody("Revisions_List"), extras)).toEqual([]);
  });

  it("Revisions_Restart, Revisions_Activate and Deactivate: 200 with no body", async () => {
    seedFromRevisionExample("Multiple");
    for (const exampleName of ["Revisions_Restart", "Revisions_Activate"]) expect(example(exampleName).responses["200"]?.body).toBeUndefined();
    const revision = `${appPath}/revisions/${name}--pjxhsye`;
    expect(await call("POST", `${revision}/restart`)).toEqual({ status: 200 });
    expect(await call("POST", `${revision}/deactivate`)).toEqual({ status: 200 });
    expect(await call("POST", `${revision}/activate`)).toEqual({ status: 200 });
  });
});
