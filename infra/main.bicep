// KampungKB.Functions on Azure: one resource group per dinas (or per province).
//
//   az deployment group create -g <rg> -f infra/main.bicep -p @infra/main.parameters.json
//
// Deploy in two steps (docs/deploy.md): first with wireEventGrid=false, then publish the zip
// (./kkb publish), then again with wireEventGrid=true. The Event Grid subscriptions call the blob
// extension's webhook with the host's `blobs_extension` system key, and that key only exists once
// the host has started with a blob-triggered function, i.e. after the code is deployed.
//
// Nothing secret lives in this file or in the parameters file: Links__SigningKey and an optional
// Graph client secret come from secure parameters or Key Vault references.
//
// Read by the app but not set here: KKB_TEMPLATES (defaults to templates/ beside
// KampungKB.Functions.dll, which ./kkb publish puts there), Pipeline__MaxUploadBytes (20 MiB), and the mail tuning settings with sound defaults (docs/mail.md): Mail__SaveToSentItems,
// Mail__GraphBaseUrl, Mail__InlineAttachmentLimitBytes; Links__KeyCacheTtl (1 minute: how long an instance
// keeps the upload-link signing keys it read from the LinkKeys table, docs/upload-page.md);
// the zip-of-reports limits Archive__MaxEntries (500), Archive__MaxExpandedBytes (200 MiB), Archive__MaxCompressionRatio (100) (docs/channels.md);
// Retention__Months (24: originals and problem details kept two years, docs/retention.md);
// Demo__SimulatedNow is for ./kkb demo only; Drive__BaseUrl and Drive__MaxRetryAfter (the Google Drive channel's
// tuning, docs/channels.md) keep their defaults.
// Email in (docs/channels.md) stays off until a dinas adds MailIn__Mailbox (and optionally
// MailIn__ProcessedFolder, MailIn__MaxMessagesPerRun) after its Graph access policy is in place.
// WhatsApp (docs/channels.md) stays off until a dinas adds WhatsApp__PhoneNumberId and
// WhatsApp__AccessToken (a Key Vault reference) once Meta approved its templates; WhatsApp__BaseUrl is for tests.
// The dashboard's sign-in rate limits Dashboard__LinksPerAddress (5) and Dashboard__LinksPerIp (20) per 15 minutes
// keep their defaults (docs/dashboard.md); its links use Links__BaseUrl and a key derived from Links__SigningKey.
//
// Functions in the package (functions.metadata, generated from the attributes in src/Functions/Functions):
//   IngestUpload, ImportRegistry  blob triggers, delivered by Event Grid (see blobTriggeredFunctions)
//   CompileRecap, SendReminders   timer triggers on Schedules__CompileRecap / Schedules__SendReminders
//   SweepOutbox                   timer trigger every 5 minutes: resends interrupted or throttled mails (docs/mail.md)
//   ApplyRetention                timer trigger daily 03:30 UTC: prunes originals and problem details past Retention__Months (docs/retention.md)
//   SyncDriveFolders              timer trigger on Schedules__SyncDriveFolders: copies new sheets from linked Google Drive folders (docs/channels.md)
//   ReadMailIn                    timer trigger every 5 minutes: email in, off until MailIn__Mailbox is set (docs/channels.md)
//   UploadPage, UploadPageResult, UploadPageOpen  HTTP triggers, /api/kampung/{areaCode}[/hasil/{upload}|/buka]:
//                                 the cadres' upload page (docs/upload-page.md)
//   Dashboard*                    HTTP triggers, /api/dashboard/…: the dinas dashboard, sign-in by e-mailed link (docs/dashboard.md):
//                                 DashboardHome, DashboardRequestLink, DashboardSignIn, DashboardSignOut, DashboardOverview,
//                                 DashboardOverviewPeriod, DashboardRemind, DashboardOverviewExport, DashboardKampung,
//                                 DashboardKampungOriginal, DashboardKampungExport, DashboardKampungAction, DashboardTrends, DashboardHandover

targetScope = 'resourceGroup'

@description('Short name used in resource names, lower case, e.g. kkb-banjarmasin.')
@minLength(3)
@maxLength(20)
param baseName string

