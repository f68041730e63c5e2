// Digest on Azure: a Function App on Flex Consumption (.NET 10 isolated), its storage account
// (blobs, queues, tables; shared keys off, managed identity only), Application Insights, and a
// Key Vault holding the SMTP password and the link-signing and DKIM keys.
targetScope = 'resourceGroup'

@description('Short name used to derive resource names (lowercase letters and digits).')
@minLength(3)
@maxLength(12)
param appName string = 'digest'

param location string = resourceGroup().location

@description('When PlanIssue runs: NCRONTAB with seconds, in UTC. Default: Mondays 07:00.')
param digestSchedule string = '0 0 7 * * 1'

@description('When GatherFeeds fetches the listed feeds: NCRONTAB with seconds, UTC (hourly at minute 5 by default).')
param feedsSchedule string = '0 5 * * * *'

@description('When ProcessInbound reads the bounce mailbox: NCRONTAB with seconds, UTC (every 10 minutes by default).')
param inboundSchedule string = '0 */10 * * * *'

@description('Domain of the return path (VERP) whose MX delivers bounces to the inbound mailbox; empty uses mailDomain.')
param bounceDomain string = ''

@description('IMAP server of the bounce mailbox (such as outlook.office365.com); empty leaves ProcessInbound idle.')
param imapHost string = ''
param imapUserName string = ''

@secure()
@description('IMAP password, kept in Key Vault; empty with imapHost set signs in by OAuth2 with the app identity (Exchange Online).')
param imapPassword string = ''

@secure()
@description('Secret (32+ characters) Event Grid sends to the AcsEvents endpoint (X-Digest-Key header, or ?key=) when the relay is Azure Communication Services; empty leaves the endpoint off.')
param eventGridKey string = ''

@description('Base of every link in the emails (unsubscribe, preferences, web version).')
param publicBaseUrl string

@description('Our own mail domain: Message-ID, List-Id and the unsubscribe mailbox.')
param mailDomain string

param fromAddress string
param fromName string = 'Le Digest'

param smtpHost string
param smtpPort int = 587
param smtpUserName string

@secure()
@description('Stored in Key Vault; the app reads it through a Key Vault reference.')
param smtpPassword string

@secure()
@description('Base64 of 32 random bytes or more (openssl rand -base64 32); signs unsubscribe and preference links.')
param linkSigningKey string

@secure()
@description('Editor key for the /editor pages (24 characters or more); empty leaves the editor off.')
param editorKey string = ''

@secure()
@description('PEM private key for DKIM signing; empty to leave DKIM off.')
param dkimPrivateKey string = ''

@description('Largest number of instances Flex Consumption may run at once.')
param maximumInstanceCount int = 40

var suffix = uniqueString(resourceGroup().id, appName)
var storageName = take('${appName}${suffix}', 24)
var deploymentContainer = 'app-package'
// The app's names for its queue (Digest__Storage__DeliveryQueue, DeliverChunk's %Digest:Storage:DeliveryQueue%),
// containers and tables (the app's defaults, so no setting names them).
var deliveryQueue = 'deliveries'
var tags = { app: appName }

// Built-in role ids.
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${appName}-identity-${suffix}'
  location: location
  tags: tags
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${appName}-logs-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${appName}-insights-${suffix}'
  location: location
  kind: 'web'
  tags: tags
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  tags: tags
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in ['posts', 'issues', 'feeds', deploymentContainer]: {
  parent: blobs
  name: name
}]

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deliveryQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for name in [deliveryQueue, '${deliveryQueue}-poison']: {
  parent: queues
  name: name
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for name in ['subscribers', 'subscriberemails', 'deliveries']: {
  parent: tableService
  name: name
}]

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.blobDataOwner, roles.queueDataContributor, roles.tableDataContributor]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${appName}kv${suffix}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'smtp-password'
  properties: { value: smtpPassword }
}

resource linkSigningSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'link-signing-key'
  properties: { value: linkSigningKey }
}

resource editorKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(editorKey)) {
  parent: vault
  name: 'editor-key'
  properties: { value: editorKey }
}

resource imapPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(imapPassword)) {
  parent: vault
  name: 'imap-password'
  properties: { value: imapPassword }
}

