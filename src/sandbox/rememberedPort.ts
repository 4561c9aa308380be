/**
 * The port a persistent sandbox keeps across restarts (`<stateDir>/port`): the first start picks a
 * free one and writes it down; later starts ask for it again, so a `$S` a user copied stays valid.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "./kernel/stateFile.js";

function portFile(stateDir: string): string {
  return join(stateDir, "port");
}

/** The remembered port, or undefined when there is none (or the file does not hold a port). */
export function readRememberedPort(stateDir: string): number | undefined {
  const file = portFile(stateDir);
  if (!existsSync(file)) return undefined;
  const port = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

/** Writes the port down for the next start. */
export function rememberPort(stateDir: string, port: number): void {
  writeFileAtomically(portFile(stateDir), `${port}\n`);
}

/** Whether listening failed because the port is taken. */
export function isAddressInUse(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "EADDRINUSE";
}
