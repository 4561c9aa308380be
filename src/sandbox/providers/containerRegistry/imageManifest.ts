/**
 * The image a simulated run pushes, built with the data plane's `buildSandboxImage` so the manifest
 * embeds its blobs (the data plane uploads them before the manifest) and its digest is the sha256 of
 * the exact bytes handed over, which registry clients verify. The base layer depends only on the
 * repository and the app layer only on the build input, so rebuilding unchanged input reuses those
 * layers, as a warm cache would; the build-info layer, which names the run, gives each run its own digest.
 */
import type { PushedManifest } from "../../kernel/types.js";
import { buildSandboxImage } from "../acrDataPlane/index.js";
import { createHash } from "node:crypto";

/** What determines a built image. */
export interface BuildIdentity {
  loginServer: string;
  repository: string;
  tag: string;
  /** Unique per run, e.g. `ca1@<createTime>`. */
  nonce: string;
  /** A fingerprint of the build input (uploaded source, task, values). */
  inputFingerprint: string;
  os: string;
  architecture: string;
}

/** A built image's digest and manifest. */
export interface BuiltImage {
  digest: string;
  manifest: PushedManifest;
}

/** Builds the image one output of a run pushes. */
export function buildImageManifest(build: BuildIdentity): BuiltImage {
  const image = buildSandboxImage({
    loginServer: build.loginServer,
    repository: build.repository,
    tag: build.tag,
    nonce: build.nonce,
    layers: [
      { path: "base/os-release", content: `base image of ${build.repository}\n` },
      { path: "app/source.sha256", content: `${build.inputFingerprint}\n` },
    ],
    architecture: build.architecture,
    os: build.os.toLowerCase(),
  });
  return { digest: image.digest, manifest: image.manifest };
}

/** A short stable fingerprint of the parts of a run request that determine its output. */
export function inputFingerprint(parts: (string | Buffer | undefined)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part ?? "").update("\u0000");
  return hash.digest("hex");
}
