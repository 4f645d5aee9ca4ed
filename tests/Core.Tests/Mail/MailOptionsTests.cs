using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Mail;

namespace KampungKB.Core.Tests.Mail;

public class MailOptionsTests
{
    private static MailOptions From(params (string Key, string Value)[] settings)
    {
        var map = settings.ToDictionary(s => s.Key, s => s.Value);
        return MailOptions.FromSettings(new SettingsReader(k => map.GetValueOrDefault(k)));
    }

    /// <summary>What start-up is told: every value that does not parse and every rule broken, by key.</summary>
    private static IReadOnlyList<SettingError> Read(params (string Key, string Value)[] settings)
    {
        var map = settings.ToDictionary(s => s.Key, s => s.Value);
        var reader = new SettingsReader(k => map.GetValueOrDefault(k));
        MailOptions.FromSettings(reader);
        return reader.Errors;
    }

    [Fact]
    public void Validate_NoSettings_DefaultsToValidOutbox()
    {
        var options = From();
        Assert.Equal(MailMode.Outbox, options.Mode);
        Assert.Empty(options.Validate());
        Assert.IsType<OutboxMailSender>(MailSenderFactory.Create(options));
    }

    [Fact]
    public void Validate_GraphWithoutCredentials_NamesEveryMissingKey()
    {
        var keys = Read(("Mail__Mode", "graph")).Select(e => e.Key).ToHashSet();
        Assert.Equal(new HashSet<string> { "Mail__Sender", "Mail__TenantId", "Mail__ClientId", "Mail__ClientSecret" }, keys);
    }

    [Fact]
    public void Validate_UnparsableValues_AreReportedByKey()
    {
        var keys = Read(("Mail__Mode", "smtp"), ("Mail__UseManagedIdentity", "maybe"), ("Mail__Sender", "bukan alamat"), ("Mail__GraphBaseUrl", "graph")).Select(e => e.Key).ToList();
        Assert.Contains("Mail__Mode", keys);
        Assert.Contains("Mail__UseManagedIdentity", keys);
        Assert.Contains("Mail__Sender", keys);
        Assert.Contains("Mail__GraphBaseUrl", keys);
    }

    [Fact]
    public void Validate_GraphWithManagedIdentity_NeedsOnlySender()
    {
        var options = From(("Mail__Mode", "Graph"), ("Mail__Sender", "laporan@dppkb.go.id"), ("Mail__UseManagedIdentity", "true"));
        Assert.Empty(options.Validate());
        using var sender = Assert.IsType<GraphMailSender>(MailSenderFactory.Create(options));
    }

    [Fact]
    public void Validate_GraphOverPlainHttpToRemoteHost_IsRejected()
    {
        var options = From(("Mail__Mode", "Graph"), ("Mail__Sender", "a@b.id"), ("Mail__UseManagedIdentity", "true"), ("Mail__GraphBaseUrl", "http://graph.example.com/v1.0"));
        Assert.Contains(options.Validate(), e => e.Key == "Mail__GraphBaseUrl");
    }

    [Fact]
    public void Create_InvalidOptions_ThrowsListingKeys()
    {
        var ex = Assert.Throws<MailConfigurationException>(() => MailSenderFactory.Create(From(("Mail__Mode", "Graph"))));
        Assert.Contains(ex.Errors, e => e.Key == "Mail__Sender");
    }
}
