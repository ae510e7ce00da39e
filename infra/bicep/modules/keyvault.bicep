// Key Vault for the Kafka SASL credentials. App settings point at the secrets with @Microsoft.KeyVault(...)
// references that the platform resolves with the app's user-assigned identity; the values never sit in app settings.
// With Event Hubs the eventhubs module writes the secrets; with external brokers they come from secure
// parameters. Each secret comes with the one role that reads it (modules/secret.bicep), scoped to that secret.

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

@description('Principal that reads the secrets (Key Vault Secrets User on each secret).')
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

@description('Secret name of the MQTT poller\'s password.')
param mqttPasswordSecretName string

@description('Password of the MQTT poller; empty creates no secret.')
@secure()
param mqttPassword string

@description('Keep deleted secrets and the vault recoverable for this many days.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Block permanent deletion during the retention period (cannot be undone once on).')
param enablePurgeProtection bool

@description('Private network mode: no public network access; the app reaches the vault through a private endpoint.')
param privateNetworking bool

@description('Log Analytics workspace that receives the vault\'s audit log.')
param workspaceId string

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
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'None'
    }
  }
}

// Who read or changed which secret, and who was refused: the vault's audit log in the workspace.
resource auditLog 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

module usernameSecret 'secret.bicep' = if (!empty(saslUsername)) {
  name: 'secret-${saslUsernameSecretName}'
  params: {
    keyVaultName: vault.name
    name: saslUsernameSecretName
    value: saslUsername
    identityResourceId: identityResourceId
    readerPrincipalId: readerPrincipalId
  }
}

module passwordSecret 'secret.bicep' = if (!empty(saslPassword)) {
  name: 'secret-${saslPasswordSecretName}'
  params: {
    keyVaultName: vault.name
    name: saslPasswordSecretName
    value: saslPassword
    identityResourceId: identityResourceId
    readerPrincipalId: readerPrincipalId
  }
}

module mqttPasswordSecret 'secret.bicep' = if (!empty(mqttPassword)) {
  name: 'secret-${mqttPasswordSecretName}'
  params: {
    keyVaultName: vault.name
    name: mqttPasswordSecretName
    value: mqttPassword
    identityResourceId: identityResourceId
    readerPrincipalId: readerPrincipalId
  }
}

@description('Resource id of the vault (private endpoint target).')
output id string = vault.id

@description('Key Vault name, used in @Microsoft.KeyVault(VaultName=...) references.')
output name string = vault.name

@description('Vault URI.')
output uri string = vault.properties.vaultUri
