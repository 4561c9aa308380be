// The user-assigned managed identity the code runs as (AZURE_CLIENT_ID): it reaches storage, Key Vault,
// the Durable Task Scheduler, the registry and the target Container Apps. User-assigned so that the roles
// can be granted before the app exists and survive a re-created app.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
