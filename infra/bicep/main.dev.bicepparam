// Development: Event Hubs (Standard) as the Kafka endpoint, small scale, short retention.
//   az deployment group create -g rg-telemetry-dev -f infra/bicep/main.bicep -p infra/bicep/main.dev.bicepparam
using 'main.bicep'

param environmentName = 'dev'
param baseName = 'telemetry'
param tags = {
  owner: 'telemetry-team'
}

param dotnetVersion = '10.0'
param instanceMemoryMB = 2048
param maximumInstanceCount = 10

param storageSku = 'Standard_LRS'

param useEventHubs = true
param kafkaTopics = [
  'telemetry'
]
param kafkaConsumerGroup = 'telemetry-functions'
param eventHubsSku = 'Standard'
param eventHubsCapacity = 1
param eventHubsPartitionCount = 4
param eventHubsRetentionInDays = 1

param ackStrategy = 'all_or_nothing'

param logRetentionInDays = 30
param actionGroupId = ''
param alertsEnabled = false
param keyVaultSoftDeleteRetentionInDays = 7
// Dev vaults are torn down and re-created under the same name; purge protection would block that for 7 days.
param keyVaultPurgeProtection = false

param privateNetworking = false