param location string = resourceGroup().location

@description('Function app name; must be globally unique (it becomes <name>.azurewebsites.net).')
@maxLength(60)
param appName string = '${baseName}-${uniqueString(resourceGroup().id)}'

@description('Flex Consumption scale limits. 40 is the smallest maximum Flex accepts.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('False on the first deployment; true after the zip is deployed (the blobs_extension key exists only then).')
param wireEventGrid bool = false

@description('Object id of the IT officer (az ad signed-in-user show --query id -o tsv) to be allowed to upload the registry and read tables. Empty: none.')
param operatorPrincipalId string = ''

@description('Largest upload accepted, in bytes (the handler refuses larger files with a message).')
param maxUploadBytes int = 20971520

@description('Longest time one upload may take to read and judge, in seconds (1-540); past it the upload is rejected with processing-timeout, not retried.')
@minValue(1)
@maxValue(540)
param ingestionDeadlineSeconds int = 60

@description('Daily ingestion cap of the Log Analytics workspace, in GB: a guard against a logging loop.')
param logDailyCapGb int = 1

// --- Mail through Microsoft Graph ------------------------------------------------------------
@allowed(['Graph', 'Outbox'])
param mailMode string = 'Graph'

@description('Mailbox the app sends as, e.g. laporan@dppkb.banjarmasinkota.go.id. Restrict the app to it (docs/deploy.md).')
param mailSender string

@description('Display name shown with the sender, e.g. DPPKB Kota Banjarmasin.')
param mailSenderName string = ''

@description('Entra tenant of the mailbox.')
param mailTenantId string = tenant().tenantId

@description('True: send with the user-assigned managed identity (no secret). False: an app registration with a client secret.')
param mailUseManagedIdentity bool = true

@description('App registration client id when mailUseManagedIdentity is false. Ignored otherwise.')
param mailClientId string = ''

@description('Key Vault secret URI of the Graph client secret (when mailUseManagedIdentity is false). Preferred over mailClientSecret.')
param mailClientSecretUri string = ''

@secure()
@description('Graph client secret when mailUseManagedIdentity is false and no Key Vault is used.')
param mailClientSecret string = ''

// --- Upload links -------------------------------------------------------------------------------
@description('Key Vault secret URI of the upload-link HMAC key, e.g. https://kv-x.vault.azure.net/secrets/links-signing-key. Preferred.')
param linksSigningKeySecretUri string = ''

@secure()
@description('Upload-link HMAC key (at least 32 random bytes, base64) when no Key Vault is used: openssl rand -base64 48.')
param linksSigningKey string = ''

@description('Public base URL of the upload page. Empty: the function app\'s own host name.')
param linksBaseUrl string = ''

// --- Timers (NCRONTAB, six fields, UTC: Linux apps ignore WEBSITE_TIME_ZONE) --------------------
@description('When recaps are compiled. Default 01:00 UTC daily = 08:00 WIB / 09:00 WITA / 10:00 WIT.')
param scheduleCompileRecap string = '0 0 1 * * *'

@description('When reminders go out. Default 02:00 UTC daily = 09:00 WIB / 10:00 WITA / 11:00 WIT.')
param scheduleSendReminders string = '0 0 2 * * *'

@description('NCRONTAB (six fields, UTC) of SyncDriveFolders: every 30 minutes; it does nothing while no Drive service-account key is set.')
param scheduleSyncDriveFolders string = '0 */30 * * * *'

@description('Key Vault secret URI of the Google service account JSON key (docs/channels.md); empty leaves the Google Drive channel off.')
param driveServiceAccountKeySecretUri string = ''

// --- One entry per kabupaten/kota served by this deployment --------------------------------------
@description('A kabupaten/kota and what its dinas decided (src/Core/Model/RegencySettings.cs).')
type regency = {
  @description('Kemendagri code with its dot, e.g. 63.71. The app setting names drop the dot (Regencies__6371__*).')
  code: string
  name: string
  @description('The agency, e.g. DPPKB Kota Banjarmasin.')
  dinasName: string
  @minValue(1)
  @maxValue(28)
  deadlineDay: int
  timeZone: 'WIB' | 'WITA' | 'WIT'
  @description('Who receives the recap.')
  recipients: string[]
  topClassLabel: 'Paripurna' | 'Berkelanjutan'
  @description('Reminder days relative to the deadline: before, after, escalation, dinas. Default -3,1,3,7.')
  reminderOffsets: string?
}

@minLength(1)
param regencies regency[]

// --- Names ----------------------------------------------------------------------------------------
var suffix = uniqueString(resourceGroup().id, baseName)
var storageName = take(toLower('st${replace(baseName, '-', '')}${suffix}'), 24)
var deploymentContainerName = 'app-package'
var containerNames = ['uploads', 'registry', 'processed', 'rejected', 'feedback', deploymentContainerName]
var tableNames = ['Registry', 'Reports', 'Activities', 'Uploads', 'Claims', 'Notifications', 'UploadIndex', 'DriveFolders', 'DriveFiles', 'DashboardUsers', 'DashboardTokens', 'DashboardSessions', 'DashboardThrottle']

// Blob-triggered functions and the container each watches (the [BlobTrigger] path, Source = EventGrid).
// Flex Consumption only has Event Grid blob triggers: each needs a subscription below.
var blobTriggeredFunctions = [
  { name: 'IngestUpload', container: 'uploads' }
  { name: 'ImportRegistry', container: 'registry' }
]

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageQueueDataReader: '19e7f393-937e-4f77-808e-94535e297925'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// --- Identity -------------------------------------------------------------------------------------
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}'
  location: location
}

