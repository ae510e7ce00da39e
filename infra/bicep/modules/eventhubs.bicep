// Optional Kafka endpoint: an Event Hubs namespace (Standard or above, which has the Kafka surface on port 9093),
// one event hub per telemetry topic plus its '<topic>.dlq' dead-letter hub, and our consumer group on each
// telemetry hub. Kafka clients authenticate with SASL PLAIN, user '$ConnectionString' and a connection string as
// password; the connection strings go straight into Key Vault so no output or app setting carries a secret.
//
// Least privilege: no namespace-wide rule. Each hub has its own rule, and a hub-scoped connection string opens that
// hub only: the telemetry hub's rule has Listen (the trigger and the lag poller) and Send (the pollers publish their
// readings to the telemetry topic); the dead-letter hub's rule has Send only, and is the DLQ producer's own
// credential (Kafka:DeadLetterSaslPassword). No rule has Manage, and no credential reads dead letters. The app's
// credentials are those of the first topic's hubs, so with Event Hubs the app consumes one topic.

@description('Event Hubs namespace name.')
param namespaceName string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Namespace tier (Basic has no Kafka endpoint).')
@allowed([
  'Standard'
  'Premium'
])
param skuName string

@description('Throughput or processing units.')
@minValue(1)
@maxValue(40)
param capacity int

@description('Telemetry topics (event hubs). Each also gets a dead-letter hub named <topic><dlqSuffix>.')
param topics string[]

@description('Suffix of the dead-letter topic of each telemetry topic.')
param dlqSuffix string

@description('Partitions per telemetry hub.')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Message retention of each hub in days.')
@minValue(1)
@maxValue(7)
param retentionInDays int

@description('Consumer group the function app joins.')
param consumerGroup string

@description('Key Vault that receives the SASL credentials.')
param keyVaultName string

@description('Secret name of the SASL user name.')
param saslUsernameSecretName string

@description('Secret name of the SASL password (telemetry hub rule).')
param saslPasswordSecretName string

@description('Secret name of the dead-letter producer\'s SASL password (dead-letter hub rule).')
param deadLetterSaslPasswordSecretName string

@description('Resource id of the identity; names the role assignments so they are known before deployment.')
param identityResourceId string

@description('Principal that reads the secrets (Key Vault Secrets User on each secret).')
param readerPrincipalId string

@description('Private network mode: no public network access; the app reaches the namespace through a private endpoint.')
param privateNetworking bool

@description('Log Analytics workspace that receives the namespace\'s logs.')
param workspaceId string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: capacity
  }
  properties: {
    kafkaEnabled: true
    minimumTlsVersion: '1.2'
    // SAS stays on: Kafka clients sign in with SASL PLAIN and a hub-scoped connection string (see above).
    disableLocalAuth: false
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
  }
}

resource telemetryHubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [
  for topic in topics: {
    parent: namespace
    name: topic
    properties: {
      partitionCount: partitionCount
      messageRetentionInDays: retentionInDays
    }
  }
]

resource deadLetterHubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [
  for topic in topics: {
    parent: namespace
    name: '${topic}${dlqSuffix}'
    properties: {
      partitionCount: partitionCount
      messageRetentionInDays: retentionInDays
    }
  }
]

resource consumerGroups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [
  for (topic, i) in topics: {
    parent: telemetryHubs[i]
    name: consumerGroup
  }
]

resource telemetryRules 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2024-01-01' = [
  for (topic, i) in topics: {
    parent: telemetryHubs[i]
    name: 'telemetry-functions'
    properties: {
      rights: [
        'Listen'
        'Send'
      ]
    }
  }
]

resource deadLetterRules 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2024-01-01' = [
  for (topic, i) in topics: {
    parent: deadLetterHubs[i]
    name: 'telemetry-functions-dlq'
    properties: {
      rights: [
        'Send'
      ]
    }
  }
]

resource namespaceLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'eventhubs-to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

module usernameSecret 'secret.bicep' = {
  name: 'secret-${saslUsernameSecretName}'
  params: {
    keyVaultName: keyVaultName
    name: saslUsernameSecretName
    value: '$ConnectionString'
    identityResourceId: identityResourceId
    readerPrincipalId: readerPrincipalId
  }
}

module passwordSecret 'secret.bicep' = {
  name: 'secret-${saslPasswordSecretName}'
  params: {
    keyVaultName: keyVaultName
    name: saslPasswordSecretName
    value: telemetryRules[0].listKeys().primaryConnectionString
    identityResourceId: identityResourceId
    readerPrincipalId: readerPrincipalId
  }
}

module deadLetterPasswordSecret 'secret.bicep' = {
  name: 'secret-${deadLetterSaslPasswordSecretName}'
  params: {
    keyVaultName: keyVaultName
    name: deadLetterSaslPasswordSecretName
    value: deadLetterRules[0].listKeys().primaryConnectionString
    identityResourceId: identityResourceId
    readerPrincipalId: readerPrincipalId
  }
}

@description('Resource id of the namespace (private endpoint target).')
output id string = namespace.id

@description('Kafka bootstrap address of the namespace.')
output bootstrapServers string = '${namespace.name}.servicebus.windows.net:9093'
