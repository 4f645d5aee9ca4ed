using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Jobs.Classes;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Store;

namespace KampungKB.Core.Dashboard;

/// <summary>An upload's original file as kept (docs/storage.md): the bytes and the name the cadre gave it.</summary>
internal sealed record KeptOriginal(string FileName, byte[] Content);

/// <summary>
/// Reads what the kampung page shows, by keys only, never a scan of the kabupaten (docs/performance.md, "Dashboard"): per month
/// of the strip two point reads of <c>Reports</c>; the kampung's uploads from its upload-index partition <c>k_{area}</c>; the
/// selected month's log lines and feedback-mail rows by point reads; its activities by one RowKey range; its class from its own
/// months (<see cref="ClassReader.ReadKampungAsync"/>).
/// </summary>
internal sealed class KampungPageReader(BlobServiceClient blobs, StorageNames names, RegistryStore registry, ReportStore reports, UploadLog uploads,
    NotificationLog notifications, KampungClassifier? classifier = null)
{
    /// <summary>How many of a kampung's uploads the page reads (newest first); three years of a busy kampung is far fewer.</summary>
    public const int MaxUploads = 1_000;

    private readonly ReportStore _reports = reports;
    private readonly UploadLog _uploads = uploads;
    private readonly NotificationLog _notifications = notifications;

    /// <param name="currentPeriod">The month now due (the page offers no month after it).</param>
    /// <param name="actionSeed">The action id of this rendering (<see cref="KampungActions.NewActionSeed"/>).</param>
    public async Task<KampungPageInput> ReadAsync(RegencySettings regency, RegistryEntry kampung, ReportingPeriod period, ReportingPeriod currentPeriod,
        string actionSeed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(regency);
        ArgumentNullException.ThrowIfNull(kampung);
        var strip = KampungPagePlanner.Strip(period);
        var monthsTask = Task.WhenAll(strip.Select(p => _reports.GetKampungMonthAsync(regency.Code, kampung.AreaCode, p, ct)));
        var uploadsTask = _uploads.RecentAsync(regency.Code, kampung.AreaCode, MaxUploads, ct);
        var classTask = classifier is null ? Task.FromResult<KampungClassRow?>(null)
            : ReadClassAsync(new ClassReader(registry, _reports, classifier), kampung, period, ct);
        var months = (await monthsTask.ConfigureAwait(false)).ToDictionary(m => m.Period);
        var uploads = await uploadsTask.ConfigureAwait(false);

        var ofMonth = KampungPagePlanner.OfMonth(uploads, period, regency.TimeZone);
        var lines = Task.WhenAll(ofMonth.Select(u => _uploads.GetAsync(u.RegencyCode, u.UploadId, ct)));
        var mails = Task.WhenAll(ofMonth.Select(u => _notifications.GetAsync(NotificationKeys.FeedbackPartition(u.RegencyCode), u.UploadId, ct)));
        var current = months[period].Current.GetValueOrDefault(kampung.AreaCode);
        var activities = current is null ? Task.FromResult<IReadOnlyList<Activity>>([]) : _reports.ListKampungActivitiesAsync(regency.Code, current, ct);

        var detailed = (await lines.ConfigureAwait(false)).Where(l => l is not null).ToDictionary(l => l!.UploadId, l => l!, StringComparer.Ordinal);
        var feedback = (await mails.ConfigureAwait(false)).Where(m => m is not null).ToDictionary(m => m!.RowKey, m => m!, StringComparer.Ordinal);
        return new KampungPageInput(regency, kampung, period, currentPeriod, months, uploads, detailed, feedback,
            await activities.ConfigureAwait(false), await classTask.ConfigureAwait(false), actionSeed);
    }

    private static async Task<KampungClassRow?> ReadClassAsync(ClassReader reader, RegistryEntry kampung, ReportingPeriod period, CancellationToken ct) =>
        await reader.ReadKampungAsync(kampung, period, ct).ConfigureAwait(false);

    /// <summary>
    /// The kampung's months for the export: the twelve of the strip with their activities. Keys only, as <see cref="ReadAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<(ReportMonth Month, IReadOnlyList<Activity> Activities)>> ReadMonthsAsync(string regencyCode, string areaCode,
        ReportingPeriod period, CancellationToken ct = default)
    {
        var months = await Task.WhenAll(KampungPagePlanner.Strip(period).Select(p => _reports.GetKampungMonthAsync(regencyCode, areaCode, p, ct))).ConfigureAwait(false);
        var list = new List<(ReportMonth, IReadOnlyList<Activity>)>();
        foreach (var m in months)
            list.Add((m, m.Current.GetValueOrDefault(areaCode) is { } r ? await _reports.ListKampungActivitiesAsync(regencyCode, r, ct).ConfigureAwait(false) : []));
        return list;
    }

    /// <summary>
    /// The kept original of upload <paramref name="uploadId"/> when the log attributes it to <paramref name="kampung"/> (any other
    /// kampung's or kabupaten's upload id is null, as is one whose original retention removed): <c>processed/{area}/{period}/{upload}/</c>
    /// or <c>rejected/{area}/{upload}/</c>.
    /// </summary>
    public async Task<KeptOriginal?> OpenOriginalAsync(RegistryEntry kampung, string uploadId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(kampung);
        if (string.IsNullOrEmpty(uploadId) || uploadId.Length > 200 || uploadId.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?')) return null;
        var line = await _uploads.GetAsync(kampung.RegencyCode, uploadId, ct).ConfigureAwait(false);
        if (line is null || line.AreaCode != kampung.AreaCode || line.PrunedAt is not null) return null;
        var places = new List<(string Container, string Prefix)> { (names.Rejected, $"{kampung.AreaCode}/{uploadId}/") };
        if (line.Period is { } p) places.Insert(line.Status == UploadStatus.Rejected ? 1 : 0, (names.Processed, $"{kampung.AreaCode}/{p}/{uploadId}/"));
        foreach (var (container, prefix) in places)
        {
            var client = blobs.GetBlobContainerClient(container);
            await foreach (var item in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, ct).ConfigureAwait(false))
            {
                var content = await client.GetBlobClient(item.Name).DownloadContentAsync(ct).ConfigureAwait(false);
                return new KeptOriginal(item.Name[prefix.Length..], content.Value.Content.ToArray());
            }
        }
        return null;
    }
}
