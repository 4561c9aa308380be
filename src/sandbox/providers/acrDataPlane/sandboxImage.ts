/**
 * Builds the real, minimal OCI images the sandbox registry serves for ACR builds and seeded tags: a
 * config blob plus small gzip'd tar layers whose bytes follow deterministically from the inputs
 * (registry, repository, tag and a per-build nonce).
 *
 * Each descriptor also carries its blob bytes in the standard OCI `data` field (image-spec 1.1,
 * "embedded content"). That makes the manifest self-sufficient: whoever holds only the manifest (the ACR
 * Tasks provider announcing a push through `ImagePushSink`) can hand it to the data plane, which uploads
 * the blobs before the manifest, as a registry requires.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { PushedManifest } from "../../kernel/types.js";
import { MediaTypes } from "./registryBackend.js";
import { tarArchive, type TarFile } from "./tarArchive.js";

/** A file to put in its own layer of a sandbox image. */
export interface SandboxLayerFile {
  /** Path inside the image, e.g. `app/version.txt`. */
  path: string;
  content: string | Buffer;
}

/** What a sandbox image is built from. */
export interface SandboxImageInput {
  loginServer: string;
  repository: string;
  tag: string;
  /** Makes each build distinct (a run id, say); same inputs and nonce give the same digest. */
  nonce: string;
  /** Extra layers, one file each, after the build-info layer. */
  layers?: readonly SandboxLayerFile[];
  architecture?: string;
  os?: string;
}

/** A blob of an image: its digest and bytes. */
export interface SandboxBlob {
  digest: string;
  mediaType: string;
  content: Buffer;
}

/** A built image: what to upload, and the manifest that ties it together. */
export interface SandboxImage {
  /** `sha256:` of the manifest bytes — the digest the registry will report. */
  digest: string;
  manifest: PushedManifest;
  config: SandboxBlob;
  layers: SandboxBlob[];
}

function sha256(content: Buffer): string {
  return `sha256:${createHash("sha256").update(content).digest("hex")}`;
}

function descriptor(blob: SandboxBlob): Record<string, unknown> {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.content.length, data: blob.content.toString("base64") };
}

/** Builds a sandbox image; pure: equal inputs give byte-identical blobs and manifest. */
export function buildSandboxImage(input: SandboxImageInput): SandboxImage {
  const buildInfo: TarFile = {
    path: "aca-rollout/build.json",
    content: Buffer.from(
      `${JSON.stringify({ loginServer: input.loginServer, repository: input.repository, tag: input.tag, nonce: input.nonce })}\n`,
      "utf8",
    ),
  };
  const files: TarFile[] = [
    buildInfo,
    ...(input.layers ?? []).map((file) => ({ path: file.path, content: Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, "utf8") })),
  ];
  const tars = files.map((file) => tarArchive([file]));
  const layers: SandboxBlob[] = tars.map((tar) => {
    // gzip with no name and mtime 0: the bytes depend only on the tar.
    const content = gzipSync(tar, { level: 6 });
    return { digest: sha256(content), mediaType: MediaTypes.ociLayerGzip, content };
  });
  const configJson = {
    architecture: input.architecture ?? "amd64",
    os: input.os ?? "linux",
    config: {
      Labels: {
        "org.opencontainers.image.ref.name": input.tag,
        "io.aca-rollout.sandbox.build-nonce": input.nonce,
      },
    },
    rootfs: { type: "layers", diff_ids: tars.map(sha256) },
    history: files.map((file) => ({ created_by: `COPY ${file.path} /${file.path} # aca-rollout sandbox` })),
  };
  const configContent = Buffer.from(JSON.stringify(configJson), "utf8");
  const config: SandboxBlob = { digest: sha256(configContent), mediaType: MediaTypes.ociConfig, content: configContent };
  const manifestJson = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: descriptor(config),
    layers: layers.map(descriptor),
    annotations: { "org.opencontainers.image.ref.name": input.tag },
  };
  const content = Buffer.from(JSON.stringify(manifestJson), "utf8");
  return { digest: sha256(content), manifest: { mediaType: MediaTypes.ociManifest, content }, config, layers };
}
