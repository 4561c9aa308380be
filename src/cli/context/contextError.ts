/** A build context that cannot be packed (missing Dockerfile, a link out of the context): a usage error, exit code 2. */
export class ContextError extends Error {
  override readonly name = "ContextError";
}
