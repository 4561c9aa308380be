import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it } from "vitest";
import { allTrafficOn } from "../../src/activities/moveTraffic.js";
import { failureOrThrow, redactUrls, registryErrorCode } from "../../src/activities/azureErrors.js";
import { chooseContainer } from "../../src/activities/inspectTarget.js";
import { decodeTail } from "../../src/activities/readBuildLogTail.js";
import { activityServices, resetActivityServices } from "../../src/activities/services.js";
import { smokeUrl } from "../../src/activities/smokeRequest.js";
import { resetSettingsCache } from "../../src/config/settings.js";
import { AzureCallError, ConfigurationError } from "../../src/domain/errors.js";

const SAS = "https://acrtasks.blob.core.windows.net/acr-logs/logs/ca1/rawtext.log?sv=2024-08-04&se=2026-03-01T01%3A00%3A00Z&sr=b&sp=r&sig=c2VjcmV0c2lnbmF0dXJl";

function restError(status: number, message: string, body?: unknown, headers: Record<string, string> = {}): RestError {
  const request = createPipelineRequest({ url: SAS });
  return new RestError(message, {
    statusCode: status,
    request,
    response: { status, headers: createHttpHeaders(headers), request, bodyAsText: body === undefined ? undefined : JSON.stringify(body) },
  });
}

describe("error classification", () => {
  it("redacts URL query strings and stray signatures", () => {
    expect(redactUrls(`GET ${SAS} failed`)).toBe("GET https://acrtasks.blob.core.windows.net/acr-logs/logs/ca1/rawtext.log?<redacted> failed");
    expect(redactUrls("token sig=abc%2Bdef&x=1")).toBe("token sig=<redacted>&x=1");
  });

  it("keeps status, code and correlation id of an expected failure, without the SAS URL", () => {
    const failure = failureOrThrow(restError(403, `This request is not authorized: ${SAS}`, undefined, { "x-ms-correlation-request-id": "corr-1", "x-ms-error-code": "AuthorizationPermissionMismatch" }), "download the log");
    expect(failure).toEqual({
      code: "AuthorizationPermissionMismatch",
      message: "download the log failed: This request is not authorized: https://acrtasks.blob.core.windows.net/acr-logs/logs/ca1/rawtext.log?<redacted>",
      statusCode: 403,
      correlationId: "corr-1",
    });
  });

  it("throws an AzureCallError for transient faults, also without the SAS URL", () => {
    let thrown: unknown;
    try {
      failureOrThrow(restError(503, `busy ${SAS}`), "download the log");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AzureCallError);
    expect((thrown as Error).message).toBe("download the log failed, retryable (status 503): busy https://acrtasks.blob.core.windows.net/acr-logs/logs/ca1/rawtext.log?<redacted>");
    expect(() => failureOrThrow(new TypeError("fetch failed"), "read")).toThrow(AzureCallError);
  });

  it("reads ACR's data-plane error code from the body", () => {
    expect(registryErrorCode(restError(404, "not found", { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] }))).toBe("MANIFEST_UNKNOWN");
    expect(registryErrorCode(restError(404, "not found"))).toBeUndefined();
    expect(registryErrorCode(new Error("x"))).toBeUndefined();
  });
});

describe("pure helpers", () => {
  it("drops a UTF-8 character split by the cut at the start of a log tail", () => {
    const text = Buffer.from("aé€😀z", "utf8");
    expect(decodeTail(text.subarray(2), true)).toBe("€😀z");
    expect(decodeTail(text.subarray(5), true)).toBe("😀z");
    expect(decodeTail(text.subarray(7), true)).toBe("z");
    expect(decodeTail(text, false)).toBe("aé€😀z");
  });

  it("builds smoke URLs directly or through the ingress proxy", () => {
    expect(smokeUrl("web--v2.env.eastus.azurecontainerapps.io", "/healthz?x=1", undefined)).toBe("https://web--v2.env.eastus.azurecontainerapps.io/healthz?x=1");
    expect(smokeUrl("web--v2.env.io", "/", "https://127.0.0.1:8443/_sandbox/ingress/")).toBe("https://127.0.0.1:8443/_sandbox/ingress/web--v2.env.io/");
  });

  it("recognizes traffic that already is 100% on one revision", () => {
    expect(allTrafficOn([{ revisionName: "web--v1", weight: 100 }], "WEB--V1")).toBe(true);
    expect(allTrafficOn([{ revisionName: "web--v1", weight: 100 }, { revisionName: "web--v2", weight: 0 }], "web--v1")).toBe(true);
    expect(allTrafficOn([{ latestRevision: true, weight: 100 }], "web--v1")).toBe(false);
    expect(allTrafficOn([{ revisionName: "web--v1", weight: 50 }, { revisionName: "web--v2", weight: 50 }], "web--v1")).toBe(false);
    expect(allTrafficOn(undefined, "web--v1")).toBe(false);
  });

  it("chooses the named container, or the only one", () => {
    const containers = [{ name: "web", image: "a" }];
    expect(chooseContainer(containers, undefined, "app")).toMatchObject({ ok: true, container: { name: "web" } });
    expect(chooseContainer([], undefined, "app")).toMatchObject({ ok: false, failure: { code: "ContainerAmbiguous", message: "Container app 'app' has no containers in its template." } });
  });
});

describe("activityServices", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetSettingsCache();
    resetActivityServices();
  });

  it("throws a ConfigurationError naming the bad setting, and builds once when settings are valid", () => {
    process.env.ACA_ROLLOUT_MODE = "sandbox";
    delete process.env.ACA_ROLLOUT_ARM_ENDPOINT;
    resetSettingsCache();
    resetActivityServices();
    expect(() => activityServices()).toThrow(ConfigurationError);
    expect(() => activityServices()).toThrow(/ACA_ROLLOUT_ARM_ENDPOINT/);

    process.env.ACA_ROLLOUT_MODE = "azure";
    process.env.ACA_ROLLOUT_INGRESS_PROXY = "https://proxy.example.com/";
    resetSettingsCache();
    resetActivityServices();
    const services = activityServices();
    expect(services.settings.ingressProxy).toBe("https://proxy.example.com");
    expect(activityServices()).toBe(services);
  });

  it("refuses a non-https ingress proxy", () => {
    process.env.ACA_ROLLOUT_MODE = "azure";
    process.env.ACA_ROLLOUT_INGRESS_PROXY = "http://proxy.example.com";
    resetSettingsCache();
    resetActivityServices();
    expect(() => activityServices()).toThrow(/ACA_ROLLOUT_INGRESS_PROXY/);
  });
});
