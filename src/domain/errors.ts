/**
 * Error types the product raises. Each keeps what an operator needs to chase a failure in Azure:
 * the ARM error code and the `x-ms-correlation-request-id` of the failing call.
 */

/** One problem with a setting or a configuration document, located by a JSON pointer. */
export interface ConfigurationIssue {
  /** JSON pointer (RFC 6901) into the settings or document, e.g. `/ACA_ROLLOUT_MODE`. */
  path: string;
  message: string;
}

/** Settings or configuration that cannot be used; carries every issue, not just the first. */
export class ConfigurationError extends Error {
  constructor(readonly issues: ConfigurationIssue[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.path || "/"} ${i.message}`).join("; ")}`);
    this.name = "ConfigurationError";
  }
}

/** A failed Azure call, reduced to what is safe to record in status and logs. */
export class AzureCallError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly armCode: string | undefined,
    readonly correlationId: string | undefined,
  ) {
    super(message);
    this.name = "AzureCallError";
  }
}
