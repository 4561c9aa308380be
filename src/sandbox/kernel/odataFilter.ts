/**
 * The small OData `$filter` subset ARM list operations document: comparisons (`eq`, `ne`, `gt`,
 * `ge`, `lt`, `le`) of a property with a quoted string, a number or a boolean, and `contains(Prop,
 * 'text')`, joined by `and` / `or` (`and` binds tighter; no parentheses or `not`, which ACR's runs
 * filter also refuses: "All logical operators except 'Not', 'Has', 'All' are allowed"). A filter the
 * sandbox cannot read is refused rather than ignored, so a client never mistakes an unfiltered list
 * for a filtered one.
 */

/** The values a filter compares, by property name (matched case-insensitively). */
export type FilterRecord = Record<string, string | number | boolean | undefined>;

/** A parsed filter, or why it cannot be read. */
export type ParsedFilter = { ok: true; matches(record: FilterRecord): boolean } | { ok: false; problem: string };

type Comparison = { kind: "compare"; property: string; operator: string; value: string | number | boolean } | { kind: "contains"; property: string; value: string };

const COMPARE = /^([A-Za-z][A-Za-z0-9_]*)\s+(eq|ne|gt|ge|lt|le)\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false)$/i;
const CONTAINS = /^contains\(\s*([A-Za-z][A-Za-z0-9_]*)\s*,\s*'((?:[^']|'')*)'\s*\)$/i;

function parseTerm(text: string, properties: readonly string[]): Comparison | string {
  const known = (name: string): string | undefined => properties.find((property) => property.toLowerCase() === name.toLowerCase());
  const contains = CONTAINS.exec(text);
  if (contains?.[1] && contains[2] !== undefined) {
    const property = known(contains[1]);
    return property ? { kind: "contains", property, value: contains[2].replace(/''/g, "'") } : `unknown property '${contains[1]}'`;
  }
  const compare = COMPARE.exec(text);
  if (!compare?.[1] || !compare[2] || compare[3] === undefined) return `cannot read '${text}'`;
  const property = known(compare[1]);
  if (!property) return `unknown property '${compare[1]}'`;
  const raw = compare[3];
  const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw === "true" ? true : raw === "false" ? false : Number(raw);
  return { kind: "compare", property, operator: compare[2].toLowerCase(), value };
}

function holds(term: Comparison, record: FilterRecord): boolean {
  const actual = Object.entries(record).find(([name]) => name.toLowerCase() === term.property.toLowerCase())?.[1];
  if (term.kind === "contains") return typeof actual === "string" && actual.toLowerCase().includes(term.value.toLowerCase());
  if (actual === undefined) return term.operator === "ne";
  const [a, b] = typeof actual === "string" && typeof term.value === "string" ? [actual.toLowerCase(), term.value.toLowerCase()] : [actual, term.value];
  switch (term.operator) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    default:
      return a <= b;
  }
}

/** Parses `filter` over the given property names. */
export function parseFilter(filter: string, properties: readonly string[]): ParsedFilter {
  if (/[()]/.test(filter.replace(CONTAINS_ANYWHERE, ""))) return { ok: false, problem: "parentheses are not supported" };
  const alternatives: Comparison[][] = [];
  for (const alternative of filter.trim().split(/\s+or\s+/i)) {
    const terms: Comparison[] = [];
    for (const text of alternative.split(/\s+and\s+/i)) {
      const term = parseTerm(text.trim(), properties);
      if (typeof term === "string") return { ok: false, problem: term };
      terms.push(term);
    }
    alternatives.push(terms);
  }
  return { ok: true, matches: (record) => alternatives.some((terms) => terms.every((term) => holds(term, record))) };
}

const CONTAINS_ANYWHERE = /contains\(\s*[A-Za-z][A-Za-z0-9_]*\s*,\s*'(?:[^']|'')*'\s*\)/gi;
