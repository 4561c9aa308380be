/**
 * Reads an uploaded build context the way an ACR Tasks agent unpacks it: a gzip'd tar (as
 * `az acr build` and `aca-rollout deploy` upload it) whose regular files become the context. Only
 * what a build can use is kept: regular files by their normalised relative path. Links, devices and
 * directories carry no content a simulated COPY needs. PAX `path` records and GNU long names are
 * honoured, so deep paths survive.
 */
import { gunzipSync } from "node:zlib";

/** The files of a build context, by relative path (`app/main.py`, no leading `./`). */
export type BuildContext = ReadonlyMap<string, Buffer>;

const BLOCK = 512;

function text(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
}

function sizeOf(header: Buffer): number {
  // Base-256 (high bit set) for sizes beyond the octal field, as GNU tar writes them.
  if ((header[124] ?? 0) & 0x80) {
    let size = 0;
    for (let i = 125; i < 136; i++) size = size * 256 + (header[i] ?? 0);
    return size;
  }
  const octal = text(header, 124, 12).trim();
  return octal === "" ? 0 : parseInt(octal, 8);
}

function paxPath(data: Buffer): string | undefined {
  // Records are "<length> <key>=<value>\n".
  let offset = 0;
  let path: string | undefined;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.subarray(offset, space).toString("ascii"));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (equals > 0 && record.slice(0, equals) === "path") path = record.slice(equals + 1);
    offset += length;
  }
  return path;
}

/** A relative path without `./`, leading slashes or trailing slashes; undefined for the root or a path that climbs out. */
export function normaliseContextPath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") return undefined;
    parts.push(part);
  }
  return parts.length > 0 ? parts.join("/") : undefined;
}

/** The files of a tar archive (gzip'd or not); throws when the bytes are not a tar. */
export function readContextArchive(archive: Buffer): BuildContext {
  const tar = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive;
  const files = new Map<string, Buffer>();
  let offset = 0;
  let nextPath: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const magic = text(header, 257, 6);
    if (magic !== "ustar" && magic !== "ustar ") throw new Error("the build context is not a tar archive");
    const size = sizeOf(header);
    const type = String.fromCharCode(header[156] ?? 0);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      nextPath = paxPath(data) ?? nextPath;
      continue;
    }
    if (type === "L") {
      nextPath = text(data, 0, data.length);
      continue;
    }
    if (type === "g") continue;
    const prefix = magic === "ustar" ? text(header, 345, 155) : "";
    const name = nextPath ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    nextPath = undefined;
    if (type !== "0" && type !== "\0" && type !== "7") continue;
    const path = normaliseContextPath(name);
    if (path !== undefined) files.set(path, Buffer.from(data));
  }
  return files;
}
