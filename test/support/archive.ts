/** Reads a tar.gz back entry by entry (tar-stream's extract), so tests check what an archive really holds. */
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";

/** One entry of an archive with its header fields and content. */
export interface ArchiveEntry {
  readonly name: string;
  readonly type: string;
  readonly mode: number;
  readonly mtime: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  readonly linkname: string | null;
  readonly content: string;
}

/** Every entry of a gzip tar, in archive order. */
export async function readArchive(archive: Buffer): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on("finish", resolve);
    reader.on("error", reject);
  });
  reader.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: unknown) => {
      if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    });
    stream.on("end", () => {
      entries.push({
        name: header.name,
        type: header.type ?? "file",
        mode: header.mode ?? 0,
        mtime: header.mtime?.getTime() ?? -1,
        uid: header.uid ?? -1,
        gid: header.gid ?? -1,
        uname: header.uname ?? "",
        gname: header.gname ?? "",
        linkname: header.linkname ?? null,
        content: Buffer.concat(chunks).toString("utf8"),
      });
      next();
    });
  });
  reader.end(gunzipSync(archive));
  await done;
  return entries;
}
