/** The product version, read from package.json once at import. */
import { readFileSync } from "node:fs";

function findVersion(): string {
  // src/config (tsx/vitest) and dist/src/config (built) sit two and three levels below package.json.
  for (const relative of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "aca-rollout" && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return "0.0.0-unknown";
}

/** aca-rollout's version string. */
export const PRODUCT_VERSION = findVersion();
