import { describe, expect, it } from "vitest";
import { describeImagePullFailure, parseImagePullFailure } from "../../src/policies/imagePullFailure.js";

// The message as Azure-Samples/call-center-voice-agent-accelerator#3 quotes it.
const AZURE =
  "Failed to provision revision for container app 'ca-vlatemplate-ptdmi'. Error details: The following field(s) are either invalid or missing. " +
  "Field 'template.containers.main.image' is invalid with details: 'Invalid value: \"vlatemplateptdmi.azurecr.io/voice-live-agent/app-voiceagent:latest\": " +
  "GET https:: MANIFEST_UNKNOWN: manifest tagged by \"latest\" is not found; map[Tag:latest]';..";

describe("image pull failure", () => {
  it("reads container, image, registry and registry code out of Azure's message", () => {
    const failure = parseImagePullFailure(AZURE);
    expect(failure).toEqual({ container: "main", image: "vlatemplateptdmi.azurecr.io/voice-live-agent/app-voiceagent:latest", registry: "vlatemplateptdmi.azurecr.io", registryCode: "MANIFEST_UNKNOWN" });
    expect(describeImagePullFailure(failure!)).toBe("image vlatemplateptdmi.azurecr.io/voice-live-agent/app-voiceagent:latest not found in registry vlatemplateptdmi.azurecr.io (container 'main')");
  });

  it("words UNAUTHORIZED as missing credentials, and ignores other failures", () => {
    const failure = parseImagePullFailure(AZURE.replace("MANIFEST_UNKNOWN: manifest tagged by \"latest\" is not found; map[Tag:latest]", "UNAUTHORIZED: authentication required; map[]"));
    expect(describeImagePullFailure(failure!)).toContain("the app has no credentials for registry vlatemplateptdmi.azurecr.io (UNAUTHORIZED)");
    expect(parseImagePullFailure("Failed to provision revision for container app 'web'. Error details: Operation expired.")).toBeUndefined();
  });
});
