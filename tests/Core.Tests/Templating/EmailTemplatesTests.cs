using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Tests.Templating;

public class EmailTemplatesTests
{
    private static readonly Lazy<EmailTemplates> Templates = new(() => EmailTemplates.Load(TemplateSamples.TemplateDirectory));

    public static TheoryData<string> AllRenders => new()
    {
        "feedback-accepted", "feedback-rejected", "feedback-folder", "reminder.before-deadline", "reminder.after-deadline", "reminder.escalation", "reminder.dinas", "reminder-dinas", "recap",
    };

    private static RenderedEmail RenderCase(string name) => name switch
    {
        "feedback-accepted" => Templates.Value.RenderFeedback(TemplateSamples.Feedback(true)),
        "feedback-rejected" => Templates.Value.RenderFeedback(TemplateSamples.Feedback(false)),
        "feedback-folder" => Templates.Value.RenderFolderFeedback(TemplateSamples.Folder()),
        "reminder.before-deadline" => Templates.Value.RenderReminder(TemplateSamples.Reminder(ReminderStage.BeforeDeadline)),
        "reminder.after-deadline" => Templates.Value.RenderReminder(TemplateSamples.Reminder(ReminderStage.AfterDeadline)),
        "reminder.escalation" => Templates.Value.RenderReminder(TemplateSamples.Reminder(ReminderStage.Escalation)),
        "reminder.dinas" => Templates.Value.RenderReminder(TemplateSamples.Reminder(ReminderStage.Dinas)),
        "reminder-dinas" => Templates.Value.RenderDinasReminder(TemplateSamples.DinasList()),
        _ => Templates.Value.RenderRecap(TemplateSamples.Recap()),
    };

