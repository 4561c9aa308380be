/**
 * A Dockerfile reader for the sandbox's simulated BuildKit: instructions with their line, flags
 * (`--from=builder`), arguments (shell or JSON form) and stages (`FROM image AS name`). Enough to
 * decide which steps a build runs and what each one reads; not a full parser (no heredocs, no
 * escape directive).
 */

/** One instruction. */
export interface Instruction {
  /** Upper-case keyword (`COPY`, `RUN`, ...). */
  keyword: string;
  /** 1-based line of the keyword. */
  line: number;
  /** `--name=value` flags before the arguments. */
  flags: Record<string, string>;
  /** Arguments: JSON-form items, or whitespace-split shell words. */
  args: string[];
  /** The arguments as written (after the flags), continuation lines joined. */
  rest: string;
}

/** One build stage: its `FROM` and what follows. */
export interface Stage {
  /** The `FROM` image as written (`python:3.11-slim`, `builder`, `scratch`). */
  base: string;
  /** `AS <name>`, lower-cased. */
  name: string | undefined;
  index: number;
  instructions: Instruction[];
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  /** `ARG`s before the first `FROM`, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

function splitWords(rest: string): string[] {
  return rest.split(/\s+/).filter((word) => word !== "");
}

function parseArgs(rest: string): string[] {
  const trimmed = rest.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) return parsed;
    } catch {
      // Not JSON after all: Docker then treats it as the shell form.
    }
  }
  return splitWords(trimmed);
}

/** Logical lines: comments dropped, `\` continuations joined, each with the line it starts on. */
function logicalLines(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r?\n/);
  const result: { line: number; text: string }[] = [];
  let current: { line: number; text: string } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (current === undefined && (trimmed === "" || trimmed.startsWith("#"))) return;
    if (current !== undefined && trimmed.startsWith("#")) return;
    const continued = /\\\s*$/.test(raw);
    const piece = continued ? raw.replace(/\\\s*$/, "") : raw;
    if (current === undefined) current = { line: index + 1, text: piece.trim() };
    else current.text = `${current.text} ${piece.trim()}`;
    if (!continued) {
      result.push(current);
      current = undefined;
    }
  });
  if (current !== undefined) result.push(current);
  return result;
}

/** Reads a Dockerfile; throws when it has no `FROM`. */
export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { line, text: body } of logicalLines(text)) {
    const match = /^(\S+)\s*([\s\S]*)$/.exec(body);
    if (!match?.[1]) continue;
    const keyword = match[1].toUpperCase();
    let rest = match[2] ?? "";
    const flags: Record<string, string> = {};
    for (let flag = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(rest); flag; flag = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
      flags[flag[1]!.toLowerCase()] = flag[2] ?? "";
      rest = rest.slice(flag[0].length);
    }
    const instruction: Instruction = { keyword, line, flags, args: parseArgs(rest), rest: rest.trim() };
    if (keyword === "FROM") {
      const [base = "scratch", as, name] = instruction.args;
      stages.push({ base, name: as?.toUpperCase() === "AS" && name ? name.toLowerCase() : undefined, index: stages.length, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage) stage.instructions.push(instruction);
    else if (keyword === "ARG") {
      for (const arg of instruction.args) {
        const [name = "", value = ""] = arg.split("=", 2);
        if (name) globalArgs[name] = value;
      }
    }
  }
  if (stages.length === 0) throw new Error("the Dockerfile has no FROM instruction");
  return { globalArgs, stages };
}

/** Replaces `$NAME` and `${NAME}` with `values` (unknown names become empty, as Docker does). */
export function expandArgs(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, bare: string | undefined) => values[braced ?? bare ?? ""] ?? "");
}
