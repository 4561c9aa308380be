/**
 * Reads an uploaded build context (a gzip'd tar, as `az acr build` and `aca-rollout deploy` upload it)
 * for the lint: every file's path, and the text of the few files the lint reads (the Dockerfile and
 * the ignore files). Nothing is written to disk.
 */
import { extract } from "tar-stream";
import { gunzipSync } from "node:zlib";

/** What the lint needs of a context. */
export interface ContextListing {
  /** Every regular file, relative, `/`-separated, without a leading `./`. */
  paths: string[];
  /** The text of the files asked for that the archive holds. */
  texts: Map<string, string>;
}

/** A relative, normalised path (no `./`, no leading or trailing `/`); undefined for the root. */
function normalise(name: string): string | undefined {
  const parts = name.split("/").filter((part) => part !== "" && part !== ".");
  return parts.length > 0 ? parts.join("/") : undefined;
}

/** Lists the archive and reads the files named in `wanted`; throws when it is not a (gzip'd) tar. */
export async function listContextArchive(archive: Buffer, wanted: readonly string[]): Promise<ContextListing> {
  const tar = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive;
  const reader = extract();
  reader.end(tar);
  const paths: string[] = [];
  const texts = new Map<string, string>();
  for await (const entry of reader) {
    const path = normalise(entry.header.name);
    if (entry.header.type === "file" && path !== undefined) {
      paths.push(path);
      if (wanted.includes(path)) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(Buffer.from(chunk as Uint8Array));
        texts.set(path, Buffer.concat(chunks).toString("utf8"));
        continue;
      }
    }
    entry.resume();
  }
  return { paths, texts };
}
