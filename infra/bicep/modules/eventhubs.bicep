// Optional Kafka endpoint: an Event Hubs namespace (Standard or above, which has the Kafka surface on port 9093),
// one event hub per telemetry topic plus its '<topic>.dlq' dead-letter hub, and our consumer group on each
// telemetry hub. Kafka clients authenticate with SASL PLAIN, user '$ConnectionString' and a connection string as
// password; both go straight into Key Vault so no output or app setting carries the secret.

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

@description('Secret name of the SASL password.')
param saslPasswordSecretName string

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
    disableLocalAuth: false
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

// Listen for the trigger, Send for the dead-letter producer; no Manage.
resource appRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' = {
  parent: namespace
  name: 'telemetry-functions'
  properties: {
    rights: [
      'Listen'
      'Send'
    ]
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource usernameSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: saslUsernameSecretName
  properties: {
    value: '$ConnectionString'
  }
}

resource passwordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: saslPasswordSecretName
  properties: {
    value: appRule.listKeys().primaryConnectionString
  }
}

@description('Kafka bootstrap address of the namespace.')
output bootstrapServers string = '${namespace.name}.servicebus.windows.net:9093'
