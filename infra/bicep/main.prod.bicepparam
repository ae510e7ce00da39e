// Production: external brokers (e.g. Confluent Cloud) over SASL_SSL; the SASL credentials come from the
// deploying shell's environment into Key Vault and never sit in this file. Alerts on, zone-redundant storage.
//   export KAFKA_BOOTSTRAP_SERVERS=... KAFKA_SASL_USERNAME=... KAFKA_SASL_PASSWORD=... ACTION_GROUP_ID=...
//   az deployment group create -g rg-telemetry-prod -f infra/bicep/main.bicep -p infra/bicep/main.prod.bicepparam
using 'main.bicep'

param environmentName = 'prod'
param baseName = 'telemetry'
param tags = {
  owner: 'telemetry-team'
}

param dotnetVersion = '10.0'
param instanceMemoryMB = 2048
param maximumInstanceCount = 100

param storageSku = 'Standard_ZRS'

param useEventHubs = false
param kafkaBootstrapServers = readEnvironmentVariable('KAFKA_BOOTSTRAP_SERVERS', '')
param kafkaTopics = [
  'telemetry'
]
param kafkaConsumerGroup = 'telemetry-functions'
param kafkaSaslMechanism = 'PLAIN'
param kafkaSaslUsername = readEnvironmentVariable('KAFKA_SASL_USERNAME', '')
param kafkaSaslPassword = readEnvironmentVariable('KAFKA_SASL_PASSWORD', '')

// The MQTT poller's password also comes from the deploying shell into Key Vault.
param mqttPassword = readEnvironmentVariable('MQTT_PASSWORD', '')

param ackStrategy = 'all_or_nothing'

param logRetentionInDays = 90
param actionGroupId = readEnvironmentVariable('ACTION_GROUP_ID', '')
param alertsEnabled = true
param keyVaultSoftDeleteRetentionInDays = 90
param keyVaultPurgeProtection = true

// Storage, Key Vault and the app are reachable only from the virtual network (infra/README.md, Security).
param privateNetworking = true
