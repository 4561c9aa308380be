/**
 * The function list `func start` prints once the host has indexed the app (Azure Functions Core
 * Tools: "Functions:", then one line per function, `<name>: [<METHODS>] <url>` for HTTP triggers and
 * `<name>: <triggerType>` for the rest, each followed by a blank line), with each function's bindings
 * (direction, type, name) under it, for `npm start -- --print-functions`.
 */
import { toHttpFunctionSpec } from "./http/httpFunction.js";
import type { IndexedFunction } from "./worker/hostIndexing.js";

/** Formats the list for `baseUrl` (e.g. `http://localhost:7071`) and the host's route prefix. */
export function formatFunctionList(functions: readonly IndexedFunction[], baseUrl: string, routePrefix: string): string {
  const lines = ["Functions:", ""];
  // Core Tools lists HTTP functions first, then the others, each group by name.
  const byName = (a: IndexedFunction, b: IndexedFunction): number => a.name.localeCompare(b.name);
  const isHttp = (fn: IndexedFunction): boolean => fn.trigger.type.toLowerCase() === "httptrigger";
  for (const fn of [...functions.filter(isHttp).sort(byName), ...functions.filter((f) => !isHttp(f)).sort(byName)]) {
    if (isHttp(fn)) {
      const spec = toHttpFunctionSpec(fn);
      const path = [routePrefix, spec.route.replace(/^\/+/, "")].filter((part) => part !== "").join("/");
      lines.push(`\t${fn.name}: [${[...spec.methods].join(",")}] ${baseUrl}/${path}`);
    } else {
      lines.push(`\t${fn.name}: ${fn.trigger.type}`);
    }
    for (const binding of fn.bindings) lines.push(`\t\t${binding.direction} ${binding.type} ${binding.name}`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
