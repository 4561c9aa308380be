import { describe, expect, it } from "vitest";
import { parseBuildKitCache } from "../../../src/policies/buildKitLog.js";
import { formatBuildSummary, formatBytes } from "../../../src/policies/buildSummary.js";
import { compareLayers } from "../../../src/policies/layerComparison.js";

// BuildKit plain progress output as `buildx build --progress plain` prints it (docker/buildx, v0.17).
const BUILDKIT_LOG = `#0 building with "acarollout" instance using docker-container driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 412B done
#1 DONE 0.0s

#2 [internal] load metadata for docker.io/library/python:3.11-slim
#2 DONE 0.8s

#3 importing cache manifest from myacr.azurecr.io/api:buildcache
#3 DONE 0.3s

#4 [1/5] FROM docker.io/library/python:3.11-slim@sha256:aaaa
#4 resolve docker.io/library/python:3.11-slim@sha256:aaaa done
#4 DONE 0.0s

#5 [internal] load build context
#5 transferring context: 2.1kB done
#5 DONE 0.0s

#6 [2/5] WORKDIR /app
#6 CACHED

#7 [3/5] COPY requirements.txt .
#7 CACHED

#8 [4/5] RUN pip install --no-cache-dir -r requirements.txt
#8 CACHED

#9 [5/5] COPY . .
#9 DONE 0.2s

#10 exporting to image
#10 DONE 1.1s
`;

describe("parseBuildKitCache", () => {
  it("counts the Dockerfile steps, the CACHED ones and the ones that ran; [internal] and export vertices are not steps", () => {
    expect(parseBuildKitCache(BUILDKIT_LOG)).toEqual({ steps: 5, cached: 3, executed: 2 });
  });

  it("reads named stages, platform prefixes, ACR's time stamps and an ERROR as a step that ran", () => {
    const log = [
      "2026/11/28 09:00:03 #4 [builder 1/2] FROM docker.io/library/node:22-slim",
      "2026/11/28 09:00:03 #4 CACHED",
      "#5 [linux/arm64 stage-1 2/2] RUN npm ci",
      "#6 [builder 2/2] RUN make",
      "#6 ERROR: process did not complete successfully: exit code: 2",
      "#5 DONE 12.0s",
    ].join("\n");
    expect(parseBuildKitCache(log)).toEqual({ steps: 3, cached: 1, executed: 2 });
  });

  it("counts a step still running as a step, neither cached nor executed", () => {
    expect(parseBuildKitCache("#4 [1/2] FROM docker.io/library/alpine:3.20\n#4 DONE 0.1s\n#5 [2/2] RUN sleep 100\n")).toEqual({ steps: 2, cached: 0, executed: 1 });
  });

  it("finds nothing in a log without BuildKit steps (a quick build's docker output)", () => {
    expect(parseBuildKitCache("Step 1/3 : FROM node:22\n ---> Using cache\n")).toBeUndefined();
    expect(parseBuildKitCache("")).toBeUndefined();
  });
});

describe("compareLayers", () => {
  const layer = (name: string, size: number) => ({ digest: `sha256:${name.repeat(64).slice(0, 64)}`, size });
  it("counts layers and bytes the last known good image did not have", () => {
    const base = [layer("a", 100), layer("b", 50)];
    const report = compareLayers([...base, layer("c", 7)], { digest: "sha256:old", layers: [...base, layer("d", 9)] });
    expect(report).toEqual({ total: 3, new: 1, reused: 2, bytesTotal: 157, bytesNew: 7, comparedWith: "sha256:old" });
  });
  it("counts every layer as new when there is nothing to compare with", () => {
    expect(compareLayers([layer("a", 10), layer("b", 5)], undefined)).toEqual({ total: 2, new: 2, reused: 0, bytesTotal: 15, bytesNew: 15 });
  });
});

describe("formatBuildSummary", () => {
  it("reads as the issue writes it", () => {
    const summary = formatBuildSummary({
      layers: { total: 9, new: 2, reused: 7, bytesTotal: 412_000_000, bytesNew: 3_100_000, comparedWith: "sha256:old" },
      cache: { steps: 9, cached: 7, executed: 2 },
    });
    expect(summary).toBe("2 of 9 layers new, 3.1 MB of 412 MB; 7/9 steps cached");
  });
  it("says when there was nothing to compare with, and leaves out what is missing", () => {
    expect(formatBuildSummary({ layers: { total: 2, new: 2, reused: 0, bytesTotal: 1500, bytesNew: 1500 } })).toBe("2 of 2 layers new, 1.5 kB of 1.5 kB (no earlier image to compare with)");
    expect(formatBuildSummary({ cache: { steps: 5, cached: 4, executed: 1 } })).toBe("4/5 steps cached");
    expect(formatBuildSummary({})).toBe("");
  });
  it("formats sizes in decimal units", () => {
    expect([0, 999, 1000, 9_949, 9_960, 412_000_000, 2_500_000_000].map(formatBytes)).toEqual(["0 B", "999 B", "1.0 kB", "9.9 kB", "10 kB", "412 MB", "2.5 GB"]);
  });
});
