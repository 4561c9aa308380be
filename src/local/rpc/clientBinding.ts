/**
 * The durable client input binding: the JSON the Durable extension hands a function that declared
 * `df.input.durableClient()`, which `df.getClient(context)` turns into a `DurableClient`. It names the
 * task hub, the public webhook URLs (for `createCheckStatusResponse`) and `rpcBaseUrl`, the loopback
 * endpoint every client call actually goes to.
 */

/** Webhook URL templates for starting instances. */
export interface CreationUrls {
  createNewInstancePostUri: string;
  createAndWaitOnNewInstancePostUri: string;
}

/** Webhook URL templates for one instance; `id` is the placeholder the client replaces. */
export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

/** The binding data, field for field as the extension produces it. */
export interface DurableClientBindingData {
  taskHubName: string;
  creationUrls: CreationUrls;
  managementUrls: ManagementUrls;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
  httpBaseUrl: string;
}

/** What the binding is built from. */
export interface DurableClientBindingOptions {
  /** Public origin of the HTTP host, e.g. `http://127.0.0.1:7071`. */
  hostOrigin: string;
  /** The rpc endpoint, ending in `/`, e.g. `http://127.0.0.1:50123/durabletask/`. */
  rpcBaseUrl: string;
  taskHub: string;
  /** The system key the webhooks require (`code=`). */
  systemKey: string;
  /** Storage connection name; the extension's default is `Storage`. */
  connectionName?: string;
}

/** The webhook root under the host, as in Azure. */
export const DURABLE_WEBHOOK_PATH = "/runtime/webhooks/durabletask";

/** The placeholder the extension puts where an instance id goes. */
export const INSTANCE_ID_PLACEHOLDER = "INSTANCEID";

/** Management links for one instance under `origin` (the extension's `GetClientResponseLinks`). */
export function managementUrlsFor(origin: string, instanceId: string, options: Omit<DurableClientBindingOptions, "hostOrigin" | "rpcBaseUrl">): ManagementUrls {
  const prefix = `${origin}${DURABLE_WEBHOOK_PATH}/instances/${instanceId === INSTANCE_ID_PLACEHOLDER ? instanceId : encodeURIComponent(instanceId)}`;
  const query = `taskHub=${encodeURIComponent(options.taskHub)}&connection=${encodeURIComponent(options.connectionName ?? "Storage")}&code=${encodeURIComponent(options.systemKey)}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${prefix}?${query}`,
    sendEventPostUri: `${prefix}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${prefix}/terminate?reason={text}&${query}`,
    rewindPostUri: `${prefix}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${prefix}?${query}`,
    restartPostUri: `${prefix}/restart?${query}`,
    suspendPostUri: `${prefix}/suspend?reason={text}&${query}`,
    resumePostUri: `${prefix}/resume?reason={text}&${query}`,
  };
}

/** Builds the binding data once; it is the same for every invocation. */
export function buildDurableClientBinding(options: DurableClientBindingOptions): DurableClientBindingData {
  const baseUrl = `${options.hostOrigin}${DURABLE_WEBHOOK_PATH}`;
  const code = `code=${encodeURIComponent(options.systemKey)}`;
  const instancePrefix = `${baseUrl}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: options.taskHub,
    creationUrls: {
      createNewInstancePostUri: `${instancePrefix}?${code}`,
      createAndWaitOnNewInstancePostUri: `${instancePrefix}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${code}`,
    },
    managementUrls: managementUrlsFor(options.hostOrigin, INSTANCE_ID_PLACEHOLDER, options),
    baseUrl,
    requiredQueryStringParameters: code,
    rpcBaseUrl: options.rpcBaseUrl,
    httpBaseUrl: baseUrl,
  };
}

/** Whether a binding is the durable client input (`df.input.durableClient()` or the legacy name). */
export function isDurableClientInput(input: { type?: string | null }): boolean {
  return input.type === "durableClient" || input.type === "orchestrationClient";
}
