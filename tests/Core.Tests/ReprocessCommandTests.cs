using KampungKB.Cli.Commands;
using KampungKB.Core.Uploads;

namespace KampungKB.Core.Tests;

/// <summary>What <c>kkb reprocess</c> prints: Indonesian lines, the documented JSON shape, exit 1 when nothing was found.</summary>
public class ReprocessCommandTests
{
    private static readonly ReportingPeriod October = new(2025, 10);

    private static AreaCode Pelambuan => AreaCode.TryParse("63.71.04.1005", out var code) ? code : throw new InvalidOperationException();

    [Fact]
    public void NothingFound_SaysSo_InIndonesian_Exit1()
    {
        var o = new StringWriter();
        Assert.Equal(CommandLine.Rejected, ReprocessCommand.Print(Pelambuan, October, [], json: false, "Azurite", o));
        Assert.Contains("tidak ada yang diproses ulang", o.ToString());
    }

    [Fact]
    public void Accepted_Json_HasKampungPeriodAndOneUploadWithBothStatuses()
    {
        var outcome = new UploadOutcome("20251103T020000-abc", UploadStatus.Accepted, "63.71.04.1005", October, 5, 0, 0, 1);
        var o = new StringWriter();
        var exit = ReprocessCommand.Print(Pelambuan, October, [new ReprocessedUpload(outcome.UploadId, "kegiatan.xlsx", UploadStatus.Accepted, UploadStatus.Rejected, outcome)], json: true, "Azurite", o);

        Assert.Equal(CommandLine.Ok, exit);
        var root = JsonDocument.Parse(o.ToString()).RootElement;
        Assert.Equal("63.71.04.1005", root.GetProperty("kampung").GetString());
        Assert.Equal("2025-10", root.GetProperty("period").GetString());
        var upload = Assert.Single(root.GetProperty("uploads").EnumerateArray().ToList());
        Assert.Equal("accepted", upload.GetProperty("status").GetString());
        Assert.Equal("rejected", upload.GetProperty("previousStatus").GetString());
        Assert.Equal(5, upload.GetProperty("activities").GetInt32());
    }

    [Fact]
    public void Text_NamesPreviousAndNewStatus_InIndonesian()
    {
        var outcome = new UploadOutcome("20251103T020000-abc", UploadStatus.Accepted, "63.71.04.1005", October, 5, 0, 0, 1);
        var o = new StringWriter();
        ReprocessCommand.Print(Pelambuan, October, [new ReprocessedUpload(outcome.UploadId, "kegiatan.xlsx", UploadStatus.Accepted, UploadStatus.Rejected, outcome)], json: false, "Azurite", o);
        Assert.Contains("kegiatan.xlsx: ditolak → diterima", o.ToString());
    }
}
