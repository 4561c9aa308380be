/**
 * A minimal, deterministic ustar writer for the sandbox's tiny image layers: regular files only, fixed
 * mode and owner and a given (default zero) mtime, so the same files always give the same bytes (and the same layer digest).
 */

const BLOCK = 512;

/** One regular file in a layer. */
export interface TarFile {
  /** Relative path inside the image, e.g. `app/build.json` (at most 100 bytes). */
  path: string;
  content: Buffer;
  /** Modification time in seconds since the epoch; default 0. */
  mtime?: number;
}

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value.slice(0, length), offset, length, "utf8");
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  // Field is NUL-terminated octal, zero-padded to length-1 digits.
  writeString(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

function headerFor(file: TarFile): Buffer {
  const path = file.path.replace(/^\/+/, "");
  // Longer paths go in ustar's prefix field, split at a slash.
  const split = Buffer.byteLength(path, "utf8") > 100 ? path.lastIndexOf("/", 155) : -1;
  const prefix = split > 0 ? path.slice(0, split) : "";
  const name = split > 0 ? path.slice(split + 1) : path;
  if (Buffer.byteLength(name, "utf8") > 100 || Buffer.byteLength(prefix, "utf8") > 155) throw new Error(`tar path too long: ${path}`);
  const header = Buffer.alloc(BLOCK, 0);
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, file.content.length);
  writeOctal(header, 136, 12, Math.max(0, Math.floor(file.mtime ?? 0)));
  header.fill(" ", 148, 156); // checksum is computed with its own field as spaces
  header.write("0", 156, 1, "ascii");
  writeString(header, 257, 6, "ustar\0");
  writeString(header, 263, 2, "00");
  writeString(header, 265, 32, "root");
  writeString(header, 297, 32, "root");
  writeString(header, 345, 155, prefix);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  writeString(header, 148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/** The tar archive of `files`, in the given order. */
export function tarArchive(files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(headerFor(file), file.content);
    const padding = (BLOCK - (file.content.length % BLOCK)) % BLOCK;
    if (padding) parts.push(Buffer.alloc(padding, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}
