/**
 * Runs one HTTP function as host and worker do: the request becomes the RPC HTTP data the host sends a
 * worker with the Node worker's capabilities (azure-functions-host GrpcMessageConversionExtensions
 * `ToRpcHttp` with RawHttpBodyBytes, RpcHttpBodyOnly and UseNullableValueDictionaryForHttp: the URL
 * as received, lower-cased header names with repeated values joined by ",", the query as a
 * dictionary with repeated keys joined by ",", route values, and the body as bytes when
 * Content-Length > 0); the worker's pipeline runs the library's InvocationModel; the RPC HTTP output
 * (the `$return` binding, or the function's `http` output binding) is what the host writes back.
 */
import type { LogLevel } from "@azure/functions";
import type { RpcHttpData, RpcInvocationResponse, RpcNullableString } from "../worker/coreTypes.js";
import type { FunctionRegistry } from "../worker/functionRegistry.js";
import type { HttpFunctionSpec } from "./httpFunction.js";

/** One log line from a function (or from the host about a function). */
export interface FunctionLogEntry {
  level: LogLevel;
  functionName: string;
  invocationId: string;
  message: string;
}

/** Where function logs go. */
export type FunctionLogger = (entry: FunctionLogEntry) => void;

/** The parts of an incoming request the invocation needs. */
export interface IncomingCall {
  method: string;
  /** Absolute URL as the caller used it. */
  url: string;
  /** Header values per lower-case name, each occurrence separately (node's `headersDistinct`). */
  headers: Record<string, string[] | undefined>;
  body: Buffer;
  params: Record<string, string>;
}

function nullable(values: Iterable<[string, string]>): Record<string, RpcNullableString> {
  const result: Record<string, RpcNullableString> = {};
  for (const [key, value] of values) result[key] = { value };
  return result;
}

// ASP.NET's QueryCollection: keys and values decoded, a repeated key's values joined by ",".
function queryDictionary(url: string): Array<[string, string]> {
  const joined = new Map<string, string[]>();
  for (const [key, value] of new URL(url).searchParams) {
    const found = [...joined.keys()].find((k) => k.toLowerCase() === key.toLowerCase());
    if (found) joined.get(found)?.push(value);
    else joined.set(key, [value]);
  }
  return [...joined].map(([key, values]) => [key, values.join(",")]);
}

/** The RPC HTTP request data the host builds for `call`. */
export function toRpcHttpRequest(call: IncomingCall): RpcHttpData {
  const headers: Array<[string, string]> = Object.entries(call.headers).flatMap(([name, values]) => (values ? [[name.toLowerCase(), values.join(",")] as [string, string]] : []));
  const contentLength = Number(call.headers["content-length"]?.[0] ?? "0");
  return {
    method: call.method,
    url: call.url,
    nullableHeaders: nullable(headers),
    nullableQuery: nullable(queryDictionary(call.url)),
    nullableParams: nullable(Object.entries(call.params)),
    // RpcHttpBodyOnly + RawHttpBodyBytes: the body as bytes, only when the request declares a length.
    ...(contentLength > 0 && call.body.length > 0 ? { body: { bytes: call.body } } : {}),
  };
}

/** The HTTP output of an invocation: the `$return` http binding's value, else the first http output binding's. */
export function httpOutputOf(spec: HttpFunctionSpec, response: RpcInvocationResponse): RpcHttpData | undefined {
  const outputs = spec.fn.bindings.filter((b) => b.direction === "out" && b.type.toLowerCase() === "http");
  for (const binding of outputs) {
    const data = binding.name === "$return" ? response.returnValue : response.outputData?.find((o) => o.name === binding.name)?.data;
    if (data?.http) return data.http;
  }
  return undefined;
}

/** Invokes the function through the worker and returns its RPC HTTP output (undefined when it returned nothing). */
export async function invokeHttpFunction(spec: HttpFunctionSpec, call: IncomingCall, registry: FunctionRegistry, invocationId: string): Promise<RpcHttpData | undefined> {
  const response = await registry.invoke(spec.fn, { http: toRpcHttpRequest(call) }, { invocationId });
  return httpOutputOf(spec, response);
}
