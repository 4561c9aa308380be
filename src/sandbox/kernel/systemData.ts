/**
 * ARM's `systemData`, which every resource carries as `Resource.systemData` in the common types
 * (`common-types/resource-management/v5/types.json`): who created and last modified it, and when.
 * The official examples leave it out; Azure returns it. The sandbox's caller is an application
 * (a managed identity or service principal), named by a fixed id.
 */

/** The `systemData` object. */
export interface SystemData {
  createdBy: string;
  createdByType: "Application";
  createdAt: string;
  lastModifiedBy: string;
  lastModifiedByType: "Application";
  lastModifiedAt: string;
}

/** The client id the sandbox names as creator and modifier. */
export const SANDBOX_PRINCIPAL = "00000000-0000-0000-0000-00000000a11c";

/** `systemData` for a resource created at `createdAt` and last modified at `modifiedAt` (epoch ms). */
export function systemData(createdAt: number, modifiedAt: number = createdAt): SystemData {
  return {
    createdBy: SANDBOX_PRINCIPAL,
    createdByType: "Application",
    createdAt: new Date(createdAt).toISOString(),
    lastModifiedBy: SANDBOX_PRINCIPAL,
    lastModifiedByType: "Application",
    lastModifiedAt: new Date(modifiedAt).toISOString(),
  };
}
