/**
 * Where the sandbox serves each registry's data plane, and the naming rules it enforces.
 *
 * Every registry lives under its own path prefix on the sandbox's HTTPS origin:
 * `https://127.0.0.1:<port>/registries/<loginServer>`. `@azure/container-registry` keeps a path in its
 * endpoint (core-client appends operation paths to the endpoint's path, and upload `Location`s are
 * resolved against the endpoint too), so one origin can serve many login servers, and the challenge's
 * `service` names the registry before the client holds a token. The product maps login servers to these
 * URLs with `ACA_ROLLOUT_REGISTRY_ENDPOINTS`; on Azure the endpoint is simply `https://<loginServer>`.
 */

/** Path prefix under which each registry's data plane is served (followed by `/<loginServer>`). */
export const REGISTRY_PATH_PREFIX = "/registries";

/** The data-plane endpoint of `loginServer` on a sandbox served at `origin`. */
export function registryEndpoint(origin: string, loginServer: string): string {
  return `${origin.replace(/\/+$/, "")}${REGISTRY_PATH_PREFIX}/${normalizeLoginServer(loginServer)}`;
}

/** The value of `ACA_ROLLOUT_REGISTRY_ENDPOINTS` for these login servers on a sandbox at `origin`. */
export function registryEndpointsSetting(origin: string, loginServers: readonly string[]): string {
  return JSON.stringify(Object.fromEntries(loginServers.map((server) => [normalizeLoginServer(server), registryEndpoint(origin, server)])));
}

/** Login servers are host names, compared case-insensitively. */
export function normalizeLoginServer(loginServer: string): string {
  return loginServer.trim().toLowerCase();
}

// One path component of a repository name, as the Distribution spec defines it.
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const LOGIN_SERVER = new RegExp(`^${COMPONENT}$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Whether `name` is a valid repository name (lowercase components separated by `/`). */
export function isValidRepositoryName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && REPOSITORY_NAME.test(name);
}

/** Whether `loginServer` (normalized) can name a registry here: a host name that is also a path component. */
export function isValidLoginServer(loginServer: string): boolean {
  return loginServer.length <= 253 && LOGIN_SERVER.test(loginServer);
}

/** Whether `tag` is a valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}
