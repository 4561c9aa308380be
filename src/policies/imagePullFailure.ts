/**
 * Reads Azure's "image cannot be pulled" failure out of a failed write's ARM message, and words it
 * for the deploy's reason. Azure accepts the PATCH, then ends its operation with
 * `ContainerAppOperationError`: "… Field 'template.containers.<name>.image' is invalid with details:
 * 'Invalid value: "<image>": GET https:: MANIFEST_UNKNOWN: …'" (or `UNAUTHORIZED` without pull
 * rights), and creates no revision.
 */

/** What the message says: which container's image, and the registry's error code. */
export interface ImagePullFailure {
  container: string;
  image: string;
  /** The image's registry host. */
  registry: string;
  /** The registry's error code, e.g. `MANIFEST_UNKNOWN`, `UNAUTHORIZED`. */
  registryCode: string;
}

const PULL_FAILURE = /Field 'template\.(?:containers|initContainers)\.([^']+?)\.image' is invalid with details: 'Invalid value: "([^"]+)": [A-Z]+ [^:]*:: ([A-Z_]+)\b/;

/** The image pull failure an ARM error message describes, or undefined for any other failure. */
export function parseImagePullFailure(message: string): ImagePullFailure | undefined {
  const match = PULL_FAILURE.exec(message);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const image = match[2];
  return { container: match[1], image, registry: image.slice(0, Math.max(0, image.indexOf("/"))) || image, registryCode: match[3] };
}

/** The failure in a sentence: "image … not found in registry …" for a missing manifest, else why it cannot be pulled. */
export function describeImagePullFailure(failure: ImagePullFailure): string {
  const where = `(container '${failure.container}')`;
  if (failure.registryCode === "MANIFEST_UNKNOWN") return `image ${failure.image} not found in registry ${failure.registry} ${where}`;
  if (failure.registryCode === "UNAUTHORIZED") return `image ${failure.image} cannot be pulled: the app has no credentials for registry ${failure.registry} (UNAUTHORIZED) ${where}`;
  return `image ${failure.image} cannot be pulled from registry ${failure.registry} (${failure.registryCode}) ${where}`;
}
