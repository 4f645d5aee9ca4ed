using System.Text.RegularExpressions;
using KampungKB.Cli.Commands;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Outbox.Notifications;

namespace KampungKB.Core.Tests;

/// <summary>What the operator reads: Indonesian lines from templates/cli, help for every command, mistakes explained with an example.</summary>
public class CliTextTests
{
    private static readonly string[] EnglishCodes =
        ["accepted", "skipped", "would-send", "would-skip", "stale-before-deadline", "no-pokja-email", "already", "before-deadline", "after-deadline"];

    private static (int Exit, string Out, string Err) Run(ICommand command, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = command.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    [Fact]
    public void Help_ListsEveryCommand_WithItsDescription()
    {
        var o = new StringWriter();
        Assert.Equal(CommandLine.Ok, CommandLine.Help(null, o));
        var texts = CliTexts.Default;
        foreach (var command in CommandLine.All.Keys.Concat(["test", "publish"]))
        {
            Assert.True(texts.Commands.ContainsKey(command), $"templates/cli/texts.json describes no '{command}'");
            Assert.Matches(new Regex($@"^\s+{Regex.Escape(command)}\s+{Regex.Escape(texts.Commands[command].About)}$", RegexOptions.Multiline), o.ToString());
        }
    }

    [Fact]
    public void HelpForOneCommand_PrintsItsUsage()
    {
        var o = new StringWriter();
        Assert.Equal(CommandLine.Ok, CommandLine.Help("recap", o));
        Assert.Contains(CliTexts.Default.Commands["recap"].Usage, o.ToString());
    }

    [Theory]
    [InlineData("--period", "2025-13", "error.period")]
    [InlineData("--period", "Oktober", "error.period")]
    [InlineData("--date", "17-11-2025", "error.date")]
    [InlineData("--regency", "Banjarmasin", "error.regency")]
    public void WrongPeriodDateOrRegency_SaysWhatWasWrong_WithAnExample_AndTheUsage(string option, string value, string key)
    {
        var e = new StringWriter();
        var options = CommandOptions.Parse("remind", [option, value], new HashSet<string> { "--period", "--date", "--regency" }, new HashSet<string>(), e)!;
        var ok = option switch
        {
            "--period" => options.TryPeriod(e, true, out _),
            "--date" => options.TryDate(e, out _),
            _ => options.TryRegency(e, false, out _),
        };

        Assert.False(ok);
        var expected = CliTexts.Default.T(key, ("command", "remind"), ("value", value));
        Assert.Contains(expected, e.ToString());
        Assert.Matches(@"\d{4}-\d{2}|\d{2}\.\d{2}", expected);        // the example
        Assert.Contains(CliTexts.Default.Usage("remind"), e.ToString());
    }

    [Theory]
    [InlineData("error.area", "--kampung", "63.71")]
    [InlineData("error.seconds", "--timeout", "tiga")]
    [InlineData("error.seconds", "--timeout", "0")]
    [InlineData("error.unknown_option", "--kabupaten", "63.71")]
    [InlineData("error.file_count")]
    [InlineData("error.file_missing", "tidak-ada.xlsx")]
    public void Upload_BadArguments_SayWhatWasWrong_AndTheUsage(string key, params string[] args)
    {
        var e = new StringWriter();
        var file = Path.Combine(Repo.Examples, "E01_kegiatan_oktober_2025_pelambuan.xlsx");
        string[] line = key is "error.file_count" or "error.file_missing" ? args : [file, .. args];

        Assert.Null(UploadCommand.Parse(line, e));

        var t = CliTexts.Default;
        var expected = key switch
        {
            "error.unknown_option" => t.T(key, ("command", "upload"), ("option", args[0])),
            "error.file_missing" => t.T(key, ("command", "upload"), ("file", args[0])),
            _ => t.T(key, ("command", "upload"), ("value", args.ElementAtOrDefault(1))),
        };
        Assert.Equal(expected + Environment.NewLine + t.Usage("upload") + Environment.NewLine, e.ToString());
    }

    [Fact]
    public void Upload_FileAndOptions_AreRead()
    {
        var file = Path.Combine(Repo.Examples, "E01_kegiatan_oktober_2025_pelambuan.xlsx");

        var parsed = UploadCommand.Parse(["--kampung", "63.71.04.1005", file, "--json", "--timeout", "30"], TextWriter.Null);

        Assert.Equal((file, "63.71.04.1005", true, false, TimeSpan.FromSeconds(30)), parsed);
        Assert.Equal(TimeSpan.FromSeconds(180), UploadCommand.Parse([file], TextWriter.Null)!.Value.Timeout);
    }

    [Fact]
    public void UnknownOption_IsRefused_NotIgnored()
    {
        var e = new StringWriter();
        Assert.Null(CommandOptions.Parse("reports", ["--period", "2025-10", "--kabupaten", "63.71"], new HashSet<string> { "--period" }, new HashSet<string>(), e));
        Assert.Contains("--kabupaten", e.ToString());
    }

    [Fact]
    public void IngestSummary_NamesIndicators_WithIndonesianThousands()
    {
        var (exit, stdout, _) = Run(new IngestCommand(), Path.Combine(Repo.Examples, "E02_data_capaian_oktober_2025_pelambuan.xlsx"));

        Assert.Equal(0, exit);
        Assert.DoesNotContain("kb_active", stdout);
        Assert.DoesNotContain("families", stdout);
        var catalogue = Core.Jobs.Recaps.RecapCatalogue.Load(Repo.Templates);
        Assert.Contains(catalogue.Indicators.Single(i => i.Code == "families").Label + ": 2.310", stdout);
        Assert.Contains("Oktober 2025", stdout);
    }

    [Fact]
    public void RegistryCheck_OnAReportFile_SaysItIsNoRegistry_AndListsTheColumns()
    {
        var (exit, stdout, _) = Run(new RegistryCommand(), "check", Path.Combine(Repo.Examples, "E01_kegiatan_oktober_2025_pelambuan.xlsx"));

        Assert.Equal(CommandLine.Rejected, exit);
        var columns = RegistryCommand.ExpectedColumns();
        Assert.Contains(columns, c => c.Required);
        foreach (var (name, _) in columns) Assert.Contains("- " + name, stdout);
    }

    [Fact]
    public void RegistryCheck_Problems_GiveThePlaceOnce()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kkb-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "Kode Wilayah,Nama Kampung KB,Kecamatan,Klasifikasi,Email Pokja\n63.71.04.1005,Kampung KB Pelambuan,Banjarmasin Barat,Maju,bukan-email\n");
        try
        {
            var (_, stdout, _) = Run(new RegistryCommand(), "check", path);
            var problemLines = stdout.Split('\n').Where(l => l.Contains("baris 2", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(problemLines);
            Assert.All(problemLines, l => Assert.Single(Regex.Matches(l, "baris 2")));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void RemindPrint_DryRunTotals_AgreeWithItsList_AndAreIndonesian()
    {
        var october = new ReportingPeriod(2025, 10);
        ReminderItem Item(string area, ReminderStage stage, string action, string? reason = null) =>
            new("63.71", october, area, "Kampung KB " + area[^4..], stage, new DateOnly(2025, 11, 11), "Pokja", action, reason);
        var result = new ReminderRunResult("63.71", new DateOnly(2025, 11, 17), true,
        [
            Item("63.71.01.1001", ReminderStage.AfterDeadline, ReminderActions.WouldSend),
            Item("63.71.01.1002", ReminderStage.AfterDeadline, ReminderActions.WouldSend),
            Item("63.71.01.1003", ReminderStage.BeforeDeadline, ReminderActions.WouldSkip, ReminderSkipReasons.StaleBeforeDeadline),
            Item("63.71.01.1004", ReminderStage.AfterDeadline, ReminderActions.Already, "sent"),
        ]);
        var o = new StringWriter();

        RemindCommand.Print([result], json: false, o);

        var lines = o.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var t = CliTexts.Default;
        foreach (var action in new[] { ReminderActions.WouldSend, ReminderActions.WouldSkip, ReminderActions.Already })
        {
            var label = t.Label("action", action);
            var listed = lines.Skip(1).Count(l => l.Contains("→", StringComparison.Ordinal) && Regex.IsMatch(l, $@"\s{Regex.Escape(label)}( \(|$)"));
            Assert.Contains($"{listed} {label}", lines[0]);
        }
        foreach (var code in EnglishCodes) Assert.DoesNotMatch($@"(^|[\s(]){Regex.Escape(code)}([\s)]|$)", o.ToString());
    }

    [Fact]
    public void Texts_WriteIndonesianThousands()
    {
        var line = CliTexts.Default.T("recap.title", ("region", "Kota X"), ("month", "Oktober 2025"), ("reported", 1204), ("expected", 2310));
        Assert.Contains("1.204", line);
        Assert.Contains("2.310", line);
        Assert.DoesNotContain("{", line);
    }
}