// --- Storage: files people made (blobs) and what we derived from them (tables) --------------------
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // Entra ID only: no account key can leak
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // A deleted upload or archive can be restored for two weeks.
    deleteRetentionPolicy: { enabled: true, days: 14 }
    containerDeleteRetentionPolicy: { enabled: true, days: 14 }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in containerNames: {
  parent: blobService
  name: c
  properties: { publicAccess: 'None' }
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for t in tableNames: {
  parent: tableService
  name: t
}]

// --- Roles of the app's identity on the account: only what it uses ---------------------------------
var appRoles = [
  // Blob Data Owner, not Contributor: the Functions host manages its own blobs (azure-webjobs-hosts
  // leases and the blob trigger's receipts), Flex reads the package from the deployment container,
  // and the app reads uploads and writes processed/, rejected/, feedback/.
  roles.storageBlobDataOwner
  // Tables: Registry, Reports, Activities, Uploads, Claims, Notifications, DriveFolders, DriveFiles, Dashboard* (read and write).
  roles.storageTableDataContributor
  // Queues: the blob extension's poison queue (webjobs-blobtrigger-poison) after 5 failed tries.
  roles.storageQueueDataContributor
]

resource appRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for r in appRoles: {
  name: guid(storage.id, identity.id, r)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

// The IT officer: upload a registry workbook, export tables for backups, peek at the poison queue.
var operatorRoles = empty(operatorPrincipalId) ? [] : [
  roles.storageBlobDataContributor
  roles.storageTableDataContributor
  roles.storageQueueDataReader
]

resource operatorRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for r in operatorRoles: {
  name: guid(storage.id, operatorPrincipalId, r)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r)
    principalId: operatorPrincipalId
    principalType: 'User'
  }
}]

// --- Monitoring -------------------------------------------------------------------------------------
resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: 'log-${baseName}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
    workspaceCapping: { dailyQuotaGb: logDailyCapGb }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true // telemetry only with Entra ID (APPLICATIONINSIGHTS_AUTHENTICATION_STRING)
  }
}

// The identity sends telemetry to a component that refuses the instrumentation key alone.
resource telemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// --- App settings ---------------------------------------------------------------------------------
var hostSettings = [
  // Identity-based host storage. FUNCTIONS_WORKER_RUNTIME is not set: Flex Consumption rejects it and
  // takes the runtime from functionAppConfig.runtime (dotnet-isolated) below.
  { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.properties.primaryEndpoints.table }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  { name: 'Pipeline__MaxUploadBytes', value: string(maxUploadBytes) }
  { name: 'Ingestion__DeadlineSeconds', value: string(ingestionDeadlineSeconds) }
]