resource eventGridKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(eventGridKey)) {
  parent: vault
  name: 'event-grid-key'
  properties: { value: eventGridKey }
}

resource dkimSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(dkimPrivateKey)) {
  parent: vault
  name: 'dkim-private-key'
  properties: { value: dkimPrivateKey }
}

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${appName}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  tags: tags
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

var keyVaultReference = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/'

var baseSettings = [
  // The host's own storage, by identity: no connection string, no key.
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  // The app's storage, by identity: the DeliverChunk queue trigger's connection (Connection = "DigestStorage")
  // and the library's blobs, tables and queue alike.
  { name: 'DigestStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'DigestStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
  { name: 'DigestStorage__tableServiceUri', value: storage.properties.primaryEndpoints.table }
  { name: 'DigestStorage__credential', value: 'managedidentity' }
  { name: 'DigestStorage__clientId', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  { name: 'DigestSchedule', value: digestSchedule }
  { name: 'FeedsSchedule', value: feedsSchedule }
  { name: 'InboundSchedule', value: inboundSchedule }
  { name: 'Digest__Storage__Mode', value: 'azure' }
  { name: 'Digest__Storage__DeliveryQueue', value: deliveryQueue }
  { name: 'Digest__PublicBaseUrl', value: publicBaseUrl }
  // The client's address for the per-client limits: the front end and the Functions host (on loopback) append to it.
  { name: 'Digest__Web__ClientAddressHeader', value: 'X-Forwarded-For' }
  { name: 'Digest__MailDomain', value: mailDomain }
  { name: 'Digest__FromAddress', value: fromAddress }
  { name: 'Digest__FromName', value: fromName }
  { name: 'Digest__Delivery__Transport', value: 'smtp' }
  { name: 'Digest__Delivery__Smtp__Host', value: smtpHost }
  { name: 'Digest__Delivery__Smtp__Port', value: string(smtpPort) }
  { name: 'Digest__Delivery__Smtp__Security', value: 'StartTls' }
  { name: 'Digest__Delivery__Smtp__UserName', value: smtpUserName }
  { name: 'Digest__Delivery__Smtp__Password', value: '${keyVaultReference}${smtpPasswordSecret.name})' }
  { name: 'Digest__LinkSigning__SigningKeyId', value: 'k1' }
  { name: 'Digest__LinkSigning__Keys__k1', value: '${keyVaultReference}${linkSigningSecret.name})' }
]

var editorSettings = empty(editorKey) ? [] : [
  { name: 'Digest__Editor__Key', value: '${keyVaultReference}editor-key)' }
]

var inboundSettings = concat(empty(bounceDomain) ? [] : [
  { name: 'Digest__Inbound__BounceDomain', value: bounceDomain }
], empty(imapHost) ? [] : [
  { name: 'Digest__Inbound__ImapHost', value: imapHost }
  { name: 'Digest__Inbound__ImapUserName', value: imapUserName }
], empty(imapHost) || empty(imapPassword) ? [] : [
  { name: 'Digest__Inbound__ImapPassword', value: '${keyVaultReference}imap-password)' }
], empty(imapHost) || !empty(imapPassword) ? [] : [
  { name: 'Digest__Inbound__ImapOAuth2Scope', value: 'https://outlook.office365.com/.default' }
  { name: 'Digest__Inbound__ImapOAuth2ClientId', value: identity.properties.clientId }
], empty(eventGridKey) ? [] : [
  { name: 'Digest__Inbound__EventGridKey', value: '${keyVaultReference}event-grid-key)' }
])

var dkimSettings = empty(dkimPrivateKey) ? [] : [
  { name: 'Digest__Dkim__PrivateKey', value: '${keyVaultReference}dkim-private-key)' }
]

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: '${appName}-func-${suffix}'
  location: location
  kind: 'functionapp,linux'
  tags: union(tags, { 'azd-service-name': 'functions' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(baseSettings, editorSettings, inboundSettings, dkimSettings)
    }
  }
  dependsOn: [
    storageRoles
    vaultRole
    insightsRole
    containers
  ]
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output storageAccountName string = storage.name
output keyVaultName string = vault.name
