/**
 * Registers the deploy workflow with the Functions host: the orchestrations, the per-app entity and
 * every activity. The host loads `dist/src/functions/*.js`, so this module pulls in the rest.
 */
import "../orchestrations/deploy.js";
import "../orchestrations/waitForBuildRun.js";
import "../orchestrations/verifyRevision.js";
import "../orchestrations/notifyDeploy.js";
import "../entities/deployTarget.js";
import "../entities/notifyChannel.js";
import "../activities/index.js";
