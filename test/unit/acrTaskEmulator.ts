/**
 * Test helper: what acr-builder does with an encoded task, reduced to the constructs our task
 * uses. It renders the Go template the way text/template does with `missingkey=zero` (values are
 * data, never re-parsed; the `<no value>` marker is then deleted, as acr-builder does), folds the
 * build step's `>-` scalar the way YAML does, and splits the resulting command line as a POSIX
 * shell would, refusing anything a shell would interpret. Any template construct it does not know
 * throws, so a change to the task template has to be reflected here deliberately.
 */

type Scope = { dot: unknown };

interface Node {
  kind: "text" | "action" | "block";
  text: string;
  children?: Node[];
}

function parse(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf("{{");
    if (open === -1) {
      stack[stack.length - 1]!.push({ kind: "text", text: rest });
      break;
    }
    if (open > 0) stack[stack.length - 1]!.push({ kind: "text", text: rest.slice(0, open) });
    const close = rest.indexOf("}}", open);
    if (close === -1) throw new Error("unclosed action");
    const action = rest.slice(open + 2, close).trim();
    rest = rest.slice(close + 2);
    if (action === "end") {
      if (stack.length === 1) throw new Error("unexpected end");
      stack.pop();
    } else if (/^(if|range|with) /.test(action)) {
      const block: Node = { kind: "block", text: action, children: [] };
      stack[stack.length - 1]!.push(block);
      stack.push(block.children!);
    } else {
      stack[stack.length - 1]!.push({ kind: "action", text: action });
    }
  }
  if (stack.length !== 1) throw new Error("unclosed block");
  return root;
}

const truthy = (value: unknown): boolean => value !== undefined && value !== null && value !== "" && value !== false && value !== 0;
// Go's text/template prints a missing value as <no value>; the values here are strings, numbers or booleans.
const show = (value: unknown): string =>
  value === undefined || value === null ? "<no value>" : typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);

function evaluate(nodes: Node[], scope: Scope, values: Record<string, string>, run: Record<string, string>): string {
  let out = "";
  for (const node of nodes) {
    if (node.kind === "text") {
      out += node.text;
      continue;
    }
    const text = node.text;
    let match: RegExpMatchArray | null;
    if (node.kind === "action") {
      if ((match = text.match(/^\.Values\.([A-Za-z0-9]+)$/))) out += show(values[match[1]!]);
      else if ((match = text.match(/^\.Run\.([A-Za-z0-9]+)$/))) out += show(run[match[1]!]);
      else if ((match = text.match(/^replace ("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*") \.$/))) {
        const from = JSON.parse(match[1]!) as string;
        const to = JSON.parse(match[2]!) as string;
        out += String(scope.dot).split(from).join(to);
      } else throw new Error(`emulator does not know action {{${text}}}`);
      continue;
    }
    const children = node.children!;
    if ((match = text.match(/^if \.Values\.([A-Za-z0-9]+)$/))) {
      if (truthy(values[match[1]!])) out += evaluate(children, scope, values, run);
    } else if ((match = text.match(/^range until (\d+)$/))) {
      for (let i = 0; i < Number(match[1]); i += 1) out += evaluate(children, { dot: i }, values, run);
    } else if ((match = text.match(/^with index \$\.Values \(printf "([A-Za-z]+)%d" \.\)$/))) {
      const value = values[`${match[1]}${String(scope.dot)}`];
      if (truthy(value)) out += evaluate(children, { dot: value }, values, run);
    } else throw new Error(`emulator does not know block {{${text}}}`);
  }
  return out;
}

/** Renders the task text as acr-builder does before parsing the YAML. */
export function renderTask(template: string, values: Record<string, string>, run: Record<string, string>): string {
  return evaluate(parse(template), { dot: undefined }, values, run).split("<no value>").join("");
}

/** A step as parsed from the rendered YAML (only the keys our task uses). */
export interface RenderedStep {
  id: string;
  cmd: string;
  timeout: string;
}

/**
 * Reads the steps out of the rendered task, checking its structure strictly: steps are
 * `  - id:` items with `    key: value` lines, and a `cmd: >-` folded scalar whose content lines
 * are all indented exactly six spaces (no blank or more-indented line, which YAML would keep as a
 * newline). Folding joins those lines with single spaces, as YAML does.
 */
export function readSteps(rendered: string): RenderedStep[] {
  const lines = rendered.split("\n");
  if (lines[0] !== "version: v1.1.0" || lines[1] !== "steps:") throw new Error("unexpected task header");
  const steps: RenderedStep[] = [];
  let i = 2;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line === "" && i === lines.length - 1) break;
    const item = line.match(/^ {2}- id: ([a-z-]+)$/);
    if (!item) throw new Error(`line ${i + 1} is not a step item: ${JSON.stringify(line)}`);
    const step: RenderedStep = { id: item[1]!, cmd: "", timeout: "" };
    i += 1;
    while (i < lines.length && /^ {4}[a-z]+:/.test(lines[i]!)) {
      const [, key, value] = lines[i]!.match(/^ {4}([a-z]+): ?(.*)$/)!;
      i += 1;
      if (key === "cmd" && value === ">-") {
        const folded: string[] = [];
        while (i < lines.length && lines[i]!.startsWith("      ")) {
          if (!/^ {6}\S/.test(lines[i]!)) throw new Error(`line ${i + 1} is more indented than the folded scalar`);
          folded.push(lines[i]!.slice(6));
          i += 1;
        }
        step.cmd = folded.join(" ");
      } else if (key === "cmd") step.cmd = value!;
      else if (key === "timeout") step.timeout = value!;
      else if (key !== "when") throw new Error(`unexpected key ${key}`);
    }
    steps.push(step);
  }
  return steps;
}

const SAFE_UNQUOTED = /[A-Za-z0-9_./:=,@%+-]/;

/**
 * Splits a command line like a POSIX shell, accepting only inert syntax: words of safe characters,
 * single-quoted strings and `\'`. Anything the shell would interpret outside single quotes
 * (`$`, backticks, `;`, `|`, `&`, redirections, double quotes, globs, newlines...) throws.
 */
export function splitInertShellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (c === " ") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error("unterminated single quote");
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && line[i + 1] === "'") {
      word = (word ?? "") + "'";
      i += 1;
    } else if (SAFE_UNQUOTED.test(c)) {
      word = (word ?? "") + c;
    } else {
      throw new Error(`shell would interpret ${JSON.stringify(c)} at ${i}: ${line.slice(Math.max(0, i - 20), i + 20)}`);
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
