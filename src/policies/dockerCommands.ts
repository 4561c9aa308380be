/**
 * Recognises the shell commands the cache lint cares about: dependency installs per ecosystem, apt
 * steps, pip and npm invocations and compiler packages. Each takes one simple command's words (see
 * `shellCommands`) and answers without I/O.
 */

/** The package ecosystems whose installs belong before the code is copied. */
export type Ecosystem = "pip" | "poetry" | "pipenv" | "uv" | "npm" | "yarn" | "pnpm" | "go" | "cargo" | "maven" | "gradle" | "bundler" | "composer";

function program(words: readonly string[]): string {
  return (words[0] ?? "").split("/").at(-1) ?? "";
}

/** `pip`, `pip3`, `pip3.11`, `python -m pip`, `python3.11 -m pip`: the words after `pip`, or null. */
export function pipArgs(words: readonly string[]): readonly string[] | null {
  const name = program(words);
  if (/^pip[0-9.]*$/.test(name)) return words.slice(1);
  if (/^python[0-9.]*$/.test(name) && words[1] === "-m" && words[2] === "pip") return words.slice(3);
  return null;
}

/** True for `pip install ...` in any of its spellings. */
export function isPipInstall(words: readonly string[]): boolean {
  return pipArgs(words)?.[0] === "install";
}

/** The ecosystem a command installs dependencies for, or null when it installs none. */
export function dependencyInstall(words: readonly string[]): Ecosystem | null {
  const name = program(words);
  const sub = words[1];
  if (isPipInstall(words)) return "pip";
  if (name === "poetry" && sub === "install") return "poetry";
  if (name === "pipenv" && (sub === "install" || sub === "sync")) return "pipenv";
  if (name === "uv" && (sub === "sync" || (sub === "pip" && words[2] === "install"))) return "uv";
  if (name === "npm" && (sub === "ci" || sub === "install" || sub === "i" || sub === "add")) return "npm";
  if (name === "yarn" && (sub === undefined || sub === "install" || sub.startsWith("--"))) return "yarn";
  if (name === "pnpm" && (sub === "install" || sub === "i" || sub === "fetch")) return "pnpm";
  if (name === "go" && ((sub === "mod" && words[2] === "download") || sub === "build" || sub === "get" || sub === "install")) return "go";
  if (name === "cargo" && (sub === "fetch" || sub === "build" || sub === "install")) return "cargo";
  if (name === "mvn" || name === "mvnw") return "maven";
  if (name === "gradle" || name === "gradlew") return "gradle";
  if (name === "bundle" && (sub === "install" || sub === undefined)) return "bundler";
  if (name === "composer" && sub === "install") return "composer";
  return null;
}

/** True for `apt-get update` / `apt update`. */
export function isAptUpdate(words: readonly string[]): boolean {
  return ["apt-get", "apt"].includes(program(words)) && words.includes("update");
}

/** The packages of `apt-get install`, `apt install`, `apk add`, `yum`/`dnf`/`microdnf install`, or null for other commands. */
export function osPackageInstall(words: readonly string[]): readonly string[] | null {
  const name = program(words);
  const verbIndex = words.findIndex((word, i) => i > 0 && !word.startsWith("-"));
  const verb = words[verbIndex];
  const installs = (["apt-get", "apt", "yum", "dnf", "microdnf"].includes(name) && verb === "install") || (name === "apk" && verb === "add");
  if (!installs) return null;
  return words.slice(verbIndex + 1).filter((word) => !word.startsWith("-"));
}

/** True for an apt install (the one that fills `/var/lib/apt/lists`). */
export function isAptInstall(words: readonly string[]): boolean {
  return ["apt-get", "apt"].includes(program(words)) && osPackageInstall(words) !== null;
}

/** True for `rm ... /var/lib/apt/lists...`. */
export function removesAptLists(words: readonly string[]): boolean {
  return program(words) === "rm" && words.some((word) => word.startsWith("/var/lib/apt/lists"));
}

/** The packages an OS package manager removes (`apt-get purge|remove`, `apk del`, `yum|dnf remove`), or null. */
export function osPackageRemoval(words: readonly string[]): readonly string[] | null {
  const name = program(words);
  const verbIndex = words.findIndex((word, i) => i > 0 && !word.startsWith("-"));
  const verb = words[verbIndex];
  const removes =
    (["apt-get", "apt"].includes(name) && (verb === "purge" || verb === "remove" || verb === "autoremove")) ||
    (name === "apk" && verb === "del") ||
    (["yum", "dnf", "microdnf"].includes(name) && verb === "remove");
  if (!removes) return null;
  return words.slice(verbIndex + 1).filter((word) => !word.startsWith("-"));
}

const COMPILER_PACKAGES = /^(gcc|g\+\+|gcc-[0-9.]+|g\+\+-[0-9.]+|clang|clang-[0-9.]+|build-essential|build-base|make|cmake|gfortran|rustc|cargo|golang|golang-go|musl-dev|gcc-c\+\+)(=.*)?$/;

/** True for a compiler or toolchain package name (`gcc`, `build-essential`, `build-base`, ...). */
export function isCompilerPackage(name: string): boolean {
  return COMPILER_PACKAGES.test(name);
}

/** True for `npm install`/`npm i` from the lockfile (no package names), where `npm ci` does the same reproducibly. */
export function isNpmInstallFromManifest(words: readonly string[]): boolean {
  if (program(words) !== "npm" || (words[1] !== "install" && words[1] !== "i")) return false;
  return words.slice(2).every((word) => word.startsWith("-"));
}
