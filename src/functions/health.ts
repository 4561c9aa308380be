/**
 * `GET /api/health` (anonymous) and `GET /api/health/details` (function key): the version, whether
 * the settings and the targets configuration are valid, and whether this instance talks to the
 * sandbox or to Azure. Invalid settings or targets answer 503 with every problem listed (settings
 * first, then targets), each with its JSON pointer; parts of targets that are accepted but not yet
 * supported are listed as warnings and leave the answer 200 (nothing is broken; they are inert).
 *
 * Problem messages can quote setting values, so the anonymous answer names only where each problem
 * is (its pointer); the messages need the function key. An anonymous function cannot check a key
 * (the Functions host does not), hence the second route.
 *
 * The documents are built in ./http/health.ts, imported on the first request.
 */
import { app } from "@azure/functions";
import { lazyHandler } from "./registration/lazy.js";

app.http("health", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "health",
  handler: lazyHandler(async () => (await import("./http/health.js")).healthResponse),
});

app.http("healthDetails", {
  methods: ["GET"],
  authLevel: "function",
  route: "health/details",
  handler: lazyHandler(async () => (await import("./http/health.js")).healthDetailsResponse),
});
