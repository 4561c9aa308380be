// aca-rollout in Azure: the Function App (Flex Consumption) and everything it runs with, plus the least-privilege
// roles on the registry and on each target Container App, and the push wiring (ACR webhook, optional Event Grid).
// Deployed to a resource group: `az deployment group create` or `azd up` (see the README, "Deploy to Azure").
// One module per concern under ./modules. The custom roles' actions are plain string arrays in
// modules/*Role*.bicep, read by test/infra/leastPrivilege.test.ts: keep them literal.
targetScope = 'resourceGroup'

@description('Short name used in every resource name (letters and digits, 3-12).')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('Region of the Function App and its resources; Flex Consumption must be offered there.')
param location string = resourceGroup().location

@description('Tags on every resource created here.')
param tags object = {}

@description('The Durable Functions backend: Azure Storage (the storage account below) or the Durable Task Scheduler (recommended at scale).')
@allowed([
  'AzureStorage'
  'DurableTaskScheduler'
])
param durableBackend string = 'AzureStorage'

@description('Durable task hub name (ACA_ROLLOUT_TASK_HUB): 3-45 letters or digits, starting with a letter. With the Durable Task Scheduler it is also the task hub resource name.')
param taskHubName string = 'acarollout'

@description('Node.js major version of the Functions runtime; package.json engines says >=22.')
param nodeVersion string = '22'

@description('Flex Consumption instance memory in MB (512, 2048 or 4096).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Flex Consumption scale-out limit (40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('The ACR registry the builds run in and the images come from: { name, resourceGroup, subscriptionId? }. It must exist.')
param registry object

@description('The targets document (ACA_ROLLOUT_TARGETS): { targets: [...], allow?: {...} }; see the README, "Settings". Each target\'s containerApp must exist: the identity gets the Container Apps role on each of those apps only.')
param targetsDocument object

@description('SDK retries for transient ARM answers (ACA_ROLLOUT_ARM_MAX_RETRIES).')
param armMaxRetries int = 3

@description('First SDK backoff in ms when an answer carries no Retry-After (ACA_ROLLOUT_ARM_RETRY_DELAY_MS).')
param armRetryDelayMs int = 800

@description('Create the ACR webhook (action push) that calls POST /api/webhooks/acr.')
param enableAcrWebhook bool = true

@description('Repository scope of the ACR webhook, e.g. "team/web:*"; empty means every repository.')
param acrWebhookScope string = ''

@description('Create an Event Grid system topic on the registry with an ImagePushed subscription delivered to the Event Grid trigger. The function must already be deployed (run azd provision again after the first azd deploy).')
param enableEventGrid bool = false

@description('Name of the header the ACR webhook carries the shared secret in (the app reads the same name).')
param acrWebhookSecretHeader string = 'x-aca-rollout-secret'

@description('Pushes for one target within this many seconds make one deploy (ACA_ROLLOUT_AUTO_ROLLOUT_DEBOUNCE_SECONDS, 0-600).')
@minValue(0)
@maxValue(600)
param autoRolloutDebounceSeconds int = 10

@description('NCRONTAB (6 fields) of the reconcile scan that catches pushes no webhook or event announced (ACA_ROLLOUT_SCAN_SCHEDULE).')
param scanSchedule string = '0 */5 * * * *'

@description('Name of the Event Grid trigger function that receives ImagePushed events.')
param eventGridFunctionName string = 'acrImagePushed'

@description('Shared secret the ACR webhook sends in its custom header; stored in Key Vault.')
@secure()
param acrWebhookSecret string

@description('Teams Workflows webhook URL for notifications (empty: none); stored in Key Vault.')
@secure()
param teamsWebhookUrl string = ''

@description('Slack incoming webhook URL for notifications (empty: none); stored in Key Vault.')
@secure()
param slackWebhookUrl string = ''

@description('Generic webhook URL for notifications (empty: none); stored in Key Vault.')
@secure()
param genericWebhookUrl string = ''

@description('Signing secret of the generic webhook (empty: none); stored in Key Vault.')
@secure()
param genericWebhookSecret string = ''

var suffix = uniqueString(resourceGroup().id, namePrefix)
var functionAppName = 'func-${namePrefix}-${suffix}'
var registrySubscriptionId = empty(registry.?subscriptionId ?? '') ? subscription().subscriptionId : registry.subscriptionId
// Every target's app: { subscriptionId, resourceGroup, containerApp, container? }.
var containerAppTargets = map(targetsDocument.targets, t => t.containerApp)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${namePrefix}-${suffix}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    namePrefix: namePrefix
    suffix: suffix
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('st${toLower(namePrefix)}${suffix}', 24)
    location: location
    tags: tags
    // Container names are lower case only.
    deploymentContainerName: toLower('app-package-${take(functionAppName, 32)}')
    principalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    name: take('kv-${namePrefix}-${suffix}', 24)
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    acrWebhookSecret: acrWebhookSecret
    teamsWebhookUrl: teamsWebhookUrl
    slackWebhookUrl: slackWebhookUrl
    genericWebhookUrl: genericWebhookUrl
    genericWebhookSecret: genericWebhookSecret
  }
}

