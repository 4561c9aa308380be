// Grants the app's identity the aca-rollout Container Apps role on one target app (not its resource group or environment).
param containerAppName string
param principalId string
param roleDefinitionId string

resource app 'Microsoft.App/containerApps@2026-01-01' existing = {
  name: containerAppName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(app.id, principalId, roleDefinitionId)
  scope: app
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
