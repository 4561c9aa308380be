// Key Vault for the secrets the app reads through Key Vault references (never as plain app settings): the ACR
// webhook's shared secret and the notification webhook URLs. RBAC authorization; the app's identity gets
// Key Vault Secrets User on this vault only. A URL left empty creates no secret (and no app setting).
param name string
param location string
param tags object
param principalId string

@secure()
param acrWebhookSecret string
@secure()
param teamsWebhookUrl string
@secure()
param slackWebhookUrl string
@secure()
param genericWebhookUrl string
@secure()
param genericWebhookSecret string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'acr-webhook-secret'
  properties: {
    value: acrWebhookSecret
  }
}

resource teams 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(teamsWebhookUrl)) {
  parent: vault
  name: 'teams-webhook-url'
  properties: {
    value: teamsWebhookUrl
  }
}

resource slack 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(slackWebhookUrl)) {
  parent: vault
  name: 'slack-webhook-url'
  properties: {
    value: slackWebhookUrl
  }
}

resource generic 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(genericWebhookUrl)) {
  parent: vault
  name: 'generic-webhook-url'
  properties: {
    value: genericWebhookUrl
  }
}

resource genericSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(genericWebhookSecret)) {
  parent: vault
  name: 'generic-webhook-secret'
  properties: {
    value: genericWebhookSecret
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Versionless URIs, so a rotated secret is picked up without redeploying. Empty where no secret was created.
output secretUris object = {
  acrWebhookSecret: '${vault.properties.vaultUri}secrets/${webhookSecret.name}'
  teamsWebhookUrl: empty(teamsWebhookUrl) ? '' : '${vault.properties.vaultUri}secrets/teams-webhook-url'
  slackWebhookUrl: empty(slackWebhookUrl) ? '' : '${vault.properties.vaultUri}secrets/slack-webhook-url'
  genericWebhookUrl: empty(genericWebhookUrl) ? '' : '${vault.properties.vaultUri}secrets/generic-webhook-url'
  genericWebhookSecret: empty(genericWebhookSecret) ? '' : '${vault.properties.vaultUri}secrets/generic-webhook-secret'
}
