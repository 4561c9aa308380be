// The Function App on Flex Consumption: runtime and scale in functionAppConfig, the deployment package in a blob
// container reached with the user-assigned identity, identity-based AzureWebJobsStorage, and the app settings
// the code reads. test/infra/settingsDrift.test.ts reads the four settings objects below by name: keep their
// keys literal. Secrets are Key Vault references resolved with the same identity (keyVaultReferenceIdentity).
param name string
param planName string
param location string
param tags object
param nodeVersion string
param instanceMemoryMB int
param maximumInstanceCount int
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string
param appInsightsConnectionString string
param taskHubName string
@description('The Durable Task Scheduler endpoint; empty for the Azure Storage backend.')
param durableTaskSchedulerEndpoint string
param targetsDocument object
param armMaxRetries int
param armRetryDelayMs int
@description('Versionless Key Vault secret URIs by secret (keyVault.bicep); empty where none was stored.')
param secretUris object
param acrWebhookSecretHeader string
@description('Pushes for one target within this many seconds make one deploy.')
param autoRolloutDebounceSeconds int
@description('NCRONTAB (6 fields) of the reconcile scan timer.')
param scanSchedule string

// Read by the Functions host, the Durable extension and Application Insights, not by aca-rollout.
var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Read by aca-rollout (src/config and the activities). Plain values only: no secret belongs here.
var productSettings = {
  ACA_ROLLOUT_MODE: 'azure'
  ACA_ROLLOUT_TARGETS: string(targetsDocument)
  ACA_ROLLOUT_TASK_HUB: taskHubName
  ACA_ROLLOUT_ARM_MAX_RETRIES: string(armMaxRetries)
  ACA_ROLLOUT_ARM_RETRY_DELAY_MS: string(armRetryDelayMs)
  ACA_ROLLOUT_WEBHOOK_SECRET_HEADER: acrWebhookSecretHeader
  ACA_ROLLOUT_AUTO_ROLLOUT_DEBOUNCE_SECONDS: string(autoRolloutDebounceSeconds)
  ACA_ROLLOUT_SCAN_SCHEDULE: scanSchedule
  AZURE_CLIENT_ID: identityClientId
}

// Secrets, by app setting: each becomes a Key Vault reference; one with no stored secret is left out.
var keyVaultSettings = {
  ACA_ROLLOUT_WEBHOOK_SECRET: secretUris.acrWebhookSecret
  NOTIFY_TEAMS_WEBHOOK_URL: secretUris.teamsWebhookUrl
  NOTIFY_SLACK_WEBHOOK_URL: secretUris.slackWebhookUrl
  NOTIFY_WEBHOOK_URL: secretUris.genericWebhookUrl
  NOTIFY_WEBHOOK_SECRET: secretUris.genericWebhookSecret
}

// The Durable Task Scheduler backend: host.json keeps the Azure Storage provider, and these settings override
// its storageProvider (the host reads AzureFunctionsJobHost__<path> as host.json values).
var durableTaskSchedulerSettings = {
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
}

var keyVaultReferences = toObject(filter(items(keyVaultSettings), s => !empty(s.value)), s => s.key, s => '@Microsoft.KeyVault(SecretUri=${s.value})')

var appSettings = union(hostSettings, productSettings, keyVaultReferences, empty(durableTaskSchedulerEndpoint) ? {} : durableTaskSchedulerSettings)

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  // azd deploys the `api` service of azure.yaml to the app carrying this tag.
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// Flex Consumption takes app settings as a child resource; FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION must not be set there (functionAppConfig.runtime says it).
resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
