/**
 * Child process of the cold-import figure. `product <module...>`: installs the local runtime's
 * function capture, then imports each product module, as `startLocalRuntime` does. `bare`: imports
 * `@azure/functions` only. Prints `{ importMs, sinceProcessStartMs, functions }` as JSON and exits.
 */
import { pathToFileURL } from "node:url";

const [mode, ...modules] = process.argv.slice(2);
const started = performance.now();
let functions = 0;
if (mode === "bare") {
  await import("@azure/functions");
} else if (mode === "product") {
  // Imported here, not statically, so the timing includes loading the capture and @azure/functions.
  const { captureFunctions } = await import("../src/local/capture/registry.js");
  const registry = captureFunctions();
  for (const module of modules) await import(pathToFileURL(module).href);
  functions = registry.orchestrations.size + registry.activities.size + registry.entities.size + registry.http.size + registry.timers.size + registry.others.size;
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
const finished = performance.now();
// performance.now() counts from process start, so `finished` includes Node's own boot.
process.stdout.write(`${JSON.stringify({ importMs: finished - started, sinceProcessStartMs: finished, functions })}\n`, () => process.exit(0));
