using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Uploads;

namespace KampungKB.Core.Uploads.Feedback;

/// <summary>Feedback pages (and emails) from the <c>feedback-accepted</c> / <c>feedback-rejected</c> templates.</summary>
internal sealed class TemplateFeedbackRenderer(EmailTemplates templates) : IFeedbackRenderer
{
    /// <summary>The feedback page kept beside the upload: it says nothing about a mail having been sent.</summary>
    public string RenderHtml(FeedbackDocument feedback) => Render(feedback, isPage: true).Html;

    /// <param name="helpContact">Who to ask for help; default the kampung's PKB/PLKB from the registry (<see cref="HelpContactOf"/>).</param>
    public RenderedEmail Render(FeedbackDocument f, string dinasName = RegencySettings.DefaultDinasName, string? uploadLink = null, string? helpContact = null, bool isPage = false)
    {
        helpContact ??= HelpContactOf(f.Kampung);
        if (f.Files is { } files) return RenderFolder(f, files, dinasName, uploadLink, helpContact, isPage);
        var zone = LocalTime.ForProvince(f.Kampung?.AreaCode ?? "");
        var activities = f.Report?.Activities ?? [];
        var indicators = f.Report?.Indicators ?? new Dictionary<string, decimal>();
        var accepted = f.Status != UploadStatus.Rejected;
        var view = new FeedbackView(
            Accepted: accepted,
            KampungName: f.Kampung?.Name ?? f.Report?.Kampung?.Name ?? f.Report?.Kampung?.Village ?? templates.Text(EmailTemplates.UnknownKampungText),
            AreaCode: f.Kampung?.AreaCode,
            Kecamatan: f.Kampung?.District,
            Period: f.Period?.ToString(),
            FileName: f.FileName,
            ReceivedAtLocal: zone.ToLocal(f.ReceivedAt),
            TimeZone: zone.Label,
            ActivityCount: activities.Count,
            ParticipantsMale: activities.Sum(a => a.Male ?? 0),
            ParticipantsFemale: activities.Sum(a => a.Female ?? 0),
            ParticipantsTotal: activities.Sum(a => a.Participants ?? 0),
            KeyFigures: KeyFigures(indicators),
            Warnings: Rows(f.Problems, Severity.Warning),
            Errors: Rows(f.Problems, Severity.Error),
            ReplacesEarlier: false,
            DinasName: dinasName,
            UploadLink: uploadLink,
            HelpContact: helpContact,
            IsPage: isPage)
        {
            ErrorTotal = f.ErrorTotal,
            WarningTotal = f.WarningTotal,
        };
        return templates.RenderFeedback(view);
    }

    /// <summary>A zip of reports: one row per file (its outcome, counts and first problems) under the zip's own problems.</summary>
    private RenderedEmail RenderFolder(FeedbackDocument f, IReadOnlyList<FolderFile> files, string dinasName, string? uploadLink, string? helpContact, bool isPage)
    {
        var zone = LocalTime.ForProvince(f.Kampung?.AreaCode ?? files.Select(x => x.AreaCode).OfType<string>().FirstOrDefault() ?? "");
        var rows = files.Select(x => new FolderFileRow(x.Path, x.Status, x.Period?.ToString(), x.Activities, x.Indicators, x.Errors, x.Warnings,
            x.Problems.Where(p => x.Status == FolderFile.Skipped || p.Severity == Severity.Error).Select(p => ProblemRow.Of(p.Sheet, p.Row, p.Column, p.Text, p.Message)).ToList())).ToList();
        var view = new FolderFeedbackView(
            KampungName: f.Kampung?.Name ?? templates.Text(EmailTemplates.UnknownKampungText),
            FileName: f.FileName,
            ReceivedAtLocal: zone.ToLocal(f.ReceivedAt),
            TimeZone: zone.Label,
            Files: rows,
            Errors: Rows(f.Problems, Severity.Error),
            Notes: Rows(f.Problems, Severity.Warning),
            DinasName: dinasName,
            UploadLink: uploadLink,
            HelpContact: helpContact,
            IsPage: isPage);
        return templates.RenderFolderFeedback(view);
    }

    /// <summary>
    /// The kampung's PKB/PLKB as the registry names them, "Nama (alamat surel)", the person a cadre asks first; null when
    /// the registry names neither (the mail then points to the dinas alone).
    /// </summary>
    public static string? HelpContactOf(RegistryEntry? kampung)
    {
        var name = kampung?.PkbName?.Trim();
        var email = kampung?.PkbEmail?.Trim();
        return (string.IsNullOrEmpty(name), string.IsNullOrEmpty(email)) switch
        {
            (false, false) => $"{name} ({email})",
            (false, true) => name,
            (true, false) => email,
            _ => null,
        };
    }

    private static List<ProblemRow> Rows(IEnumerable<Problem> problems, Severity severity) =>
        problems.Where(p => p.Severity == severity).Take(FeedbackWriter.MaxListed).Select(p => ProblemRow.Of(p.Sheet, p.Row, p.Column, p.Text, p.Message)).ToList();

    /// <summary>The key figures an accepted report shows, in this order, labelled from templates/email/texts.json (<c>figure.*</c>).</summary>
    private List<FigureRow> KeyFigures(IReadOnlyDictionary<string, decimal> i)
    {
        var rows = new List<FigureRow>();
        string Label(string code) => templates.Text(EmailTemplates.FigurePrefix + code);
        void Add(string code) { if (i.TryGetValue(code, out var v)) rows.Add(new FigureRow(Label(code), v)); }
        Add("families");
        Add("pus");
        Add("kb_active");
        if (i.TryGetValue("pus", out var pus) && pus > 0 && i.TryGetValue("kb_active", out var pa))
            rows.Add(new FigureRow(Label("cpr"), pa / pus, IsPercent: true));
        Add("kb_new");
        Add("unmet_need");
        if (pus > 0 && i.TryGetValue("unmet_need", out var un))
            rows.Add(new FigureRow(Label("unmet_need_rate"), un / pus, IsPercent: true));
        Add("stunting_risk_families");
        return rows;
    }
}
