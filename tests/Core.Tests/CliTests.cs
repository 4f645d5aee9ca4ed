using KampungKB.Cli.Commands;

namespace KampungKB.Core.Tests;

public class CliTests
{
    private static (int Exit, string Out, string Err) Run(ICommand command, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = command.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    [Fact]
    public void Ingest_WithRegistry_BulkDropOfAnUnknownKampung_RejectedAsThePipelineWould()
    {
        var registry = Path.Combine(Repo.Examples, "E06_daftar_kampung_kb.xlsx");
        var file = Path.Combine(FieldCasesTests.Dir, "C00_control.xlsx");

        var (exit, stdout, _) = Run(new IngestCommand(), "--dry-run", "--json", "--registry", registry, file);

        Assert.Equal(1, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal("rejected", doc.RootElement.GetProperty("status").GetString());
        Assert.True(doc.RootElement.GetProperty("registry").GetProperty("checked").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() == "kampung-unknown");
    }

    [Fact]
    public void Ingest_WithRegistry_KnownKampung_NamesItsAreaCode()
    {
        var registry = Path.Combine(Repo.Examples, "E06_daftar_kampung_kb.xlsx");
        var file = Path.Combine(Repo.Examples, "E03_Kampung KB Tajau Pecah - November 2025.csv");

        var (exit, stdout, _) = Run(new IngestCommand(), "--dry-run", "--registry", registry, file);

        Assert.Equal(0, exit);
        Assert.Contains("63.01.05.2009", stdout, StringComparison.Ordinal);
        Assert.Contains("November 2025", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kosong.xlsx", "", "empty-file")]
    [InlineData("catatan.txt", "halo, ini catatan rapat\nbaris kedua\n", "empty-report")]
    public void Ingest_WithRegistry_EmptyOrTextFile_ShowsOnlyTheRealProblem_NoUnknownKampung(string name, string content, string code)
    {
        var dir = Directory.CreateTempSubdirectory("kkb-ingest-");
        var file = Path.Combine(dir.FullName, name);
        File.WriteAllText(file, content);
        var registry = Path.Combine(Repo.Examples, "E06_daftar_kampung_kb.xlsx");

        var (exit, stdout, _) = Run(new IngestCommand(), "--registry", registry, file);
        var (_, json, _) = Run(new IngestCommand(), "--json", "--registry", registry, file);

        Assert.Equal(1, exit);
        Assert.DoesNotContain("tidak dikenali", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("tertulis: \"-\"", stdout, StringComparison.Ordinal);
        Assert.Equal([code], JsonDocument.Parse(json).RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("code").GetString()));
        dir.Delete(true);
    }

    [Fact]
    public void Ingest_RegistryWorkbook_IsNamedARegistryFile_NotReadAsAKampung()
    {
        var (exit, stdout, stderr) = Run(new IngestCommand(), Path.Combine(Repo.Examples, "E06_daftar_kampung_kb.xlsx"));

        Assert.Equal(1, exit);
        Assert.Contains("adalah daftar Kampung KB", stderr, StringComparison.Ordinal);
        Assert.Contains("registry import", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Kampung  :", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_Directory_SaysItIsAFolder_NotThatItIsMissing()
    {
        var dir = Directory.CreateTempSubdirectory("kkb-folder-");
        var (exit, _, stderr) = Run(new IngestCommand(), dir.FullName);

        Assert.Equal(2, exit);
        Assert.Contains("adalah folder", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("tidak ditemukan", stderr, StringComparison.Ordinal);
        dir.Delete();
    }

    [Fact]
    public void PublishHelp_IsIndonesian_ExitZero()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(Repo.Root, "scripts", "publish.sh"), "--help"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();

        Assert.Equal(0, p.ExitCode);
        Assert.StartsWith("Cara pakai: ./kkb publish --out FOLDER", text, StringComparison.Ordinal);
        Assert.DoesNotContain("usage", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_WithoutRegistry_SaysTheKampungWasNotChecked()
    {
        var (exit, stdout, _) = Run(new IngestCommand(), "--dry-run", Path.Combine(FieldCasesTests.Dir, "C00_control.xlsx"));

        Assert.Equal(0, exit);
        Assert.Contains("TIDAK dicocokkan", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void IngestDryRunJson_Example_PrintsOneJsonDocument_ExitZero()
    {
        var (exit, stdout, _) = Run(new IngestCommand(), "--dry-run", "--json", Path.Combine(Repo.Examples, "E01_kegiatan_oktober_2025_pelambuan.xlsx"));

        Assert.Equal(0, exit);
        var doc = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("accepted", doc.GetProperty("status").GetString());
        Assert.Equal("2025-10", doc.GetProperty("period").GetString());
        Assert.Equal("Pelambuan", doc.GetProperty("kampung").GetProperty("village").GetString());
        Assert.Equal(5, doc.GetProperty("activities").GetArrayLength());
        Assert.Equal("2025-10-03", doc.GetProperty("activities")[0].GetProperty("date").GetString());
        Assert.Equal(JsonValueKind.Object, doc.GetProperty("indicators").ValueKind);
        Assert.Equal(0, doc.GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public void IngestJson_Indicators_AreWholeJsonNumbers()
    {
        var (_, stdout, _) = Run(new IngestCommand(), "--json", Path.Combine(Repo.Examples, "E02_data_capaian_oktober_2025_pelambuan.xlsx"));
        Assert.Contains("\"families\": 2310,", stdout);
        Assert.Equal(2310, JsonDocument.Parse(stdout).RootElement.GetProperty("indicators").GetProperty("families").GetInt32());
    }

    [Fact]
    public void IngestJson_RejectedFile_ExitOne_ProblemHasLocation()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kkb-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "Bulan,Oktober 2025\nTanggal,Kegiatan\n31/11/2025,Rapat\n");
        try
        {
            var (exit, stdout, _) = Run(new IngestCommand(), "--dry-run", "--json", path);
            Assert.Equal(1, exit);
            var p = JsonDocument.Parse(stdout).RootElement.GetProperty("problems")[0];
            Assert.Equal(("error", "invalid-date", 3, "A", "31/11/2025"),
                (p.GetProperty("severity").GetString(), p.GetProperty("code").GetString(), p.GetProperty("row").GetInt32(), p.GetProperty("column").GetString(), p.GetProperty("text").GetString()));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData]
    [InlineData("--json")]
    [InlineData("--bogus", "a.xlsx")]
    [InlineData("tidak-ada.xlsx")]
    public void Ingest_BadUsage_ExitTwo_MessageOnStderr(params string[] args)
    {
        var (exit, stdout, stderr) = Run(new IngestCommand(), args);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("kkb ingest", stderr);
    }

    [Fact]
    public void IngestSummary_Example_IsIndonesian()
    {
        var (exit, stdout, _) = Run(new IngestCommand(), Path.Combine(Repo.Examples, "E05_laporan_juni_2025_banua_anyar.xls"));
        Assert.Equal(0, exit);
        Assert.Contains("DITERIMA", stdout);
        Assert.Contains("3 kegiatan, 170 peserta", stdout);
    }

    [Fact]
    public void RegistryCheckJson_Example_FiveEntries()
    {
        var (exit, stdout, _) = Run(new RegistryCommand(), "check", "--json", Path.Combine(Repo.Examples, "E06_daftar_kampung_kb.xlsx"));
        Assert.Equal(0, exit);
        var doc = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(5, doc.GetProperty("entries").GetArrayLength());
        Assert.Equal("Berkelanjutan", doc.GetProperty("entries")[2].GetProperty("class").GetString());
    }
}
