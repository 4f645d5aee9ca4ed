using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads.Drive;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Uploads.MailIn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Uploads;

/// <summary>Registers the Uploads module: the exactly-once upload path and its channels (page and links, Google Drive, mail-in; docs/channels.md).</summary>
public static class UploadsServiceCollectionExtensions
{
    /// <summary>
    /// Registers as singletons the given options and <see cref="UploadProcessor"/>, its feedback (<see cref="FeedbackWriter"/>,
    /// the template renderer as <see cref="IFeedbackRenderer"/>, mail and WhatsApp as <see cref="IFeedbackNotifier"/>),
    /// <see cref="UploadLinks"/> and <see cref="UploadDesk"/> (the upload page), <see cref="MailInProcessor"/> (texts from
    /// <paramref name="templatesDirectory"/>; off while <c>MailIn__Mailbox</c> is unset) and <see cref="DriveSync"/> (off
    /// without <c>Drive__ServiceAccountKey</c>). Needs the Ingestion, Store, Rendering and Outbox registrations.
    /// </summary>
    public static IServiceCollection AddKampungKBUploads(this IServiceCollection services, PipelineOptions pipeline, ArchiveOptions archive,
        LinkOptions links, MailInOptions mailIn, DriveOptions drive, string templatesDirectory)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(mailIn);
        ArgumentNullException.ThrowIfNull(drive);
        ArgumentException.ThrowIfNullOrEmpty(templatesDirectory);
        services.AddSingleton(pipeline);
        services.AddSingleton(archive);
        services.AddSingleton<TemplateFeedbackRenderer>();
        services.AddSingleton<IFeedbackRenderer>(sp => sp.GetRequiredService<TemplateFeedbackRenderer>());
        services.AddInternalSingleton<FeedbackWriter>();
        services.AddInternalSingleton<UploadProcessor>();
        services.AddSingleton<IFeedbackNotifier, MailFeedbackNotifier>();

        services.AddSingleton(mailIn);
        services.AddSingleton(_ => MailInTexts.Load(templatesDirectory));
        services.AddInternalSingleton<MailInProcessor>();

        services.AddSingleton(links);
        services.AddSingleton<UploadLinks>();
        services.AddSingleton<UploadDesk>();

        services.AddSingleton(drive);
        services.AddSingleton(sp => new DriveSync(drive, sp.GetRequiredService<BlobServiceClient>(),
            sp.GetRequiredService<DriveStore>(), sp.GetRequiredService<RegistryStore>(), sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<StorageNames>(),
            sp.GetRequiredService<EmailTemplates>(), sp.GetRequiredService<IMailSender>(), sp.GetRequiredService<IReadOnlyList<RegencySettings>>(), pipeline,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DriveSync>>()));
        return services;
    }
}
