using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Outbox.WhatsApp;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Core.Outbox;

/// <summary>Registers the Outbox module: every message out (mail, WhatsApp) and the notification rows that make each one exactly once (docs/mail.md).</summary>
public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Registers as singletons: <paramref name="mail"/>, <paramref name="whatsApp"/> and the per-kabupaten
    /// <paramref name="regencies"/> (their recipients, read by feedback, recaps, reminders and the dashboard), the
    /// <see cref="IMailSender"/> of <see cref="MailSenderFactory"/> (clock: the registered <see cref="TimeProvider"/>),
    /// <see cref="WhatsAppChannel"/> (texts from <c>{templatesDirectory}</c>; no sender while <c>WhatsApp__PhoneNumberId</c> is unset),
    /// <see cref="NotificationLog"/> and <see cref="OutboxSweeper"/>. Needs the clients of <c>AddKampungKBStorage</c>.
    /// </summary>
    public static IServiceCollection AddKampungKBOutbox(this IServiceCollection services, MailOptions mail, WhatsAppOptions whatsApp,
        IReadOnlyList<RegencySettings> regencies, string templatesDirectory)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(whatsApp);
        ArgumentNullException.ThrowIfNull(regencies);
        ArgumentException.ThrowIfNullOrEmpty(templatesDirectory);
        services.AddSingleton(regencies);
        services.AddSingleton(mail);
        services.AddSingleton(sp => MailSenderFactory.Create(mail, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new NotificationLog(sp.GetRequiredService<Azure.Data.Tables.TableServiceClient>(), sp.GetRequiredService<Store.StorageNames>()));
        services.AddSingleton<OutboxSweeper>();
        services.AddSingleton(whatsApp);
        services.AddSingleton(_ => WhatsAppChannel.Load(templatesDirectory, whatsApp.Enabled ? new CloudApiWhatsAppSender(whatsApp) : null));
        return services;
    }
}
