/**
 * The image check Azure makes before it provisions a revision: every container (and init container)
 * image of the new revision must be pullable. For registries the sandbox serves (its ACR registries
 * and data plane), it asks that data plane, with the app's registry credentials; images elsewhere
 * (Docker Hub, a registry the sandbox does not play) pass, as before.
 *
 * Azure's answer is not a 400 on the write: the write is accepted and its long-running operation
 * ends `Failed` with `ContainerAppOperationError`, "Failed to provision revision for container app
 * '<app>'. Error details: The following field(s) are either invalid or missing. Field
 * 'template.containers.<name>.image' is invalid with details: 'Invalid value: "<image>": GET https::
 * MANIFEST_UNKNOWN: manifest tagged by "<tag>" is not found; map[Tag:<tag>]';." (sources:
 * Azure-Samples/call-center-voice-agent-accelerator#3, Azure/azure-cli#30053,
 * hashicorp/terraform-provider-azurerm#29228), and the registry's `UNAUTHORIZED` in the same place
 * when the app has no pull rights. No revision appears (microsoft/azure-container-apps#670), and
 * the app's `provisioningState` is `Failed` until its next successful write.
 */
import type { JsonObject } from "./json.js";
import { arrayAt, isJsonObject, stringAt } from "./json.js";

/** The registries the check asks: the sandbox's ACR data plane. */
export interface ImageRegistries {
  /** Whether the sandbox serves this login server (lowercase host). */
  serves(loginServer: string): boolean;
  /** Whether `repository` has a manifest for `reference` (a tag or a `sha256:` digest). */
  hasManifest(loginServer: string, repository: string, reference: string): Promise<boolean>;
}

/** Why a write's long-running operation fails: the ARM error its status carries. */
export interface WriteFailure {
  code: string;
  message: string;
}

/** An image reference split as a registry client splits it. */
interface ImageParts {
  host: string;
  repository: string;
  reference: string;
  byDigest: boolean;
}

/** Splits `host/repo[:tag][@digest]`; undefined for images without a registry host (Docker Hub). */
export function splitImage(image: string): ImageParts | undefined {
  const slash = image.indexOf("/");
  if (slash <= 0) return undefined;
  const host = image.slice(0, slash);
  if (!host.includes(".") && !host.includes(":") && host !== "localhost") return undefined;
  let rest = image.slice(slash + 1);
  const at = rest.indexOf("@");
  if (at >= 0) return { host: host.toLowerCase(), repository: rest.slice(0, at).replace(/:[^/]*$/, ""), reference: rest.slice(at + 1), byDigest: true };
  const colon = rest.lastIndexOf(":");
  let tag = "latest";
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { host: host.toLowerCase(), repository: rest, reference: tag, byDigest: false };
}

/** Whether the app's `configuration.registries` gives it credentials for `host` (an identity, or a user and a password secret). */
function hasCredentials(configuration: JsonObject, host: string): boolean {
  return (arrayAt(configuration, "registries") ?? []).some((entry) => {
    if (!isJsonObject(entry) || stringAt(entry, "server")?.toLowerCase() !== host) return false;
    return Boolean(stringAt(entry, "identity")) || (Boolean(stringAt(entry, "username")) && Boolean(stringAt(entry, "passwordSecretRef")));
  });
}

function invalidImage(appName: string, field: string, image: string, registryAnswer: string): WriteFailure {
  return {
    code: "ContainerAppOperationError",
    message:
      `Failed to provision revision for container app '${appName}'. Error details: The following field(s) are either invalid or missing. ` +
      `Field '${field}' is invalid with details: 'Invalid value: "${image}": GET https:: ${registryAnswer}';.`,
  };
}

/** The failure Azure would give a revision with this template, or undefined when every image can be pulled. */
export async function imagePullFailure(registries: ImageRegistries, appName: string, template: JsonObject, configuration: JsonObject): Promise<WriteFailure | undefined> {
  const containers = [
    ...(arrayAt(template, "initContainers") ?? []).map((container) => ({ container, field: "template.initContainers" })),
    ...(arrayAt(template, "containers") ?? []).map((container) => ({ container, field: "template.containers" })),
  ];
  for (const { container, field } of containers) {
    if (!isJsonObject(container)) continue;
    const image = stringAt(container, "image");
    const parts = image ? splitImage(image) : undefined;
    if (!image || !parts || !registries.serves(parts.host)) continue;
    const name = stringAt(container, "name") ?? "";
    if (!hasCredentials(configuration, parts.host)) {
      return invalidImage(appName, `${field}.${name}.image`, image, "UNAUTHORIZED: authentication required, visit https://aka.ms/acr/authorization for more information.; map[]");
    }
    if (!(await registries.hasManifest(parts.host, parts.repository, parts.reference))) {
      const answer = parts.byDigest
        ? `MANIFEST_UNKNOWN: manifest ${parts.reference} is not found; map[Digest:${parts.reference}]`
        : `MANIFEST_UNKNOWN: manifest tagged by "${parts.reference}" is not found; map[Tag:${parts.reference}]`;
      return invalidImage(appName, `${field}.${name}.image`, image, answer);
    }
  }
  return undefined;
}
