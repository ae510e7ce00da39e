// Key Vault for the Kafka SASL credentials. App settings point at the secrets with @Microsoft.KeyVault(...)
// references that the platform resolves with the app's user-assigned identity; the values never sit in app settings.
// With Event Hubs the eventhubs module writes the secrets; with external brokers they come from secure
// parameters, or an operator sets them afterwards (see infra/README.md).

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Resource id of the identity; names the role assignments so they are known before deployment.')
param identityResourceId string

@description('Principal that reads the secrets (Key Vault Secrets User).')
param readerPrincipalId string

@description('Secret name of the Kafka SASL user name.')
param saslUsernameSecretName string

@description('Secret name of the Kafka SASL password.')
param saslPasswordSecretName string

@description('SASL user name of external brokers; empty leaves the secret to be set later or by the eventhubs module.')
@secure()
param saslUsername string

@description('SASL password of external brokers; empty leaves the secret to be set later or by the eventhubs module.')
@secure()
param saslPassword string

@description('Keep deleted secrets and the vault recoverable for this many days.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Block permanent deletion during the retention period (cannot be undone once on).')
param enablePurgeProtection bool

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource usernameSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(saslUsername)) {
  parent: vault
  name: saslUsernameSecretName
  properties: {
    value: saslUsername
  }
}

resource passwordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(saslPassword)) {
  parent: vault
  name: saslPasswordSecretName
  properties: {
    value: saslPassword
  }
}

// Key Vault Secrets User: needed for the platform to resolve the app settings' Key Vault references.
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource readerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityResourceId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('Key Vault name, used in @Microsoft.KeyVault(VaultName=...) references.')
output name string = vault.name

@description('Vault URI.')
output uri string = vault.properties.vaultUri
