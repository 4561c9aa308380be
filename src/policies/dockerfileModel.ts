/**
 * A Dockerfile read into the shape the lint rules reason about: stages of instructions with 1-based
 * lines, and each RUN's shell text split into simple commands. Parsing is `dockerfile-ast`'s; this
 * file only flattens what the rules need, so rules stay small and pure.
 */
import { DockerfileParser, From, ModifiableInstruction, type Instruction } from "dockerfile-ast";

/** One instruction of a stage. */
export interface DockerInstruction {
  readonly keyword: string;
  /** 1-based line of the keyword. */
  readonly line: number;
  /** The arguments as one string (continuation lines joined). */
  readonly text: string;
  /** Arguments without flags (`--from=...` etc. are in `flags`). */
  readonly args: readonly string[];
  readonly flags: ReadonlyMap<string, string | null>;
}

/** One `FROM` stage. */
export interface DockerStage {
  readonly index: number;
  /** `AS <name>`, lowercased as Docker compares stage names. */
  readonly name: string | null;
  /** The base image as written (`python:3.11-slim`, `builder`, `scratch`). */
  readonly image: string;
  readonly imageTag: string | null;
  readonly imageDigest: string | null;
  readonly line: number;
  readonly instructions: readonly DockerInstruction[];
}

function flagsOf(instruction: Instruction): Map<string, string | null> {
  const flags = new Map<string, string | null>();
  if (!(instruction instanceof ModifiableInstruction)) return flags;
  for (const flag of instruction.getFlags()) flags.set(flag.getName().toLowerCase(), flag.getValue());
  return flags;
}

function toInstruction(instruction: Instruction): DockerInstruction {
  const flags = flagsOf(instruction);
  const args = instruction
    .getArguments()
    .map((a) => a.getValue())
    .filter((value) => !value.startsWith("--"));
  return {
    keyword: instruction.getKeyword().toUpperCase(),
    line: instruction.getRange().start.line + 1,
    text: instruction.getArgumentsContent() ?? "",
    args,
    flags,
  };
}

/** Reads a Dockerfile's stages. Instructions before the first FROM (global ARGs) belong to no stage. */
export function readStages(text: string): DockerStage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: { from: From; instructions: DockerInstruction[] }[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) {
      stages.push({ from: instruction, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(toInstruction(instruction));
    }
  }
  return stages.map(({ from, instructions }, index) => ({
    index,
    name: from.getBuildStage()?.toLowerCase() ?? null,
    image: from.getImage() ?? "",
    imageTag: from.getImageTag(),
    imageDigest: from.getImageDigest(),
    line: from.getRange().start.line + 1,
    instructions,
  }));
}

/** Splits RUN text (shell or exec form) into simple commands, each a list of words with quotes removed. */
export function shellCommands(runText: string): string[][] {
  const trimmed = runText.trim();
  if (trimmed.startsWith("[")) {
    try {
      const words: unknown = JSON.parse(trimmed);
      if (Array.isArray(words) && words.every((w) => typeof w === "string")) return [words];
    } catch {
      // Not valid JSON: Docker runs it through the shell, and so do we.
    }
  }
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charAt(i);
    if (c === "'" || c === '"') {
      const close = trimmed.indexOf(c, i + 1);
      const end = close === -1 ? trimmed.length : close;
      word += trimmed.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === "\\" && i + 1 < trimmed.length) {
      const next = trimmed.charAt(i + 1);
      if (next !== "\n") {
        word += next;
        inWord = true;
      }
      i++;
    } else if (c === "&" || c === "|" || c === ";" || c === "\n" || c === "(" || c === ")") {
      endCommand();
    } else if (c === " " || c === "\t" || c === "\r") {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands.map(withoutPrefixes).filter((command) => command.length > 0);
}

/** Drops what runs a command without being it: `FOO=bar`, `sudo`, `env`, `exec`, `time`. */
function withoutPrefixes(command: string[]): string[] {
  let start = 0;
  while (start < command.length) {
    const word = command[start] ?? "";
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || ["sudo", "env", "exec", "time", "nohup"].includes(word)) start++;
    else break;
  }
  return command.slice(start);
}
