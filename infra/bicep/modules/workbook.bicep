// The Azure Monitor workbook over Application Insights customMetrics. Its content is the JSON file in
// infra/bicep/workbook, kept as a file so it can be edited in the portal ("Advanced editor") and pasted back.

@description('Resource id of the Application Insights component the workbook reads.')
param appInsightsId string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Title shown in the portal.')
param displayName string

// Deterministic: redeploying updates the same workbook instead of adding one.
var workbookName = guid(resourceGroup().id, appInsightsId, 'telemetry-functions-workbook')

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: workbookName
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: appInsightsId
    version: 'Notebook/1.0'
    // The file names its component by a token: fallbackResourceIds make the panels work when the workbook is opened
    // from the resource group (no resource in context), and each query's crossComponentResources pins it to the
    // component whatever the context is.
    serializedData: replace(loadTextContent('../workbook/telemetry-workbook.json'), '__APP_INSIGHTS_RESOURCE_ID__', appInsightsId)
  }
}

@description('Resource id of the workbook.')
output id string = workbook.id
