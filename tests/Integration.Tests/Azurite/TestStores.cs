using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Jobs.Retention;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Registry;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;
using KampungKB.Core.Uploads.Drive;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Uploads.MailIn;
using Microsoft.Extensions.Logging;

namespace KampungKB.Integration.Tests.Azurite;

/// <summary>
/// The tests' one factory of Core services over a test's own account and prefix: each builds the repositories it
/// receives from one <see cref="Stores"/> (as the app's registration does), so a test names the account, prefix and
/// clock and never a repository. Parameters follow the services' own, with the table client and names in place of the
/// repositories.
/// </summary>
internal static class TestStores
{
    public static Stores For(TableServiceClient tables, StorageNames names, TimeProvider? time = null) => new(tables, names, time);

    public static UploadProcessor UploadProcessor(IngestionEngine engine, BlobServiceClient blobs, TableServiceClient tables, StorageNames names, FeedbackWriter feedback,
        TimeProvider time, PipelineOptions options, ILogger<UploadProcessor> logger, IFeedbackNotifier? notifier = null, ArchiveOptions? archive = null)
    {
        var s = For(tables, names, time);
        return new(engine, blobs, s.Registry, s.Reports, s.Uploads, s.Claims, names, feedback, time, options, logger, notifier, archive);
    }

    public static RegistryImporter RegistryImporter(IngestionEngine engine, TableServiceClient tables, StorageNames names, TimeProvider time, ILogger<RegistryImporter> logger)
    {
        var s = For(tables, names, time);
        return new(engine, s.Registry, s.Drive, time, logger);
    }

    public static KampungKB.Core.Jobs.Reminders.ReminderRunner ReminderRunner(TableServiceClient tables, StorageNames names, EmailTemplates templates,
        RecapCatalogue catalogue, IMailSender mail, TimeProvider time, ILogger<KampungKB.Core.Jobs.Reminders.ReminderRunner> logger,
        UploadLinks? links = null, KampungKB.Core.Outbox.WhatsApp.WhatsAppChannel? whatsApp = null)
    {
        var s = For(tables, names, time);
        return new(s.Registry, s.Reports, s.Uploads, tables, names, templates, catalogue, mail, time, logger, links, whatsApp);
    }

    public static UploadLinks UploadLinks(LinkOptions options, TableServiceClient tables, StorageNames names, TimeProvider time) =>
        new(options, For(tables, names, time).LinkKeys, time);

    public static UploadDesk UploadDesk(UploadLinks links, PageTemplates page, BlobServiceClient blobs, TableServiceClient tables, StorageNames names,
        PipelineOptions pipeline, TimeProvider time, ILogger<UploadDesk> logger)
    {
        var s = For(tables, names, time);
        return new(links, page, blobs, s.Registry, s.Uploads, s.Reports, names, pipeline, time, logger);
    }

    public static DriveSync DriveSync(DriveOptions options, BlobServiceClient blobs, TableServiceClient tables, StorageNames names, EmailTemplates templates, IMailSender mail,
        IReadOnlyList<RegencySettings> regencies, PipelineOptions pipeline, TimeProvider time, ILogger<DriveSync> logger,
        IDriveAccessToken? token = null, HttpClient? http = null)
    {
        var s = For(tables, names, time);
        return new(options, blobs, s.Drive, s.Registry, tables, names, templates, mail, regencies, pipeline, time, logger, token, http);
    }

    public static MailInProcessor MailInProcessor(MailInOptions options, MailOptions mail, UploadProcessor uploads, TemplateFeedbackRenderer renderer, IMailSender sender,
        MailInTexts texts, BlobServiceClient blobs, TableServiceClient tables, StorageNames names, TimeProvider time, PipelineOptions pipeline,
        IReadOnlyList<RegencySettings> regencies, ILogger<MailInProcessor> logger, TokenCredential? credential = null, UploadLinks? links = null)
    {
        var s = For(tables, names, time);
        return new(options, mail, uploads, renderer, sender, texts, blobs, s.Registry, s.Claims, tables, names, time, pipeline, regencies, logger, credential, links);
    }

    public static RetentionSweeper RetentionSweeper(BlobServiceClient blobs, TableServiceClient tables, StorageNames names, RetentionOptions options,
        PipelineOptions pipeline, TimeProvider time, ILogger<RetentionSweeper> logger)
    {
        var s = For(tables, names, time);
        return new(blobs, s.Uploads, s.Registry, s.Claims, names, options, pipeline, time, logger);
    }

    public static RecapCompiler RecapCompiler(TableServiceClient tables, StorageNames names, EmailTemplates templates, RecapCatalogue catalogue, TimeProvider time,
        UploadLinks? links = null)
    {
        var s = For(tables, names, time);
        return new(s.Registry, s.Reports, s.Uploads, new NotificationLog(tables, names), templates, catalogue, time, links);
    }

    public static UploadReprocessor UploadReprocessor(UploadProcessor processor, BlobServiceClient blobs, TableServiceClient tables, StorageNames names) =>
        new(processor, blobs, For(tables, names).Uploads, names);
}
