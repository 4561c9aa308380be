// Parameters for main.bicep. `azd up` fills the readEnvironmentVariable() values from the azd environment
// (`azd env set REGISTRY_NAME myacr`, ...); `az deployment group create` reads the same variables from the shell.
using 'main.bicep'

param namePrefix = readEnvironmentVariable('ACA_ROLLOUT_NAME_PREFIX', 'acarollout')
param location = readEnvironmentVariable('AZURE_LOCATION', 'swedencentral')

// 'AzureStorage' (default) or 'DurableTaskScheduler'; see the README, "Choosing the Durable backend".
param durableBackend = readEnvironmentVariable('DURABLE_BACKEND', 'AzureStorage')

// The existing registry the builds run in.
param registry = {
  name: readEnvironmentVariable('REGISTRY_NAME')
  resourceGroup: readEnvironmentVariable('REGISTRY_RESOURCE_GROUP')
  subscriptionId: readEnvironmentVariable('REGISTRY_SUBSCRIPTION_ID', readEnvironmentVariable('AZURE_SUBSCRIPTION_ID', ''))
}

// The targets, one file for both the app setting and the role assignments: add a target there and provision again.
param targetsDocument = loadJsonContent('targets.json')

param enableAcrWebhook = bool(readEnvironmentVariable('ENABLE_ACR_WEBHOOK', 'true'))
param acrWebhookScope = readEnvironmentVariable('ACR_WEBHOOK_SCOPE', '')
param enableEventGrid = bool(readEnvironmentVariable('ENABLE_EVENT_GRID', 'false'))

param acrWebhookSecret = readEnvironmentVariable('ACR_WEBHOOK_SECRET')
param teamsWebhookUrl = readEnvironmentVariable('TEAMS_WEBHOOK_URL', '')
param slackWebhookUrl = readEnvironmentVariable('SLACK_WEBHOOK_URL', '')
param genericWebhookUrl = readEnvironmentVariable('GENERIC_WEBHOOK_URL', '')
param genericWebhookSecret = readEnvironmentVariable('GENERIC_WEBHOOK_SECRET', '')
