/**
 * Compares a built image's layers with the last known good image's: a layer whose digest the old
 * image has is reused (the registry and every node that ran the old image already hold it), any
 * other is new. Layer digests are content digests, so equal digests are equal bytes.
 */
import type { LayerDescriptor, LayerReport } from "../domain/buildReport.js";

/** The layer report of `built` against `baseline` (undefined: nothing to compare with, all new). */
export function compareLayers(built: readonly LayerDescriptor[], baseline: { digest: string; layers: readonly LayerDescriptor[] } | undefined): LayerReport {
  const known = new Set((baseline?.layers ?? []).map((layer) => layer.digest));
  const fresh = built.filter((layer) => !known.has(layer.digest));
  return {
    total: built.length,
    new: fresh.length,
    reused: built.length - fresh.length,
    bytesTotal: built.reduce((sum, layer) => sum + layer.size, 0),
    bytesNew: fresh.reduce((sum, layer) => sum + layer.size, 0),
    ...(baseline ? { comparedWith: baseline.digest } : {}),
  };
}
