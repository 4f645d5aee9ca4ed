using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KampungKB.Cli.Dev;
using KampungKB.Core.Ingestion.Intake;

namespace KampungKB.Integration.Tests.Pipeline;

/// <summary>A time source the test moves by hand.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Renders feedback as a minimal page; the real templates are tested on their own.</summary>
internal sealed class PlainFeedbackRenderer : IFeedbackRenderer
{
    public string RenderHtml(FeedbackDocument feedback) => $"<p>{feedback.Status}</p>";
}

/// <summary>
/// The upload pipeline over the run's Azurite, with its own name prefix so no test shares state, and the
/// shared example files (../shared/examples) plus the project's samples as real inputs.
/// </summary>
internal sealed class PipelineHarness
{
    private static readonly Lazy<IngestionEngine> s_engine = new(() => IngestionEngine.Load(Path.Combine(Root, "templates")));

    public PipelineHarness(AzuriteFixture azurite, TableServiceClient? tables = null, BlobServiceClient? blobs = null)
        : this(new StorageNames(AzuriteFixture.UniqueName("t")), blobs ?? azurite.Blobs, tables ?? azurite.Tables,
            new ManualTime(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero)))
    {
    }

    private PipelineHarness(StorageNames names, BlobServiceClient blobs, TableServiceClient tables, ManualTime time)
    {
        Names = names;
        Blobs = blobs;
        Tables = tables;
        Time = time;
        Feedback = new FeedbackWriter(Blobs, Names, new PlainFeedbackRenderer());
        Processor = TestStores.UploadProcessor(Engine, Blobs, Tables, Names, Feedback, Time, new PipelineOptions(), NullLogger<UploadProcessor>.Instance);
        Reports = TestStores.For(Tables, Names).Reports;
        Log = TestStores.For(Tables, Names).Uploads;
    }

    /// <summary>The same storage names, blobs and clock over another table client (e.g. one that fails on cue).</summary>
    public PipelineHarness WithTables(TableServiceClient tables) => new(Names, Blobs, tables, Time);

    public static string Root => AzuriteProcess.FindRepositoryRoot() ?? throw new InvalidOperationException("repository root not found");
    public static string Examples => Path.Combine(Root, "..", "shared", "examples");
    public static IngestionEngine Engine => s_engine.Value;

    public StorageNames Names { get; }
    public BlobServiceClient Blobs { get; }
    public TableServiceClient Tables { get; }
    public ManualTime Time { get; }
    public FeedbackWriter Feedback { get; }
    public UploadProcessor Processor { get; }
    public ReportStore Reports { get; }
    public UploadLog Log { get; }

    public async Task InitAsync()
    {
        await StorageBootstrap.EnsureAsync(Blobs, Tables, Names);
        var importer = TestStores.RegistryImporter(Engine, Tables, Names, Time, NullLogger<RegistryImporter>.Instance);
        var outcome = await importer.ImportAsync("daftar.xlsx", await File.ReadAllBytesAsync(Path.Combine(Examples, "E06_daftar_kampung_kb.xlsx")));
        Assert.True(outcome.Accepted, string.Join("; ", outcome.Problems.Select(p => p.Code)));
    }

    public static byte[] Example(string prefix) =>
        File.ReadAllBytes(Directory.GetFiles(Examples, prefix + "*").Single());

    /// <summary>Puts the bytes into uploads/ (as a cadre would) and runs the pipeline on them, as the trigger would.</summary>
    public async Task<UploadOutcome> UploadAsync(string name, byte[] content)
    {
        await Blobs.GetBlobContainerClient(Names.Uploads).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        return await Processor.ProcessAsync(new UploadEvent(name, content.Length, Time.GetUtcNow()), content);
    }

    public async Task<List<BlobItem>> ListAsync(string container)
    {
        var list = new List<BlobItem>();
        await foreach (var b in Blobs.GetBlobContainerClient(container).GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata })) list.Add(b);
        return list;
    }
}
