using System.Text.RegularExpressions;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Functions;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>
/// infra/main.bicep read as source (BicepCompileTests compiles and lints it): every setting the app reads is set
/// or documented as not set, every function of the build's functions.metadata and every container/table the code uses appears in it.
/// </summary>
public sealed class SettingsDriftTests
{
    private static readonly string Bicep = File.ReadAllText(RepositoryFiles.Path("infra", "main.bicep"));

    /// <summary>Settings the template documents as read-but-not-set (the comment paragraph "not set here: ...").</summary>
    private static string NotSetHereParagraph()
    {
        var lines = Bicep.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) && l.Contains("not set here:", StringComparison.Ordinal));
        if (start < 0) return "";
        return string.Join('\n', lines.Skip(start).TakeWhile(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) && l.Trim().Length > 2));
    }

    /// <summary>An app setting named in the template: <c>name: 'Key'</c>, or <c>name: 'Key__...'</c> for a connection prefix.</summary>
    private static bool NamesSetting(string key)
    {
        if (key.Contains('{'))
        {
            // Regencies__{code}__Name: the code part is a Bicep interpolation.
            var pattern = string.Join(@"\$\{[^}]*\}", Regex.Split(key, @"\{[^}]*\}").Select(Regex.Escape));
            return Regex.IsMatch(Bicep, $"name: '{pattern}'");
        }
        return Bicep.Contains($"name: '{key}'", StringComparison.Ordinal) || Bicep.Contains($"name: '{key}__", StringComparison.Ordinal);
    }

    [Fact]
    public void Bicep_AppSettingsKeys_AreSetOrDocumentedAsNotSet()
    {
        var notSet = NotSetHereParagraph();
        var missing = AppSettings.Keys
            .Where(k => !NamesSetting(k) && !Regex.IsMatch(notSet, $@"\b{Regex.Escape(k)}\b"))
            .ToList();
        Assert.True(missing.Count == 0,
            "infra/main.bicep neither sets nor documents (\"not set here:\") these AppSettings.Keys: " + string.Join(", ", missing));
    }

    [Fact]
    public void Bicep_RegencySettingNames_AreSetPerRegency()
    {
        var missing = RegencySettings.SettingNames.Where(n => !NamesSetting(RegencySettings.Key("{code}", n))).ToList();
        Assert.True(missing.Count == 0, "infra/main.bicep sets no Regencies__${...}__<Name> for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Bicep_GraphMailKeys_AreSet()
    {
        string[] graph = [nameof(MailOptions.Mode), nameof(MailOptions.Sender), nameof(MailOptions.TenantId), nameof(MailOptions.ClientId),
            nameof(MailOptions.UseManagedIdentity), nameof(MailOptions.ClientSecret)];
        var missing = graph.Select(MailOptions.Key).Where(k => !NamesSetting(k)).ToList();
        Assert.True(missing.Count == 0, "infra/main.bicep sets none of: " + string.Join(", ", missing));
    }

    [Fact]
    public void Bicep_FlexApp_DoesNotSetWorkerRuntimeSetting()
    {
        // Flex Consumption refuses FUNCTIONS_WORKER_RUNTIME; the runtime is functionAppConfig.runtime.
        Assert.False(NamesSetting("FUNCTIONS_WORKER_RUNTIME"));
        Assert.Matches(@"runtime: \{\s*name: 'dotnet-isolated'", Bicep);
        Assert.Contains("'FlexConsumption'", Bicep, StringComparison.Ordinal);
    }

    [Fact]
    public void Bicep_EveryFunctionOfTheBuild_IsNamed()
    {
        var missing = RepositoryFiles.Functions().Select(f => f.Name)
            .Where(n => !Regex.IsMatch(Bicep, $@"\b{Regex.Escape(n)}\b")).ToList();
        Assert.True(missing.Count == 0,
            "functions.metadata lists functions infra/main.bicep does not mention (blob triggers go in blobTriggeredFunctions, timers in the header comment): "
            + string.Join(", ", missing));
    }

    [Fact]
    public void Bicep_BlobTriggeredFunctions_HaveEventGridSubscriptionOnTheirContainer()
    {
        var blob = RepositoryFiles.Functions().Where(f => f.Bindings.Any(RepositoryFiles.IsBlobTrigger)).ToList();
        Assert.NotEmpty(blob);
        foreach (var (name, bindings) in blob)
        {
            var path = bindings.First(RepositoryFiles.IsBlobTrigger).GetProperty("path").GetString()!;
            var container = path.Split('/')[0];
            Assert.True(Bicep.Contains($"{{ name: '{name}', container: '{container}' }}", StringComparison.Ordinal),
                $"blobTriggeredFunctions in infra/main.bicep lacks {{ name: '{name}', container: '{container}' }}");
        }
        // The subscriptions are generated from that list: the webhook names the function, the filter its container.
        Assert.Contains("[for f in blobTriggeredFunctions:", Bicep, StringComparison.Ordinal);
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.${f.name}&code=", Bicep, StringComparison.Ordinal);
        Assert.Contains("subjectBeginsWith: '/blobServices/default/containers/${f.container}/'", Bicep, StringComparison.Ordinal);
        Assert.Contains("'Microsoft.Storage.BlobCreated'", Bicep, StringComparison.Ordinal);
    }

    [Fact]
    public void Bicep_ContainersAndTables_CoverStorageNames()
    {
        var missing = StorageNames.Default.Containers.Concat(StorageNames.Default.Tables)
            .Where(n => !Bicep.Contains($"'{n}'", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "infra/main.bicep creates none of: " + string.Join(", ", missing));
    }

    [Fact]
    public void Bicep_Storage_RefusesSharedKeyAndPublicBlobs()
    {
        Assert.Contains("allowSharedKeyAccess: false", Bicep, StringComparison.Ordinal);
        Assert.Contains("allowBlobPublicAccess: false", Bicep, StringComparison.Ordinal);
        Assert.Contains("name: 'AzureWebJobsStorage__credential', value: 'managedidentity'", Bicep, StringComparison.Ordinal);
    }
}
