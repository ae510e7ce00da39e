// One Key Vault secret and the one role that lets the app read it: Key Vault Secrets User scoped to this secret,
// not to the vault, so the app's identity can resolve its own Key Vault references and read nothing else.

@description('Key Vault that holds the secret.')
param keyVaultName string

@description('Secret name.')
param name string

@description('Secret value.')
@secure()
param value string

@description('Resource id of the identity; names the role assignment so it is known before deployment.')
param identityResourceId string

@description('Principal that reads the secret.')
param readerPrincipalId string

// Key Vault Secrets User: read the secret's value, which the platform does to resolve @Microsoft.KeyVault(...) settings.
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: name
  properties: {
    value: value
  }
}

resource readerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(secret.id, identityResourceId, secretsUserRoleId)
  scope: secret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}
