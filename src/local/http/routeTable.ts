/**
 * Maps a request's method and path to an HTTP function, the way the Functions host's routing does:
 * the route prefix from host.json, most specific template first. A path some function serves with
 * other methods is not "not found": the local runtime answers 405 with `Allow` (RFC 9110 §15.5.6),
 * where the Azure Functions host answers 404.
 */
import type { HttpFunctionSpec } from "./httpFunction.js";
import { compareRoutePrecedence, compileRouteTemplate, type RouteTemplate } from "../routing/routeTemplate.js";

interface CompiledRoute {
  spec: HttpFunctionSpec;
  template: RouteTemplate;
  order: number;
}

/** A routed request. */
export interface RouteMatch {
  spec: HttpFunctionSpec;
  params: Record<string, string>;
}

/** Splits a URL path (no query) into segments, ignoring leading and trailing slashes. */
export function splitPath(pathname: string): string[] {
  let start = 0;
  let end = pathname.length;
  while (start < end && pathname.charCodeAt(start) === 47) start++;
  while (end > start && pathname.charCodeAt(end - 1) === 47) end--;
  return start === end ? [] : pathname.slice(start, end).split("/");
}

/** The compiled routes of every HTTP function. */
export class RouteTable {
  private readonly routes: CompiledRoute[];

  /** Compiles every function's route under `routePrefix` (may be empty); throws on invalid templates. */
  constructor(functions: readonly HttpFunctionSpec[], routePrefix: string) {
    const prefix = routePrefix.replace(/^\/+|\/+$/g, "");
    this.routes = functions
      .map((spec, order) => {
        const route = spec.route.replace(/^\/+/, "");
        const full = prefix === "" ? route : route === "" ? prefix : `${prefix}/${route}`;
        return { spec, template: compileRouteTemplate(full), order };
      })
      .sort((a, b) => compareRoutePrecedence(a.template, b.template) || a.order - b.order);
  }

  /** The function serving `method` on `pathname`, or undefined (the host's 404). */
  find(method: string, pathname: string): RouteMatch | undefined {
    const segments = splitPath(pathname);
    const upper = method.toUpperCase();
    for (const route of this.routes) {
      if (!route.spec.methods.has(upper)) continue;
      const params = route.template.match(segments);
      if (params) return { spec: route.spec, params };
    }
    return undefined;
  }

  /** Every method some function accepts on `pathname` (sorted; empty when no route matches the path). */
  allowedMethods(pathname: string): string[] {
    const segments = splitPath(pathname);
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.template.match(segments)) for (const method of route.spec.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}
