// Telemetry Functions on Azure: one resource-group deployment stands up the Flex Consumption function app, its
// identity and role assignments, the storage account with the ledger tables, Log Analytics + Application Insights,
// Key Vault for the Kafka SASL credentials, optionally an Event Hubs namespace as the Kafka endpoint, the workbook
// and the seed-001 alert rules.
//
//   az deployment group create -g <rg> -f infra/bicep/main.bicep -p infra/bicep/main.dev.bicepparam
targetScope = 'resourceGroup'

@description('Environment name, part of every resource name.')
@allowed([
  'dev'
  'prod'
])
param environmentName string

@description('Short product name, part of every resource name (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param baseName string = 'telemetry'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags object = {}

// ----- Function app -----

@description('.NET isolated worker version on Flex Consumption.')
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param dotnetVersion string = '10.0'

@description('Memory per Flex instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of Flex scale-out.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

// ----- Storage and ledger -----

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Prefix of the ledger\'s table names (letters and digits), so several ledgers can share one account.')
param ledgerTablePrefix string = 'telemetry'

// ----- Kafka -----

@description('Create an Event Hubs namespace as the Kafka endpoint; false uses external brokers (kafkaBootstrapServers).')
param useEventHubs bool = true

@description('Bootstrap servers of external brokers (host:port, comma-separated). Ignored with Event Hubs.')
param kafkaBootstrapServers string = ''

@description('The one telemetry topic the function app consumes: the Kafka trigger subscribes to exactly one topic name (deploy one app per topic). A list so the Event Hubs module can create it with its dead-letter hub.')
@minLength(1)
@maxLength(1)
param kafkaTopics string[] = [
  'telemetry'
]

@description('Consumer group of the function app.')
param kafkaConsumerGroup string = 'telemetry-functions'

@description('SASL mechanism of external brokers. Event Hubs uses PLAIN. The Kafka trigger\'s mechanism is compiled in: publish the app with -p:KafkaTriggerSecurity=SaslSslPlain, SaslSslScramSha256 or SaslSslScramSha512 to match, or it stops at start naming Kafka:SaslMechanism.')
@allowed([
  'PLAIN'
  'SCRAM-SHA-256'
  'SCRAM-SHA-512'
])
param kafkaSaslMechanism string = 'PLAIN'

@description('SASL user name of external brokers, written to Key Vault. Empty: set the secret yourself (infra/README.md).')
@secure()
param kafkaSaslUsername string = ''

@description('SASL password of external brokers, written to Key Vault. Empty: set the secret yourself (infra/README.md).')
@secure()
param kafkaSaslPassword string = ''

@description('Event Hubs tier (Standard or above has the Kafka endpoint).')
@allowed([
  'Standard'
  'Premium'
])
param eventHubsSku string = 'Standard'

@description('Event Hubs throughput or processing units.')
@minValue(1)
@maxValue(40)
param eventHubsCapacity int = 1

@description('Partitions per telemetry event hub.')
@minValue(1)
@maxValue(32)
param eventHubsPartitionCount int = 4

@description('Event hub message retention in days.')
@minValue(1)
@maxValue(7)
param eventHubsRetentionInDays int = 1

// ----- Processing -----

@description('How a batch is acknowledged: all_or_nothing, best_effort or last_successful.')
@allowed([
  'all_or_nothing'
  'best_effort'
  'last_successful'
])
param ackStrategy string = 'all_or_nothing'

// ----- Pollers and schedules (NCRONTAB with seconds, as the Functions timer trigger reads them) -----

@description('MQTT brokers the MQTT poller probes (host:port, comma-separated); empty for none.')
param mqttBrokers string = ''

@description('User name the MQTT poller signs in with; empty connects anonymously.')
param mqttUsername string = ''

@description('Password of mqttUsername, written to Key Vault (secret mqtt-password); the app setting is a Key Vault reference.')
@secure()
param mqttPassword string = ''

@description('Connect to the MQTT brokers over TLS.')
param mqttUseTls bool = false

@description('Worker-pool health endpoints (absolute http/https URLs, comma-separated); empty for none.')
param workerPoolEndpoints string = ''

@description('Schedule of the consumer-lag poller.')
param lagSchedule string = '*/30 * * * * *'

@description('Schedule of the MQTT poller.')
param mqttSchedule string = '*/30 * * * * *'

@description('Schedule of the worker-pool poller.')
param workerPoolSchedule string = '*/30 * * * * *'

@description('Schedule of the ledger rollup and retention.')
param rollupSchedule string = '0 5 * * * *'

// ----- Monitoring -----

@description('Days the Log Analytics workspace keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Action group resource id that every alert rule notifies; empty for none.')
param actionGroupId string = ''

@description('Create the alert rules enabled.')
param alertsEnabled bool = true

@description('Key Vault soft-delete retention in days.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 7

@description('Key Vault purge protection (irreversible once on).')
param keyVaultPurgeProtection bool = true

// ----- Network -----

@description('Private network mode: VNet integration for the app, private endpoints and DNS zones for storage (blob, table), Key Vault and Event Hubs, and public network access off on all of them and on the app.')
param privateNetworking bool = false

@description('Address space of the virtual network (private network mode).')
param vnetAddressPrefix string = '10.20.0.0/16'

@description('Subnet of the app\'s VNet integration (private network mode; /27 or larger for Flex Consumption).')
param appSubnetPrefix string = '10.20.0.0/24'

@description('Subnet of the private endpoints (private network mode).')
param privateEndpointSubnetPrefix string = '10.20.1.0/24'

var suffix = uniqueString(subscription().id, resourceGroup().id, baseName, environmentName)
var prefix = '${baseName}-${environmentName}'
var allTags = union(tags, {
  product: 'telemetry-functions'
  environment: environmentName
})
var saslUsernameSecretName = 'kafka-sasl-username'
var saslPasswordSecretName = 'kafka-sasl-password'
// Event Hubs only: the dead-letter hub's own Send credential; external brokers use the one password for both.
var deadLetterSaslPasswordSecretName = 'kafka-dlq-sasl-password'
var mqttPasswordSecretName = 'mqtt-password'
var deploymentContainerName = 'app-package'
// The product's default dead-letter topic is '<topic>.dlq' (Kafka:DeadLetterTopic empty), so Event Hubs gets those hubs.
var deadLetterSuffix = '.dlq'
// The pollers keep their state in these tables (Pollers:StateTableName, Pollers:LagTableName).
var pollerStateTableName = 'PollerState'
var pollerLagTableName = 'ConsumerLag'
// The ledger's tables are '<prefix><suffix>' (Telemetry.Ledger), plus the pollers' tables; created here so they exist
// before the first run.
var ledgerTableNames = concat(
  map(['Minute', 'Hourly', 'Daily', 'Notable', 'LagSamples', 'State'], table => '${ledgerTablePrefix}${table}'),
  [pollerStateTableName, pollerLagTableName]
)
// Names and ids known before deployment, so role assignment and workbook names do not wait on outputs.
var identityName = 'id-${prefix}'
var identityResourceId = resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', identityName)
var appInsightsName = 'appi-${prefix}'
var appInsightsId = resourceId('Microsoft.Insights/components', appInsightsName)
var keyVaultName = take('kv-${baseName}-${environmentName}-${suffix}', 24)
var storageName = take('st${baseName}${environmentName}${suffix}', 24)
var eventHubsNamespaceName = 'evhns-${prefix}-${suffix}'
// Private network mode: one private endpoint per service sub-resource, each with its privatelink DNS zone. Host
// storage needs blobs (locks, keys, the package) and tables (the ledger, the host's diagnostic events); no trigger
// or binding of this app uses queues or files, so they get no endpoint.
var privateEndpointTargets = concat(
  [
    {
      groupId: 'blob'
      serviceId: resourceId('Microsoft.Storage/storageAccounts', storageName)
      zone: 'privatelink.blob.${environment().suffixes.storage}'
    }
    {
      groupId: 'table'
      serviceId: resourceId('Microsoft.Storage/storageAccounts', storageName)
      zone: 'privatelink.table.${environment().suffixes.storage}'
    }
    {
      groupId: 'vault'
      serviceId: resourceId('Microsoft.KeyVault/vaults', keyVaultName)
      zone: 'privatelink.vaultcore.azure.net'
    }
  ],
  useEventHubs
    ? [
        {
          groupId: 'namespace'
          serviceId: resourceId('Microsoft.EventHub/namespaces', eventHubsNamespaceName)
          zone: 'privatelink.servicebus.windows.net'
        }
      ]
    : []
)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: identityName
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: 'log-${prefix}'
    appInsightsName: appInsightsName
    location: location
    tags: allTags
    retentionInDays: logRetentionInDays
    identityResourceId: identityResourceId
    publisherPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    tags: allTags
    skuName: storageSku
    deploymentContainerName: deploymentContainerName
    ledgerTableNames: ledgerTableNames
    identityResourceId: identityResourceId
    principalId: identity.outputs.principalId
    privateNetworking: privateNetworking
    workspaceId: monitoring.outputs.workspaceId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: keyVaultName
    location: location
    tags: allTags
    identityResourceId: identityResourceId
    readerPrincipalId: identity.outputs.principalId
    saslUsernameSecretName: saslUsernameSecretName
    saslPasswordSecretName: saslPasswordSecretName
    saslUsername: useEventHubs ? '' : kafkaSaslUsername
    saslPassword: useEventHubs ? '' : kafkaSaslPassword
    mqttPasswordSecretName: mqttPasswordSecretName
    mqttPassword: mqttPassword
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    enablePurgeProtection: keyVaultPurgeProtection
    privateNetworking: privateNetworking
    workspaceId: monitoring.outputs.workspaceId
  }
}

