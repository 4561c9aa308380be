// The registry's webhook: on every push (within `scope`) ACR POSTs to the app's /api/webhooks/acr with the shared
// secret in a custom header. ACR waits 5 s and never retries, which is why a reconcile timer also runs.
param registryName string
param webhookName string
param serviceUri string
@description('Repository (and tag) filter, e.g. "team/web:*"; empty for the whole registry.')
param scope string
param secretHeaderName string
@secure()
param secret string

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' existing = {
  name: registryName
}

resource webhook 'Microsoft.ContainerRegistry/registries/webhooks@2025-11-01' = {
  parent: registry
  name: webhookName
  location: registry.location
  properties: {
    serviceUri: serviceUri
    customHeaders: {
      '${secretHeaderName}': secret
    }
    status: 'enabled'
    scope: scope
    actions: [
      'push'
    ]
  }
}

output id string = webhook.id
