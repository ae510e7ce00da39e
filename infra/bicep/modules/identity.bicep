// The one identity the function app uses for storage, Key Vault, Application Insights and deployment:
// user-assigned, so role assignments exist before the app starts and survive re-creating the app.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Client id, used by the Functions host and Azure SDK credentials to pick this identity.')
output clientId string = identity.properties.clientId

@description('Principal id, the subject of the role assignments.')
output principalId string = identity.properties.principalId
