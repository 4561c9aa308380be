// Optional: the registry's Event Grid system topic and an ImagePushed subscription delivered straight to the Event
// Grid trigger function (endpointType AzureFunction: Event Grid validates through ARM, no handshake request).
// The function must exist when this is deployed, so enable it after the code is deployed once.
param registryName string
param systemTopicName string
@description('Resource id of the Event Grid trigger: <function app id>/functions/<function name>.')
param functionId string

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' existing = {
  name: registryName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: registry.location
  properties: {
    source: registry.id
    topicType: 'Microsoft.ContainerRegistry.Registries'
  }
}

resource imagePushed 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'aca-rollout-image-pushed'
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: functionId
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.ContainerRegistry.ImagePushed'
      ]
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output systemTopicId string = topic.id
