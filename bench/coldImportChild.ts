/**
 * Child process of the cold-import figure. `product <module...>`: installs the local runtime's
 * `@azure/functions-core`, then imports each product module, as `startLocalRuntime` does. `bareApp`: the
 * same with the bench's bare durable app (./bareApp.ts) instead. `bare`: imports `@azure/functions` only. Prints `{ importMs, sinceProcessStartMs, functions }` as JSON and exits.
 */
import { pathToFileURL } from "node:url";

const [mode, ...modules] = process.argv.slice(2);
const started = performance.now();
let functions = 0;
if (mode === "bare") {
  await import("@azure/functions");
} else if (mode === "product" || mode === "bareApp") {
  // Imported here, not statically, so the timing includes loading the core module and @azure/functions.
  const { installCoreModule, workerApp } = await import("../src/local/worker/coreModule.js");
  installCoreModule();
  if (mode === "bareApp") await import("./bareApp.js");
  else for (const module of modules) await import(pathToFileURL(module).href);
  functions = workerApp.functions.size;
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
const finished = performance.now();
// performance.now() counts from process start, so `finished` includes Node's own boot.
process.stdout.write(`${JSON.stringify({ importMs: finished - started, sinceProcessStartMs: finished, functions })}\n`, () => process.exit(0));
