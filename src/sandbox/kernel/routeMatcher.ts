/**
 * Matches request paths against route templates the way ARM does: literal segments compare
 * case-insensitively, `{name}` captures one segment and `{*name}` captures the rest of the path.
 * When several templates match, the one with the most literal segments wins, so
 * `.../registries/{r}/scheduleRun` beats a hypothetical `.../registries/{r}/{child}`.
 */

type Segment = { kind: "literal"; text: string } | { kind: "param"; name: string } | { kind: "rest"; name: string };

interface CompiledTemplate<T> {
  value: T;
  segments: Segment[];
  literalCount: number;
}

/** The outcome of a match: the value registered with the template plus the captured parameters. */
export interface RouteMatch<T> {
  value: T;
  params: Record<string, string>;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((part) => part.length > 0);
}

function compile(template: string): Segment[] {
  return splitPath(template).map((part): Segment => {
    const rest = /^\{\*(\w+)\}$/.exec(part);
    if (rest?.[1]) return { kind: "rest", name: rest[1] };
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1]) return { kind: "param", name: param[1] };
    return { kind: "literal", text: part.toLowerCase() };
  });
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === "rest") {
      if (i >= parts.length) return undefined;
      params[segment.name] = parts.slice(i).map(decode).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === "literal") {
      if (decode(part).toLowerCase() !== segment.text) return undefined;
    } else {
      params[segment.name] = decode(part);
    }
  }
  return segments.length === parts.length ? params : undefined;
}

/** A set of templates, each carrying a value (a route), matched against concrete paths. */
export class RouteMatcher<T> {
  private readonly templates: CompiledTemplate<T>[] = [];

  /** Registers `value` under `template`. */
  add(template: string, value: T): void {
    const segments = compile(template);
    this.templates.push({ value, segments, literalCount: segments.filter((s) => s.kind === "literal").length });
  }

  /** All values whose template matches `path`, most specific first. */
  matchAll(path: string): RouteMatch<T>[] {
    const parts = splitPath(path);
    const matches: { match: RouteMatch<T>; literalCount: number }[] = [];
    for (const compiled of this.templates) {
      const params = matchSegments(compiled.segments, parts);
      if (params) matches.push({ match: { value: compiled.value, params }, literalCount: compiled.literalCount });
    }
    return matches.sort((a, b) => b.literalCount - a.literalCount).map((m) => m.match);
  }
}
