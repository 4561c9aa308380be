import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { buildSandboxImage } from "../../../src/sandbox/providers/acrDataPlane/sandboxImage.js";

const sha256 = (content: Buffer): string => `sha256:${createHash("sha256").update(content).digest("hex")}`;
const input = { loginServer: "demo.azurecr.io", repository: "team/app", tag: "v1", nonce: "run-1" };

describe("sandbox images", () => {
  it("are byte-identical for the same inputs and differ per nonce", () => {
    const a = buildSandboxImage(input);
    const b = buildSandboxImage(input);
    const c = buildSandboxImage({ ...input, nonce: "run-2" });
    expect(a.manifest.content).toEqual(b.manifest.content);
    expect(a.digest).toBe(sha256(a.manifest.content));
    expect(c.digest).not.toBe(a.digest);
  });

  it("keep an unchanged extra layer's digest across builds (a warm cache reuses it)", () => {
    const layers = [{ path: "base/os-release", content: "base\n" }];
    const first = buildSandboxImage({ ...input, layers });
    const second = buildSandboxImage({ ...input, nonce: "run-2", layers });
    expect(second.layers[1]!.digest).toBe(first.layers[1]!.digest);
    expect(second.layers[0]!.digest).not.toBe(first.layers[0]!.digest);
  });

  it("are valid OCI images: descriptors match blobs, diff_ids match the uncompressed tars, data embeds the bytes", () => {
    const image = buildSandboxImage({ ...input, layers: [{ path: "app/version.txt", content: "1.2.3" }] });
    const manifest = JSON.parse(image.manifest.content.toString()) as {
      schemaVersion: number;
      mediaType: string;
      config: { digest: string; size: number; data: string };
      layers: { digest: string; size: number; data: string; mediaType: string }[];
    };
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(manifest.config.digest).toBe(sha256(image.config.content));
    expect(Buffer.from(manifest.config.data, "base64")).toEqual(image.config.content);
    const config = JSON.parse(image.config.content.toString()) as { rootfs: { diff_ids: string[] }; architecture: string; os: string };
    expect(config.architecture).toBe("amd64");
    manifest.layers.forEach((descriptor, index) => {
      const blob = image.layers[index]!;
      expect(descriptor.digest).toBe(sha256(blob.content));
      expect(descriptor.size).toBe(blob.content.length);
      expect(Buffer.from(descriptor.data, "base64")).toEqual(blob.content);
      expect(config.rootfs.diff_ids[index]).toBe(sha256(gunzipSync(blob.content)));
    });
  });

  it("have layers GNU tar can read back", () => {
    const image = buildSandboxImage({ ...input, layers: [{ path: "app/version.txt", content: "1.2.3" }] });
    const dir = mkdtempSync(join(tmpdir(), "sandbox-image-"));
    try {
      const layer = join(dir, "layer.tar.gz");
      writeFileSync(layer, image.layers[1]!.content);
      expect(execFileSync("tar", ["-tzf", layer]).toString()).toBe("app/version.txt\n");
      execFileSync("tar", ["-xzf", layer, "-C", dir]);
      expect(readFileSync(join(dir, "app/version.txt"), "utf8")).toBe("1.2.3");
      writeFileSync(layer, image.layers[0]!.content);
      execFileSync("tar", ["-xzf", layer, "-C", dir]);
      expect(JSON.parse(readFileSync(join(dir, "aca-rollout/build.json"), "utf8"))).toEqual(input);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
