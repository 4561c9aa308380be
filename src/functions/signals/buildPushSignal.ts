/**
 * The push signal: when the registry reports a push of a build's own tag `deploy-<id>` (the ACR
 * webhook or an Event Grid `ImagePushed` event), the deploy that ordered the build is told at once,
 * instead of finding out at its next poll (10 s doubling to 2 min). The deploy's build wait then
 * confirms the run through ARM: the signal is a hint and never ends a wait by itself.
 *
 * The push-trigger functions call {@link raiseBuildPushSignal}; it never throws, because a push for a
 * deploy that has moved on, ended or never existed is normal (a build finishes after a cancel, a tag
 * is pushed again by hand) and must not fail the trigger that carried it.
 */
import type * as df from "durable-functions";
import { wallClockNow } from "../../config/wallClock.js";
import { RESULT_TAG_PREFIX } from "../../activities/build/encodedTask.js";
import { DEPLOYMENT_ID_PATTERN } from "../../domain/deployment.js";
import type { BuildPushSignalPayload } from "../../orchestrations/contracts.js";
import { BUILD_PUSH_EVENT, BUILD_WAIT_SUFFIX, childInstanceId } from "../../orchestrations/names.js";

/** What the push said, as the ACR webhook (`target`, `request.host`) or `ImagePushed` event carries it. */
export interface BuildPush {
  digest: string;
  tag: string;
  repository: string;
  /** The registry's login server (`request.host`). */
  host: string;
}

/** Whether the signal reached a waiting build, and if not, why. */
export type BuildPushSignalOutcome =
  | { raised: true; instanceId: string }
  | { raised: false; reason: "not-a-deploy-tag" | "not-waiting" | "failed"; detail: string };

/** The part of the Durable client the signal uses (`df.getClient(context)` provides it). */
export type BuildSignalClient = Pick<df.DurableClient, "getStatus" | "raiseEvent">;

/** Runtime statuses in which the build wait can still receive the signal. */
const WAITING = new Set(["Running", "Pending", "ContinuedAsNew"]);

/** The deploy id a build's own tag `deploy-<id>` names, or undefined for any other tag. */
export function deployIdOfTag(tag: string): string | undefined {
  if (!tag.startsWith(RESULT_TAG_PREFIX)) return undefined;
  const id = tag.slice(RESULT_TAG_PREFIX.length);
  // The id becomes part of an instance id and of the Durable client's request path: only a valid deploy id goes there.
  return DEPLOYMENT_ID_PATTERN.test(id) ? id : undefined;
}

/** Tells deploy `deployId`'s build wait that the registry pushed its tag; never throws. */
export async function raiseBuildPushSignal(client: BuildSignalClient, deployId: string, push: BuildPush): Promise<BuildPushSignalOutcome> {
  if (deployIdOfTag(push.tag) !== deployId) {
    return { raised: false, reason: "not-a-deploy-tag", detail: `tag ${JSON.stringify(push.tag.slice(0, 128))} is not ${RESULT_TAG_PREFIX}<deploy id> for a valid deploy id ${JSON.stringify(deployId.slice(0, 128))}` };
  }
  const instanceId = childInstanceId(deployId, BUILD_WAIT_SUFFIX);
  try {
    const status = await statusOf(client, instanceId);
    if (status === undefined) return { raised: false, reason: "not-waiting", detail: `deploy ${deployId} has no build wait (no build, not started yet, or purged)` };
    if (!WAITING.has(status)) return { raised: false, reason: "not-waiting", detail: `the build wait of deploy ${deployId} has ended (${status})` };
    const payload: BuildPushSignalPayload = { digest: push.digest, tag: push.tag, repository: push.repository, host: push.host, raisedAt: wallClockNow().toISOString() };
    await client.raiseEvent(instanceId, BUILD_PUSH_EVENT, payload);
    return { raised: true, instanceId };
  } catch (error) {
    // The wait polls anyway: a signal that could not be delivered costs one poll interval, not the deploy.
    return { raised: false, reason: "failed", detail: error instanceof Error ? error.message : String(error) };
  }
}

/** The instance's runtime status, or undefined when there is no such instance. */
async function statusOf(client: BuildSignalClient, instanceId: string): Promise<string | undefined> {
  try {
    const status = await client.getStatus(instanceId);
    return status.runtimeStatus;
  } catch (error) {
    // The client reports a missing instance as an error naming the extension's 404.
    if (error instanceof Error && /\bHTTP 404\b/.test(error.message)) return undefined;
    throw error;
  }
}
