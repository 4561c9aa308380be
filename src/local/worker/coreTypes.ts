/**
 * The shapes of the `@azure/functions-core` API the Node.js worker provides, written from its type
 * definitions (Azure/azure-functions-nodejs-library, types-core/index.d.ts): the RPC data the host
 * exchanges with the worker (RpcTypedData, RpcHttpData, RpcInvocationRequest/Response) and the
 * programming-model contract (`ProgrammingModel`, `InvocationModel`, `CoreInvocationContext`, hooks).
 * Only what the local runtime produces or reads is declared.
 */

/** Log levels of RpcLog. */
export type RpcLogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";
/** Log categories of RpcLog. */
export type RpcLogCategory = "user" | "system" | "customMetric";

/** A nullable string value (UseNullableValueDictionaryForHttp). */
export interface RpcNullableString {
  value?: string | null;
}

/** One cookie of an RPC HTTP response. */
export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: RpcNullableString | null;
  path?: RpcNullableString | null;
  expires?: { value?: { seconds?: number | null; nanos?: number | null } | null } | null;
  secure?: { value?: boolean | null } | null;
  httpOnly?: { value?: boolean | null } | null;
  sameSite?: "none" | "lax" | "strict" | "explicitNone" | null;
  maxAge?: { value?: number | null } | null;
}

/** RPC HTTP data, request or response. */
export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  statusCode?: string | null;
  query?: Record<string, string> | null;
  enableContentNegotiation?: boolean | null;
  cookies?: RpcHttpCookie[] | null;
  nullableHeaders?: Record<string, RpcNullableString> | null;
  nullableParams?: Record<string, RpcNullableString> | null;
  nullableQuery?: Record<string, RpcNullableString> | null;
}

/** A typed value crossing the host/worker boundary. */
export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
  collectionBytes?: { bytes?: Uint8Array[] | null } | null;
  collectionString?: { string?: string[] | null } | null;
  collectionDouble?: { double?: number[] | null } | null;
  collectionSint64?: { sint64?: number[] | null } | null;
}

/** A binding as registered: type and direction plus every option the library copied onto it. */
export interface RpcBindingInfo {
  type?: string | null;
  direction?: "in" | "out" | "inout" | null;
  dataType?: "undefined" | "string" | "binary" | "stream" | null;
  [property: string]: unknown;
}

/** Retry options of a registration. */
export interface RpcRetryOptions {
  maxRetryCount?: number | null;
  delayInterval?: { seconds?: number | null; nanos?: number | null } | null;
  minimumInterval?: { seconds?: number | null; nanos?: number | null } | null;
  maximumInterval?: { seconds?: number | null; nanos?: number | null } | null;
  retryStrategy?: "exponentialBackoff" | "fixedDelay" | null;
}

/** What `registerFunction` receives. */
export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: RpcRetryOptions;
}

/** The metadata the worker keeps and sends the host (RpcFunctionMetadata). */
export interface RpcFunctionMetadata {
  name?: string | null;
  directory?: string | null;
  scriptFile?: string | null;
  bindings?: Record<string, RpcBindingInfo> | null;
  rawBindings?: string[] | null;
  functionId?: string | null;
  retryOptions?: RpcRetryOptions | null;
}

/** One named input or output value. */
export interface RpcParameterBinding {
  name?: string | null;
  data?: RpcTypedData | null;
}

/** An invocation request from the host. */
export interface RpcInvocationRequest {
  invocationId?: string | null;
  functionId?: string | null;
  inputData?: RpcParameterBinding[] | null;
  triggerMetadata?: Record<string, RpcTypedData> | null;
  traceContext?: { traceParent?: string | null; traceState?: string | null; attributes?: Record<string, string> | null } | null;
  retryContext?: { retryCount?: number | null; maxRetryCount?: number | null } | null;
}

/** The worker's answer to an invocation. */
export interface RpcInvocationResponse {
  invocationId?: string | null;
  outputData?: RpcParameterBinding[] | null;
  returnValue?: RpcTypedData | null;
}

/** Where an invocation is (hooks may log while their state is set). */
export type InvocationState = "preInvocationHooks" | "postInvocationHooks" | "invocation";

/** What the programming model gets per invocation. */
export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: RpcFunctionMetadata;
  state?: InvocationState;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

/** A function's handler as registered. */
export type FunctionCallback = (...args: unknown[]) => unknown;

/** Arguments for one invocation. */
export interface InvocationArguments {
  context: unknown;
  inputs: unknown[];
}

/** Converts one invocation's RPC data to arguments and the result back. */
export interface InvocationModel {
  getArguments(): Promise<InvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

/** Worker capabilities, name to value. */
export type WorkerCapabilities = Record<string, string>;

/** The programming model `@azure/functions` sets. */
export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel | Promise<InvocationModel>;
  getCapabilities?(defaultCapabilities: WorkerCapabilities): WorkerCapabilities | Promise<WorkerCapabilities>;
}

/** Data hooks share. */
export type HookData = Record<string, unknown>;

/** The context every hook gets. */
export interface HookContext {
  readonly hookData: HookData;
  readonly appHookData: HookData;
}

/** A registered hook. */
export type HookCallback = (context: HookContext) => unknown;