    [Theory]
    [MemberData(nameof(AllRenders))]
    public void Render_FullViewModel_ProducesCompleteMail(string name)
    {
        var mail = RenderCase(name);

        Assert.False(string.IsNullOrWhiteSpace(mail.Subject));
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.StartsWith("<!DOCTYPE html>", mail.Html.TrimStart(), StringComparison.Ordinal);
        Assert.EndsWith("</html>", mail.Html.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("{{", mail.Html, StringComparison.Ordinal);
        Assert.Contains("Sungai Biru", mail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<td", mail.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllRenders))]
    public void Render_HostileNames_ComeOutInert(string name)
    {
        var mail = RenderCase(name);

        Assert.DoesNotContain("<script", mail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", mail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("=HYPERLINK", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror=", mail.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Folder_ListsEveryFileWithItsOutcome_AndCountsThem()
    {
        var mail = Templates.Value.RenderFolderFeedback(TemplateSamples.Folder());

        Assert.Contains("2 diterima, 1 ditolak", mail.Subject, StringComparison.Ordinal); // accepted and unchanged both count as accepted
        foreach (var file in new[] { "kegiatan oktober.xlsx", "capaian oktober.xlsx", "daftar hadir.pdf" }) Assert.Contains(file, mail.Text, StringComparison.Ordinal);
        Assert.Contains("Dilewati", mail.Text, StringComparison.Ordinal);
        Assert.Contains("dan 3 hal lain", mail.Text, StringComparison.Ordinal); // 5 errors, 2 listed
        Assert.Contains("2 berkas sistem", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ReminderStages_UseDifferentWording()
    {
        var bodies = Enum.GetValues<ReminderStage>().Select(s => Templates.Value.RenderReminder(TemplateSamples.Reminder(s))).ToList();

        Assert.Equal(4, bodies.Select(b => b.Subject).Distinct().Count());
        Assert.Equal(4, bodies.Select(b => b.Text).Distinct().Count());
    }

    [Fact]
    public void Render_Reminder_NamesKampungMonthDeadlineAndLink()
    {
        var mail = Templates.Value.RenderReminder(TemplateSamples.Reminder(ReminderStage.BeforeDeadline));

        Assert.Contains("Oktober 2025", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("10 November 2025", mail.Text, StringComparison.Ordinal);
        Assert.Contains("data capaian indikator", mail.Text, StringComparison.Ordinal);
        Assert.Contains("href=\"https://kkb.example.go.id/unggah\"", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Recap_FormatsIndonesianNumbersAndBars()
    {
        var mail = Templates.Value.RenderRecap(TemplateSamples.Recap());

        Assert.Contains("41.204", mail.Html, StringComparison.Ordinal);
        Assert.Contains("62,1%", mail.Html, StringComparison.Ordinal);
        Assert.Contains("-0,8 poin", mail.Html, StringComparison.Ordinal);
        Assert.Contains("width=\"77%\"", mail.Html, StringComparison.Ordinal);
        Assert.Contains("40 dari 52", mail.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Subject_KeepsNamesReadableNotHtmlEncoded()
    {
        var mail = Templates.Value.RenderFeedback(TemplateSamples.Feedback(true) with { KampungName = "Kampung KB \"Maju & Jaya\"" });
        Assert.Contains("\"Maju & Jaya\"", mail.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingTemplate_FailsAtStartupNamingIt()
    {
        var dir = CopyTemplates();
        try
        {
            File.Delete(Path.Combine(dir, "reminder.hbs"));
            var ex = Assert.Throws<TemplateConfigurationException>(() => EmailTemplates.Load(dir));
            Assert.Contains(ex.Problems, p => p.Contains("reminder.hbs", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Load_MissingSubjectOrPartial_FailsAtStartup()
    {
        var dir = CopyTemplates();
        try
        {
            File.WriteAllText(Path.Combine(dir, "subjects.json"), "{\"recap\": \"x\"}");
            File.Delete(Path.Combine(dir, "partials", "layout.hbs"));
            var ex = Assert.Throws<TemplateConfigurationException>(() => EmailTemplates.Load(dir));
            Assert.Contains(ex.Problems, p => p.Contains("layout", StringComparison.Ordinal));
            Assert.Contains(ex.Problems, p => p.Contains("reminder.dinas", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Load_BrokenTemplateSyntax_FailsAtStartup()
    {
        var dir = CopyTemplates();
        try
        {
            File.WriteAllText(Path.Combine(dir, "recap.hbs"), "{{#each Kecamatan}} tidak ditutup");
            var ex = Assert.Throws<TemplateConfigurationException>(() => EmailTemplates.Load(dir));
            Assert.Contains(ex.Problems, p => p.Contains("recap.hbs", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Feedback_OfAFileNoKampungIsKnownFor_SaysSo_InSubjectAndBody()
    {
        var report = Engines.Csv("No,Tanggal,Nama Kegiatan,Jumlah Peserta\n1,06/10/2025,Penyuluhan KB,25\n", "kegiatan.csv");
        var renderer = new KampungKB.Core.Uploads.Feedback.TemplateFeedbackRenderer(Templates.Value);
        var doc = new FeedbackDocument("u1", "kegiatan.csv", UploadStatus.Accepted, null, new ReportingPeriod(2025, 10), report, report.Problems, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));

        var mail = renderer.Render(doc);
        var folder = renderer.Render(doc with { Status = UploadStatus.Archive, Files = [new FolderFile("a/kegiatan.csv", UploadStatus.Accepted, "u2", null, new ReportingPeriod(2025, 10), 1, 0, 0, 0, [])] });

        Assert.Equal("Laporan (kampung belum dikenali) Oktober 2025 diterima", mail.Subject);
        Assert.Contains("(kampung belum dikenali)", mail.Text, StringComparison.Ordinal);
        Assert.Contains("(kampung belum dikenali)", folder.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Feedback_OfAcceptedFigures_ListsTheKeyFiguresByTheirLabels_InOrder()
    {
        var figures = new Dictionary<string, decimal> { ["families"] = 250, ["pus"] = 120, ["kb_active"] = 84, ["kb_new"] = 4, ["unmet_need"] = 12, ["stunting_risk_families"] = 3 };
        var report = Engines.Csv("No,Tanggal,Nama Kegiatan,Jumlah Peserta\n1,06/10/2025,Penyuluhan KB,25\n", "capaian.csv") with { Indicators = figures };
        var doc = new FeedbackDocument("u1", "capaian.csv", UploadStatus.Accepted, null, new ReportingPeriod(2025, 10), report, report.Problems, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));

        var text = new KampungKB.Core.Uploads.Feedback.TemplateFeedbackRenderer(Templates.Value).Render(doc).Text;

        var labels = new[] { "Jumlah KK", "PUS", "Peserta KB aktif", "CPR (KB aktif / PUS)", "Peserta KB baru", "Unmet need", "Tingkat unmet need", "Keluarga berisiko stunting" };
        var at = labels.Select(l => text.IndexOf(l, StringComparison.Ordinal)).ToList();
        Assert.All(at, i => Assert.True(i >= 0, text));
        Assert.Equal(at.Order(), at);
        Assert.Contains("70,0%", text, StringComparison.Ordinal); // CPR 84 / 120
        Assert.Contains("10,0%", text, StringComparison.Ordinal); // unmet need 12 / 120
    }

    [Fact]
    public void Load_MissingText_FailsAtStartupNamingIt()
    {
        var dir = CopyTemplates();
        try
        {
            var path = Path.Combine(dir, "texts.json");
            var texts = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!;
            texts.Remove("figure.cpr");
            File.WriteAllText(path, JsonSerializer.Serialize(texts));
            var ex = Assert.Throws<TemplateConfigurationException>(() => EmailTemplates.Load(dir));
            Assert.Contains(ex.Problems, p => p.Contains("'figure.cpr'", StringComparison.Ordinal));
            File.Delete(path);
            ex = Assert.Throws<TemplateConfigurationException>(() => EmailTemplates.Load(dir));
            Assert.Contains(ex.Problems, p => p.Contains("texts.json", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, true); }
    }

    private static string CopyTemplates()
    {
        var dir = Path.Combine(Path.GetTempPath(), "kkb-templates-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.GetFiles(TemplateSamples.TemplateDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(TemplateSamples.TemplateDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return dir;
    }
}
