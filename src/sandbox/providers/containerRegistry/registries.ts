/**
 * The container registries the sandbox knows, and their ARM representation (`Registries_Get`,
 * api-version 2025-11-01, shaped like the official `RegistryGet.json` example).
 */
import { systemData } from "../../kernel/systemData.js";
import { armError, type SandboxReply } from "../../kernel/types.js";

/** What a scenario gives to create a registry. */
export interface RegistrySeed {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  sku?: "Basic" | "Standard" | "Premium";
  tags?: Record<string, string>;
}

/** A registry the sandbox serves. */
export interface SandboxRegistry {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  sku: "Basic" | "Standard" | "Premium";
  tags: Record<string, string>;
  /** `<lowercase name>.azurecr.io`, as Azure assigns it. */
  loginServer: string;
  creationDate: string;
}

/** The address of a registry in an ARM path. */
export interface RegistryAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const REGISTRY_NAME = /^[a-zA-Z0-9]{5,50}$/;

/** ARM resource ids are case-insensitive; so is this key. */
export function registryKey(address: RegistryAddress): string {
  return `${address.subscriptionId}/${address.resourceGroup}/${address.name}`.toLowerCase();
}

/** The ARM id of a registry, with the caller's casing. */
export function registryId(address: RegistryAddress): string {
  return `/subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${address.name}`;
}

/** ARM's answer for a registry that does not exist. */
export function registryNotFound(address: RegistryAddress): SandboxReply {
  return armError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.ContainerRegistry/registries/${address.name}' under resource group '${address.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** Registries by case-insensitive ARM address. */
export class RegistryStore {
  private readonly registries = new Map<string, SandboxRegistry>();

  constructor(
    private readonly now: () => number,
    /** When set, any registry a request names is created on first use (handy for `npm start`). */
    private readonly autoCreate: boolean,
  ) {}

  /** Creates (or replaces) a registry. */
  seed(seed: RegistrySeed): SandboxRegistry {
    if (!REGISTRY_NAME.test(seed.name)) throw new Error(`registry name '${seed.name}' must be 5-50 letters or digits`);
    const registry: SandboxRegistry = {
      subscriptionId: seed.subscriptionId,
      resourceGroup: seed.resourceGroup,
      name: seed.name,
      location: seed.location ?? "eastus",
      sku: seed.sku ?? "Standard",
      tags: { ...seed.tags },
      loginServer: `${seed.name.toLowerCase()}.azurecr.io`,
      creationDate: new Date(this.now()).toISOString(),
    };
    this.registries.set(registryKey(seed), registry);
    return registry;
  }

  /** The registry at `address`, creating it when auto-creation is on. */
  find(address: RegistryAddress): SandboxRegistry | undefined {
    const found = this.registries.get(registryKey(address));
    if (found || !this.autoCreate || !REGISTRY_NAME.test(address.name)) return found;
    return this.seed({ subscriptionId: address.subscriptionId, resourceGroup: address.resourceGroup, name: address.name });
  }

  /** Every registry. */
  list(): SandboxRegistry[] {
    return [...this.registries.values()];
  }

  /** Forgets every registry. */
  clear(): void {
    this.registries.clear();
  }

  /** The registry with this {@link registryKey}, never auto-created. */
  byKey(key: string): SandboxRegistry | undefined {
    return this.registries.get(key);
  }

  /** Replaces every registry with saved ones (as {@link list} returned them). */
  restore(registries: readonly SandboxRegistry[]): void {
    this.registries.clear();
    for (const registry of registries) this.registries.set(registryKey(registry), { ...registry, tags: { ...registry.tags } });
  }
}

/** The `Registries_Get` response body. */
export function registryBody(registry: SandboxRegistry): Record<string, unknown> {
  return {
    id: registryId(registry),
    name: registry.name,
    type: "Microsoft.ContainerRegistry/registries",
    location: registry.location,
    tags: registry.tags,
    systemData: systemData(Date.parse(registry.creationDate)),
    sku: { name: registry.sku, tier: registry.sku },
    properties: {
      loginServer: registry.loginServer,
      creationDate: registry.creationDate,
      provisioningState: "Succeeded",
      adminUserEnabled: false,
      networkRuleSet: { defaultAction: "Allow", ipRules: [] },
      policies: {
        quarantinePolicy: { status: "disabled" },
        trustPolicy: { type: "Notary", status: "disabled" },
        retentionPolicy: { days: 7, lastUpdatedTime: registry.creationDate, status: "disabled" },
        exportPolicy: { status: "enabled" },
        azureADAuthenticationAsArmPolicy: { status: "enabled" },
      },
      encryption: { status: "disabled" },
      status: null,
      dataEndpointEnabled: false,
      dataEndpointHostNames: [],
      privateEndpointConnections: [],
      publicNetworkAccess: "Enabled",
      networkRuleBypassOptions: "AzureServices",
      networkRuleBypassAllowedForTasks: false,
      zoneRedundancy: "Disabled",
      anonymousPullEnabled: false,
      roleAssignmentMode: "LegacyRegistryPermissions",
    },
  };
}
