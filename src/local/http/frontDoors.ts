/**
 * Opens the local runtime's two listeners — the public HTTP host and the loopback rpc endpoint — and
 * builds the durable client binding that points at them. Listeners open first (so the binding knows
 * their ports), the engine is connected afterwards; until then both answer 503.
 */
import type { OrchestrationEngine } from "../engine/api.js";
import { buildDurableClientBinding, type DurableClientBindingData } from "../rpc/clientBinding.js";
import type { FunctionRegistry } from "../worker/functionRegistry.js";
import { DurableApi } from "../rpc/durableApi.js";
import type { RpcFaults } from "../rpc/rpcFaults.js";
import { startRpcServer } from "../rpc/rpcServer.js";
import { deriveSystemKey, DURABLE_SYSTEM_KEY_NAME, type HostKeys } from "./hostKeys.js";
import type { HttpFunctionSpec } from "./httpFunction.js";
import { startHttpHost } from "./httpHost.js";
import { EVENT_GRID_SYSTEM_KEY_NAME, type EventGridFunctions } from "../eventGrid/eventGridWebhook.js";
import type { FunctionLogger } from "./invokeHttpFunction.js";
import type { RequestLogger } from "./requestLog.js";

/** How to open the front doors. */
export interface FrontDoorOptions {
  functions: readonly HttpFunctionSpec[];
  /** Function key(s) and optional master key; the Durable system key is derived from them when not given. */
  keys: HostKeys;
  taskHub: string;
  routePrefix?: string;
  /** HTTP host port; 0 picks a free one. */
  port?: number;
  log: FunctionLogger;
  /** Faults the rpc endpoint answers with (rehearsals and tests). */
  rpcFaults?: RpcFaults;
  /** Told about every request the HTTP host answers. */
  requestLog?: RequestLogger;
}

/** The opened listeners. */
export interface FrontDoors {
  /** `http://127.0.0.1:<port>` of the HTTP host. */
  readonly url: string;
  /** The rpc endpoint `df.getClient` calls, ending in `/`. */
  readonly rpcBaseUrl: string;
  /** The key the public Durable webhooks accept (`code=`). */
  readonly systemKey: string;
  /** The key the Event Grid webhook accepts (`eventgrid_extension`; `code=` or `x-functions-key`). */
  readonly eventGridKey: string;
  /** The durable client binding every function with `df.input.durableClient()` receives. */
  readonly binding: DurableClientBindingData;
  /** Starts serving requests with `engine`; `isOrchestrator` says which names `startNew` may use. */
  connect(engine: OrchestrationEngine, registry: FunctionRegistry, eventGrid?: EventGridFunctions): void;
  /** Closes both listeners. */
  close(): Promise<void>;
}

/** Opens the HTTP host and the rpc endpoint on loopback. */
export async function openFrontDoors(options: FrontDoorOptions): Promise<FrontDoors> {
  const hostSecret = options.keys.masterKey ?? options.keys.functionKeys[0] ?? "";
  const systemKey = options.keys.systemKeys?.[DURABLE_SYSTEM_KEY_NAME] ?? deriveSystemKey(hostSecret, DURABLE_SYSTEM_KEY_NAME);
  const eventGridKey = options.keys.systemKeys?.[EVENT_GRID_SYSTEM_KEY_NAME] ?? deriveSystemKey(hostSecret, EVENT_GRID_SYSTEM_KEY_NAME);
  const keys: HostKeys = { ...options.keys, systemKeys: { ...options.keys.systemKeys, [DURABLE_SYSTEM_KEY_NAME]: systemKey, [EVENT_GRID_SYSTEM_KEY_NAME]: eventGridKey } };

  const http = await startHttpHost({ functions: options.functions, routePrefix: options.routePrefix, keys, port: options.port, log: options.log, requestLog: options.requestLog });
  let rpc;
  try {
    rpc = await startRpcServer({ faults: options.rpcFaults });
  } catch (error) {
    await http.close();
    throw error;
  }
  const binding = buildDurableClientBinding({ hostOrigin: http.origin, rpcBaseUrl: rpc.rpcBaseUrl, taskHub: options.taskHub, systemKey });
  const logError = (message: string, error: unknown): void =>
    options.log({ level: "error", functionName: "DurableTask", invocationId: "", message: `${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });

  return {
    url: http.origin,
    rpcBaseUrl: rpc.rpcBaseUrl,
    systemKey,
    eventGridKey,
    binding,
    connect(engine, registry, eventGrid) {
      const isOrchestrator = (name: string): boolean => registry.orchestration(name) !== undefined;
      const api = new DurableApi(engine, { taskHub: options.taskHub, systemKey, isOrchestrator, logError });
      rpc.attach(api);
      http.attach({ registry, durableApi: api, eventGrid });
    },
    async close() {
      await Promise.all([http.close(), rpc.close()]);
    },
  };
}