module durableTaskScheduler 'modules/durableTaskScheduler.bicep' = if (durableBackend == 'DurableTaskScheduler') {
  name: 'durableTaskScheduler'
  params: {
    name: 'dts-${namePrefix}-${suffix}'
    taskHubName: taskHubName
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: functionAppName
    planName: 'plan-${namePrefix}-${suffix}'
    location: location
    tags: tags
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    taskHubName: taskHubName
    durableTaskSchedulerEndpoint: durableBackend == 'DurableTaskScheduler' ? durableTaskScheduler!.outputs.endpoint : ''
    targetsDocument: targetsDocument
    armMaxRetries: armMaxRetries
    armRetryDelayMs: armRetryDelayMs
    secretUris: keyVault.outputs.secretUris
    acrWebhookSecretHeader: acrWebhookSecretHeader
    autoRolloutDebounceSeconds: autoRolloutDebounceSeconds
    scanSchedule: scanSchedule
  }
}

// The custom role definitions live in this subscription and are assignable wherever a registry or target is.
module roleDefinitions 'modules/roleDefinitions.bicep' = {
  name: 'roleDefinitions'
  scope: subscription()
  params: {
    assignableSubscriptionIds: union([subscription().subscriptionId, registrySubscriptionId], map(containerAppTargets, t => t.?subscriptionId ?? subscription().subscriptionId))
  }
}

module registryAccess 'modules/registryAccess.bicep' = {
  name: 'registryAccess'
  scope: resourceGroup(registrySubscriptionId, registry.resourceGroup)
  params: {
    registryName: registry.name
    principalId: identity.outputs.principalId
    roleDefinitionId: roleDefinitions.outputs.acrRoleId
  }
}

module containerAppAccess 'modules/containerAppAccess.bicep' = [for (target, i) in containerAppTargets: {
  name: 'containerAppAccess-${i}'
  scope: resourceGroup(target.?subscriptionId ?? subscription().subscriptionId, target.resourceGroup)
  params: {
    containerAppName: target.containerApp
    principalId: identity.outputs.principalId
    roleDefinitionId: roleDefinitions.outputs.containerAppsRoleId
  }
}]

// A write's long-running operation is read under /subscriptions/<id>/providers/Microsoft.App/locations/...: that
// path is outside any resource group, so reading it needs its own (read-only) assignment per target subscription.
module operationStatusAccess 'modules/operationStatusAccess.bicep' = [for subscriptionId in union(map(containerAppTargets, t => t.subscriptionId), []): {
  name: 'operationStatusAccess-${subscriptionId}'
  scope: subscription(subscriptionId)
  params: {
    principalId: identity.outputs.principalId
    roleDefinitionId: roleDefinitions.outputs.containerAppsOperationsRoleId
  }
}]

module acrWebhook 'modules/acrWebhook.bicep' = if (enableAcrWebhook) {
  name: 'acrWebhook'
  scope: resourceGroup(registrySubscriptionId, registry.resourceGroup)
  params: {
    registryName: registry.name
    webhookName: take('acarollout${toLower(namePrefix)}', 50)
    serviceUri: 'https://${functionApp.outputs.defaultHostName}/api/webhooks/acr'
    scope: acrWebhookScope
    secretHeaderName: acrWebhookSecretHeader
    secret: acrWebhookSecret
  }
}

module eventGrid 'modules/eventGrid.bicep' = if (enableEventGrid) {
  name: 'eventGrid'
  scope: resourceGroup(registrySubscriptionId, registry.resourceGroup)
  params: {
    registryName: registry.name
    systemTopicName: 'egst-${namePrefix}-${suffix}'
    functionId: '${functionApp.outputs.id}/functions/${eventGridFunctionName}'
  }
}

@description('Base URL of the API, e.g. https://<app>.azurewebsites.net/api')
output functionUrl string = 'https://${functionApp.outputs.defaultHostName}/api'

@description('The Function App name, for func azure functionapp publish.')
output functionAppName string = functionApp.outputs.name

@description('The Function App name (azd deploys the code to it).')
output AZURE_FUNCTION_NAME string = functionApp.outputs.name

@description('Client id of the identity the code runs as (AZURE_CLIENT_ID).')
output AZURE_CLIENT_ID string = identity.outputs.clientId

@description('Commands that add a target: grant the identity the Container Apps role on the app, then update ACA_ROLLOUT_TARGETS.')
output addTargetCommands array = [
  'az role assignment create --assignee-object-id ${identity.outputs.principalId} --assignee-principal-type ServicePrincipal --role ${roleDefinitions.outputs.containerAppsRoleId} --scope /subscriptions/<subscriptionId>/resourceGroups/<resourceGroup>/providers/Microsoft.App/containerApps/<containerApp>'
  'az role assignment create --assignee-object-id ${identity.outputs.principalId} --assignee-principal-type ServicePrincipal --role ${roleDefinitions.outputs.containerAppsOperationsRoleId} --scope /subscriptions/<subscriptionId>'
  'az functionapp config appsettings set --name ${functionApp.outputs.name} --resource-group ${resourceGroup().name} --settings "ACA_ROLLOUT_TARGETS=$(jq -c . targets.json)"'
]