module eventHubs 'modules/eventhubs.bicep' = if (useEventHubs) {
  name: 'eventhubs'
  dependsOn: [
    keyVault
  ]
  params: {
    namespaceName: eventHubsNamespaceName
    location: location
    tags: allTags
    skuName: eventHubsSku
    capacity: eventHubsCapacity
    topics: kafkaTopics
    dlqSuffix: deadLetterSuffix
    partitionCount: eventHubsPartitionCount
    retentionInDays: eventHubsRetentionInDays
    consumerGroup: kafkaConsumerGroup
    keyVaultName: keyVaultName
    saslUsernameSecretName: saslUsernameSecretName
    saslPasswordSecretName: saslPasswordSecretName
    deadLetterSaslPasswordSecretName: deadLetterSaslPasswordSecretName
    identityResourceId: identityResourceId
    readerPrincipalId: identity.outputs.principalId
    privateNetworking: privateNetworking
    workspaceId: monitoring.outputs.workspaceId
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  params: {
    name: 'vnet-${prefix}'
    location: location
    tags: allTags
    addressPrefix: vnetAddressPrefix
    appSubnetPrefix: appSubnetPrefix
    privateEndpointSubnetPrefix: privateEndpointSubnetPrefix
    privateDnsZoneNames: map(privateEndpointTargets, target => target.zone)
  }
}

module privateEndpoints 'modules/privateendpoint.bicep' = [
  for target in privateEndpointTargets: if (privateNetworking) {
    name: 'pe-${target.groupId}'
    dependsOn: [
      storage
      keyVault
      eventHubs
    ]
    params: {
      name: 'pe-${prefix}-${target.groupId}'
      location: location
      tags: allTags
      subnetId: network!.outputs.privateEndpointSubnetId
      serviceId: target.serviceId
      groupId: target.groupId
      privateDnsZoneId: resourceId('Microsoft.Network/privateDnsZones', target.zone)
    }
  }
]

var bootstrapServers = useEventHubs ? eventHubs!.outputs.bootstrapServers : kafkaBootstrapServers

// THE list of app settings: flat configuration keys (Section__Property, the options classes' Section:Property)
// plus the host's identity-based storage and Application Insights settings. Tests read it from the compiled
// template (functionApp module parameter appSettings); keep every setting here.
var appSettings = {
  // Functions host storage through the managed identity, no account key.
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  // Azure SDK credentials (DefaultAzureCredential) pick the user-assigned identity by this id.
  AZURE_CLIENT_ID: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  // The Functions host sends its own telemetry with Entra ID (Monitoring Metrics Publisher role).
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  Kafka__BootstrapServers: bootstrapServers
  Kafka__Topics: join(kafkaTopics, ',')
  Kafka__ConsumerGroup: kafkaConsumerGroup
  Kafka__AckStrategy: ackStrategy
  Kafka__SecurityProtocol: 'sasl_ssl'
  Kafka__SaslMechanism: useEventHubs ? 'PLAIN' : kafkaSaslMechanism
  Kafka__SaslUsername: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${saslUsernameSecretName})'
  Kafka__SaslPassword: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${saslPasswordSecretName})'
  // Event Hubs: the dead-letter hub's Send-only credential; external brokers: the same secret as Kafka__SaslPassword.
  Kafka__DeadLetterSaslPassword: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${useEventHubs ? deadLetterSaslPasswordSecretName : saslPasswordSecretName})'
  Ledger__TableServiceUri: storage.outputs.tableEndpoint
  Ledger__ManagedIdentityClientId: identity.outputs.clientId
  Ledger__TablePrefix: ledgerTablePrefix
  Pollers__LagConsumerGroups: kafkaConsumerGroup
  Pollers__LagTopics: join(kafkaTopics, ',')
  Pollers__MqttBrokers: mqttBrokers
  Pollers__MqttUsername: mqttUsername
  Pollers__MqttPassword: empty(mqttPassword) ? '' : '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${mqttPasswordSecretName})'
  Pollers__MqttUseTls: string(mqttUseTls)
  Pollers__WorkerPoolEndpoints: workerPoolEndpoints
  Pollers__TelemetryTopic: kafkaTopics[0]
  Pollers__StateTableName: pollerStateTableName
  Pollers__LagTableName: pollerLagTableName
  // Timer triggers resolve %Pollers:...Schedule% and %Rollup:Schedule% from app settings only.
  Pollers__LagSchedule: lagSchedule
  Pollers__MqttSchedule: mqttSchedule
  Pollers__WorkerPoolSchedule: workerPoolSchedule
  Rollup__Schedule: rollupSchedule
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  // Key Vault references resolve at start-up: the vault and its reader role come first (the Event Hubs secrets
  // already do, through Kafka__BootstrapServers).
  dependsOn: [
    keyVault
    privateEndpoints
  ]
  params: {
    name: 'func-${prefix}-${suffix}'
    planName: 'plan-${prefix}'
    location: location
    tags: allTags
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    runtimeVersion: dotnetVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
    virtualNetworkSubnetId: privateNetworking ? network!.outputs.appSubnetId : ''
    workspaceId: monitoring.outputs.workspaceId
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  dependsOn: [
    monitoring
  ]
  params: {
    appInsightsId: appInsightsId
    location: location
    tags: allTags
    displayName: 'Telemetry Functions (${environmentName})'
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    appInsightsId: monitoring.outputs.appInsightsId
    location: location
    tags: allTags
    namePrefix: 'alert-${prefix}'
    actionGroupId: actionGroupId
    enabled: alertsEnabled
  }
}

@description('Name of the function app (for func azure functionapp publish).')
output functionAppName string = functionApp.outputs.name

@description('Resource id of the workbook.')
output workbookId string = workbook.outputs.id

@description('Kafka bootstrap servers the app uses.')
output kafkaBootstrapServers string = bootstrapServers

@description('Key Vault holding the Kafka SASL secrets.')
output keyVaultName string = keyVault.outputs.name
