// The custom roles, with exactly the operations aca-rollout performs. test/infra/leastPrivilege.test.ts reads the
// `actions` and `dataActions` arrays below (plain string literals, one per line) and checks them against every
// operation the sandbox recorded while the product ran: an action used but not granted fails, and so does one
// granted but never used. Change them only together with the code.
targetScope = 'subscription'

@description('Subscriptions holding the registry and the targets: the roles must be assignable there.')
param assignableSubscriptionIds array

var assignableScopes = [for id in assignableSubscriptionIds: '/subscriptions/${id}']

// On the registry: run builds (ACR Tasks), follow and cancel them, read their logs, upload build contexts,
// and read images (tag to digest, manifests) from the data plane. No push (the ACR Tasks run pushes), no delete,
// no registry configuration.
resource acrRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'aca-rollout', 'registry')
  properties: {
    roleName: 'aca-rollout registry builder (${subscription().subscriptionId})'
    description: 'Schedule and follow ACR Tasks runs, read their logs, get build-source upload URLs, and read images. Assigned on one registry.'
    type: 'CustomRole'
    assignableScopes: assignableScopes
    permissions: [
      {
        actions: [
          'Microsoft.ContainerRegistry/registries/scheduleRun/action'
          'Microsoft.ContainerRegistry/registries/runs/read'
          'Microsoft.ContainerRegistry/registries/runs/cancel/action'
          'Microsoft.ContainerRegistry/registries/runs/listLogSasUrl/action'
          'Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action'
          'Microsoft.ContainerRegistry/registries/pull/read'
        ]
        notActions: []
        // Registries in "RBAC Registry + ABAC Repository Permissions" mode check these instead of pull/read.
        dataActions: [
          'Microsoft.ContainerRegistry/registries/repositories/content/read'
          'Microsoft.ContainerRegistry/registries/repositories/metadata/read'
        ]
        notDataActions: []
      }
    ]
  }
}

// On each target Container App: read it and its revisions, patch it (image, traffic), and restart, activate or
// deactivate its revisions. No create, no delete, no secrets (listSecrets), no environment access.
resource containerAppsRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'aca-rollout', 'containerapps')
  properties: {
    roleName: 'aca-rollout container app deployer (${subscription().subscriptionId})'
    description: 'Read and update one Container App and restart, activate or deactivate its revisions. Assigned on each target app.'
    type: 'CustomRole'
    assignableScopes: assignableScopes
    permissions: [
      {
        actions: [
          'Microsoft.App/containerApps/read'
          'Microsoft.App/containerApps/write'
          'Microsoft.App/containerApps/revisions/read'
          'Microsoft.App/containerApps/revisions/restart/action'
          'Microsoft.App/containerApps/revisions/activate/action'
          'Microsoft.App/containerApps/revisions/deactivate/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

// When Azure accepts a Container App PATCH but cannot carry it out (an image it cannot pull), only the write's
// long-running operation says why. Container Apps serves it under /subscriptions/<id>/providers/Microsoft.App/
// locations/<region>/containerappOperationStatuses/<id>, outside any resource group: reading it is all this allows.
resource containerAppsOperationsRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'aca-rollout', 'containerapps-operations')
  properties: {
    roleName: 'aca-rollout container app operation reader (${subscription().subscriptionId})'
    description: 'Read the status of Container Apps long-running operations. Assigned on each target subscription.'
    type: 'CustomRole'
    assignableScopes: assignableScopes
    permissions: [
      {
        actions: [
          'Microsoft.App/locations/containerappOperationStatuses/read'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

output acrRoleId string = acrRole.id
output containerAppsRoleId string = containerAppsRole.id
output containerAppsOperationsRoleId string = containerAppsOperationsRole.id