var mailSettings = [
  { name: 'Mail__Mode', value: mailMode }
  { name: 'Mail__Sender', value: mailSender }
  { name: 'Mail__SenderName', value: mailSenderName }
  { name: 'Mail__TenantId', value: mailTenantId }
  { name: 'Mail__UseManagedIdentity', value: string(mailUseManagedIdentity) }
  // With managed identity, the client id of the user-assigned identity; else the app registration's.
  { name: 'Mail__ClientId', value: mailUseManagedIdentity ? identity.properties.clientId : mailClientId }
  // Outbox mode (no mail sent) writes .eml files; the deployed package is read-only, /tmp is not.
  { name: 'Mail__OutboxDirectory', value: '/tmp/kkb-outbox' }
]

var mailSecretSettings = mailUseManagedIdentity ? [] : [
  {
    name: 'Mail__ClientSecret'
    value: empty(mailClientSecretUri) ? mailClientSecret : '@Microsoft.KeyVault(SecretUri=${mailClientSecretUri})'
  }
]

var linkSettings = [
  {
    name: 'Links__SigningKey'
    value: empty(linksSigningKeySecretUri) ? linksSigningKey : '@Microsoft.KeyVault(SecretUri=${linksSigningKeySecretUri})'
  }
  { name: 'Links__BaseUrl', value: empty(linksBaseUrl) ? 'https://${appName}.azurewebsites.net' : linksBaseUrl }
  { name: 'Schedules__CompileRecap', value: scheduleCompileRecap }
  { name: 'Schedules__SendReminders', value: scheduleSendReminders }
  { name: 'Schedules__SyncDriveFolders', value: scheduleSyncDriveFolders }
  {
    name: 'Drive__ServiceAccountKey'
    value: empty(driveServiceAccountKeySecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${driveServiceAccountKeySecretUri})'
  }
]

// Regencies__{PPKK}__*: Linux app setting names cannot contain the dot of 63.71.
var regencySettings = flatten(map(regencies, r => [
  { name: 'Regencies__${replace(r.code, '.', '')}__Name', value: r.name }
  { name: 'Regencies__${replace(r.code, '.', '')}__DinasName', value: r.dinasName }
  { name: 'Regencies__${replace(r.code, '.', '')}__DeadlineDay', value: string(r.deadlineDay) }
  { name: 'Regencies__${replace(r.code, '.', '')}__TimeZone', value: r.timeZone }
  { name: 'Regencies__${replace(r.code, '.', '')}__Recipients', value: join(r.recipients, ';') }
  { name: 'Regencies__${replace(r.code, '.', '')}__TopClassLabel', value: r.topClassLabel }
  { name: 'Regencies__${replace(r.code, '.', '')}__ReminderOffsets', value: r.?reminderOffsets ?? '-3,1,3,7' }
]))

// --- Function app on Flex Consumption -------------------------------------------------------------
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id // resolves @Microsoft.KeyVault(...) settings
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(hostSettings, mailSettings, mailSecretSettings, linkSettings, regencySettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated' // the isolated worker: KampungKB.Functions.dll, named by worker.config.json
        version: '10.0'
      }
    }
  }
  dependsOn: [
    appRoleAssignments // the host must reach its storage at first start
    telemetryRole
    containers
  ]
}

// --- Event Grid: BlobCreated in uploads/ and registry/ to the blob extension's webhook ---------------
resource systemTopic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' = {
  name: 'evgt-${baseName}'
  location: location
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// The host's system key for the blob extension webhook; ARM's if() evaluates only the chosen branch,
// so the first deployment (no code, no key yet) never calls listKeys.
var blobsExtensionKey = wireEventGrid ? listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension : ''

resource blobSubscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2023-12-15-preview' = [for f in blobTriggeredFunctions: if (wireEventGrid) {
  parent: systemTopic
  name: 'blob-${toLower(f.name)}'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${f.name}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${f.container}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}]

// --- What the next steps need -----------------------------------------------------------------------
output functionAppName string = functionApp.name
output functionAppHostName string = functionApp.properties.defaultHostName
output storageAccountName string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output tableEndpoint string = storage.properties.primaryEndpoints.table
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output appInsightsName string = appInsights.name
output eventGridWired bool = wireEventGrid
