/**
 * Registers the deploy workflow with the Functions host: the orchestrations, the entities and every
 * activity. The host loads `dist/src/functions/*.js`, so this module pulls in the registrations; each
 * implementation is imported on its function's first invocation (./registration/lazy.ts).
 */
import "./registration/orchestrations.js";
import "./registration/entities.js";
import "./registration/activities.js";
