/**
 * `readBuildLogTail`: the end of a run's log, for the deploy report when a build fails. ACR hands
 * out the log as a blob SAS URL; only the last `maxBytes` are downloaded (a ranged GET after reading
 * the size), so a long build log costs one small read. The SAS URL is a credential: it is never
 * returned, logged or put into an error message.
 */
import type { ReadBuildLogTailInput, ReadBuildLogTailOutput } from "./contracts.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** Decodes a byte range cut from the end of a UTF-8 text, dropping a character split by the cut. */
export function decodeTail(bytes: Buffer, cutAtStart: boolean): string {
  let start = 0;
  // UTF-8 continuation bytes are 10xxxxxx; a character is at most 4 bytes.
  if (cutAtStart) while (start < bytes.length && start < 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString("utf8");
}

/** Reads the last `maxBytes` of the run's log; a log not written yet reads as empty. */
export async function readBuildLogTail(input: ReadBuildLogTailInput, services: ActivityServices): Promise<ReadBuildLogTailOutput> {
  const { registry, runId } = input;
  const where = `ACR run ${runId} of registry ${registry.name}`;
  let logLink: string | undefined;
  try {
    logLink = (await services.azure.containerRegistry(registry.subscriptionId).runs.getLogSasUrl(registry.resourceGroup, registry.name, runId)).logLink;
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, `get the log link of ${where}`) };
  }
  if (!logLink) return { ok: true, tail: "", truncated: false };

  const blob = services.azure.blobClient(logLink);
  const action = `download the log of ${where}`;
  try {
    const size = (await blob.getProperties()).contentLength ?? 0;
    const wanted = Math.max(0, Math.floor(input.maxBytes));
    const offset = Math.max(0, size - wanted);
    if (size === 0 || wanted === 0) return { ok: true, tail: "", truncated: size > 0 };
    const bytes = await blob.downloadToBuffer(offset, size - offset);
    return { ok: true, tail: decodeTail(bytes, offset > 0), truncated: offset > 0 };
  } catch (error) {
    // ACR creates the log blob when the run starts writing; before that there is nothing to show.
    if (statusOf(error) === 404) return { ok: true, tail: "", truncated: false };
    return { ok: false, failure: failureOrThrow(error, action) };
  }
}

/** The function the host invokes for `readBuildLogTail` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function readBuildLogTailActivity(input: ReadBuildLogTailInput) {
  return readBuildLogTail(input, activityServices());
}
