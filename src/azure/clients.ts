/**
 * The one place Azure SDK clients are built. Everything else asks this module for a client, so the
 * endpoint, credential, TLS trust (the sandbox's CA) and retry policy are decided once. The SDKs
 * load on the first client built (./sdk.ts), not when a function module is imported.
 */
import type { ContainerAppsAPIClient } from "@azure/arm-appcontainers";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { TokenCredential } from "@azure/core-auth";
import type { ContainerRegistryClient, ContainerRegistryContentClient } from "@azure/container-registry";
import type { BlobClient, StoragePipelineOptions } from "@azure/storage-blob";
import type { Settings } from "../config/settings.js";
import { credentialFor } from "./credential.js";
import { armAppContainers, armContainerRegistry, containerRegistryDataPlane, storageBlob } from "./sdk.js";

/** Retry settings shared by every client; the SDK honours Retry-After on 429 and 503. */
export interface RetrySettings {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}


/** Factory for the SDK clients aca-rollout uses, with per-subscription / per-registry caching. */
export class AzureClients {
  private readonly credential: TokenCredential;
  private readonly apps = new Map<string, ContainerAppsAPIClient>();
  private readonly registries = new Map<string, ContainerRegistryManagementClient>();
  private readonly dataPlanes = new Map<string, ContainerRegistryClient>();
  private readonly contents = new Map<string, ContainerRegistryContentClient>();
  private blobTls: { ca: string } | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly retry: RetrySettings = settings.armRetry,
    credential?: TokenCredential,
  ) {
    this.credential = credential ?? credentialFor(settings.mode);
  }

  /** Options every client shares: endpoint, TLS trust and retries. */
  private commonOptions() {
    return {
      tlsOptions: this.settings.armCaPem ? { ca: this.settings.armCaPem } : undefined,
      retryOptions: { ...this.retry },
    };
  }

  /** Container Apps management client for a subscription. */
  containerApps(subscriptionId: string): ContainerAppsAPIClient {
    let client = this.apps.get(subscriptionId);
    if (!client) {
      client = new (armAppContainers().ContainerAppsAPIClient)(this.credential, subscriptionId, {
        endpoint: this.settings.armEndpoint,
        credentials: { scopes: [`${this.armAudience()}/.default`] },
        ...this.commonOptions(),
      });
      this.apps.set(subscriptionId, client);
    }
    return client;
  }

  /** Container Registry management client (ACR Tasks runs) for a subscription. */
  containerRegistry(subscriptionId: string): ContainerRegistryManagementClient {
    let client = this.registries.get(subscriptionId);
    if (!client) {
      client = new (armContainerRegistry().ContainerRegistryManagementClient)(this.credential, subscriptionId, {
        endpoint: this.settings.armEndpoint,
        credentialScopes: [`${this.armAudience()}/.default`],
        ...this.commonOptions(),
      });
      this.registries.set(subscriptionId, client);
    }
    return client;
  }

  /** ACR data-plane client for a registry login server (e.g. `myreg.azurecr.io`). */
  registryData(loginServer: string): ContainerRegistryClient {
    let client = this.dataPlanes.get(loginServer);
    if (!client) {
      const endpoint = this.settings.registryEndpoints[loginServer] ?? `https://${loginServer}`;
      client = new (containerRegistryDataPlane().ContainerRegistryClient)(endpoint, this.credential, {
        audience: containerRegistryDataPlane().KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
        ...this.commonOptions(),
      });
      this.dataPlanes.set(loginServer, client);
    }
    return client;
  }

  /** ACR data-plane content client (manifests and blobs) for one repository of a registry. */
  registryContent(loginServer: string, repository: string): ContainerRegistryContentClient {
    const key = `${loginServer}/${repository}`;
    let client = this.contents.get(key);
    if (!client) {
      const endpoint = this.settings.registryEndpoints[loginServer] ?? `https://${loginServer}`;
      client = new (containerRegistryDataPlane().ContainerRegistryContentClient)(endpoint, repository, this.credential, {
        audience: containerRegistryDataPlane().KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
        ...this.commonOptions(),
      });
      this.contents.set(key, client);
    }
    return client;
  }

  /**
   * A blob client for a SAS URL handed out by Azure (e.g. an ACR run's log link). Not cached: each URL
   * carries its own short-lived token. `StoragePipelineOptions` does not declare `tlsOptions`, but
   * @azure/storage-blob 12 passes its options to core-rest-pipeline, which applies them.
   */
  blobClient(sasUrl: string): BlobClient {
    const options: StoragePipelineOptions & { tlsOptions?: { ca: string } } = {
      // One TLS settings object for every blob client: the HTTP client keys its keep-alive agents by
      // that object, so the build wait's frequent log checks reuse a connection.
      tlsOptions: (this.blobTls ??= this.commonOptions().tlsOptions),
      // Storage counts tries, not retries.
      retryOptions: { maxTries: this.retry.maxRetries + 1, retryDelayInMs: this.retry.retryDelayInMs, maxRetryDelayInMs: this.retry.maxRetryDelayInMs },
    };
    return new (storageBlob().BlobClient)(sasUrl, undefined, options);
  }

  /** The token audience: ARM's public-cloud audience, or the sandbox's own origin. */
  private armAudience(): string {
    return this.settings.mode === "sandbox" ? this.settings.armEndpoint : "https://management.azure.com";
  }
}
