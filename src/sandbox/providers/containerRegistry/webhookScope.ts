/**
 * ACR webhook scope: "The scope of repositories where the event can be triggered. For example,
 * 'foo:*' means events for all tags under repository 'foo'. 'foo:bar' means events for 'foo:bar'
 * only. 'foo' is equivalent to 'foo:latest'. Empty means all events." (Microsoft.ContainerRegistry
 * `WebhookProperties.scope`, 2025-11-01). `*` stands for any run of characters, in either part.
 */

/** Whether an event about `repository` (and `tag`, absent for untagged pushes and deletes) is in `scope`. */
export function inWebhookScope(scope: string | undefined, repository: string, tag: string | undefined): boolean {
  if (scope === undefined || scope.trim() === "") return true;
  const colon = scope.lastIndexOf(":");
  const repositoryPattern = colon >= 0 ? scope.slice(0, colon) : scope;
  const tagPattern = colon >= 0 ? scope.slice(colon + 1) : "latest";
  if (!globMatches(repositoryPattern, repository)) return false;
  // An event without a tag is in scope only where every tag is.
  return tag === undefined ? /^\*+$/.test(tagPattern) : globMatches(tagPattern, tag);
}

/** `*` matches any run of characters; everything else literally. Linear: no backtracking blow-up. */
function globMatches(pattern: string, text: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === text;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = text.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}
