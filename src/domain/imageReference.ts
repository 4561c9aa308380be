/**
 * OCI image references, parsed and formatted per the distribution reference grammar
 * (github.com/distribution/reference): `registry[:port]/path/to/repo[:tag][@sha256:<64 hex>]`.
 * Deploys always pin an image by digest, so formatting by digest is the common case; the
 * validators are shared with the deploy-input schema so both report the same messages.
 * IPv6 registry hosts (`[::1]:5000`) are not supported: Azure registries never use them.
 */

/** One path component of a repository: lowercase alphanumerics joined by `.`, `_`, `__` or runs of `-`. */
export const REPOSITORY_COMPONENT_PATTERN = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
/** A tag: up to 128 word characters, dots and dashes, not starting with a dot or dash. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** A sha256 digest; the only algorithm registries hand out for manifests today. */
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
/** Distribution's limit on a repository name. */
export const MAX_REPOSITORY_LENGTH = 255;

// A registry host: DNS-ish labels separated by dots, optionally with a port.
const HOST_LABEL = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
const PORT = /^[0-9]{1,5}$/;

/** A parsed image reference; at least the registry and repository are always present. */
interface ImageReference {
  /** Registry host, with `:port` when one was given, e.g. `myregistry.azurecr.io`. */
  registry: string;
  /** Repository path below the registry, e.g. `team/api`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** An image reference that does not follow the grammar; the message names the offending part. */
class InvalidImageReferenceError extends Error {
  constructor(
    readonly reference: string,
    readonly problem: string,
  ) {
    super(`Invalid image reference ${JSON.stringify(reference)}: ${problem}`);
    this.name = "InvalidImageReferenceError";
  }
}

/** Why `host` is not a registry host (`name[.name...][:port]`), or undefined when it is one. */
export function registryHostProblem(host: string): string | undefined {
  if (host.length === 0) return "registry host is empty";
  if (host.length > 253 + 6) return "registry host is longer than 259 characters";
  const colon = host.lastIndexOf(":");
  const name = colon === -1 ? host : host.slice(0, colon);
  if (colon !== -1) {
    const port = host.slice(colon + 1);
    if (!PORT.test(port) || Number(port) < 1 || Number(port) > 65535) return `registry port ${JSON.stringify(port)} is not a number from 1 to 65535`;
  }
  if (name.length === 0 || name.length > 253) return "registry host name must be 1-253 characters";
  for (const label of name.split(".")) {
    if (!HOST_LABEL.test(label)) {
      return `registry host ${JSON.stringify(host)} is not a host name (letters, digits and inner dashes per label, labels joined by dots, optional :port)`;
    }
  }
  return undefined;
}

/** Why `repository` is not a repository path, or undefined when it is one. */
export function repositoryProblem(repository: string): string | undefined {
  if (repository.length === 0) return "repository is empty";
  if (repository.length > MAX_REPOSITORY_LENGTH) return `repository is longer than ${MAX_REPOSITORY_LENGTH} characters`;
  const components = repository.split("/");
  for (const component of components) {
    if (!REPOSITORY_COMPONENT_PATTERN.test(component)) {
      return component.length === 0
        ? "repository has an empty path component (leading, trailing or doubled '/')"
        : `repository path component ${JSON.stringify(component)} must be lowercase letters and digits, separated by '.', '_', '__' or dashes`;
    }
  }
  return undefined;
}

/** Why `tag` is not a tag, or undefined when it is one. */
export function tagProblem(tag: string): string | undefined {
  if (TAG_PATTERN.test(tag)) return undefined;
  if (tag.length === 0) return "tag is empty";
  if (tag.length > 128) return "tag is longer than 128 characters";
  return `tag ${JSON.stringify(tag)} must be letters, digits, '_', '.' or '-', not starting with '.' or '-'`;
}

/** Why `digest` is not a sha256 digest, or undefined when it is one. */
export function digestProblem(digest: string): string | undefined {
  if (DIGEST_PATTERN.test(digest)) return undefined;
  return `digest ${JSON.stringify(digest)} must be "sha256:" followed by 64 lowercase hex digits`;
}

/** Formats a reference back to text; with both a tag and a digest it keeps both (`repo:tag@digest`). */
function formatImageReference(reference: ImageReference): string {
  const problems = [registryHostProblem(reference.registry), repositoryProblem(reference.repository)];
  if (reference.tag !== undefined) problems.push(tagProblem(reference.tag));
  if (reference.digest !== undefined) problems.push(digestProblem(reference.digest));
  const text = `${reference.registry}/${reference.repository}${reference.tag !== undefined ? `:${reference.tag}` : ""}${reference.digest !== undefined ? `@${reference.digest}` : ""}`;
  if (reference.registry.length + 1 + reference.repository.length > MAX_REPOSITORY_LENGTH) {
    problems.push(`registry and repository together are longer than ${MAX_REPOSITORY_LENGTH} characters`);
  }
  const problem = problems.find((p) => p !== undefined);
  if (problem) throw new InvalidImageReferenceError(text, problem);
  return text;
}

/** `<loginServer>/<repository>@sha256:…`: the immutable reference a Container App is deployed with. */
export function formatByDigest(loginServer: string, repository: string, digest: string): string {
  return formatImageReference({ registry: loginServer, repository, digest });
}
