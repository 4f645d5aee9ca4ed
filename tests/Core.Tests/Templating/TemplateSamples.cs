using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Tests.Templating;

internal static class TemplateSamples
{
    public const string HostileKampung = "<script>alert('x')</script> Kampung KB Sungai Biru";
    public const string HostileTitle = "=HYPERLINK(\"http://evil.example\",\"klik\")";
    public static readonly string TemplateDirectory = Path.Combine(AppContext.BaseDirectory, "templates", "email");

    private static readonly ProblemRow[] Problems =
    [
        new("Kegiatan", 12, "C", "<img src=x onerror=alert(1)>", "Tanggal tidak dikenali; tulis seperti 06/11/2025."),
        new("Capaian", 5, "B", "=1+1", "Jumlah harus bilangan bulat ≥ 0."),
    ];

    public static FeedbackView Feedback(bool accepted) => new(
        Accepted: accepted,
        KampungName: HostileKampung,
        AreaCode: "63.71.02.1011",
        Kecamatan: "Banjarmasin Tengah",
        Period: "2025-10",
        FileName: HostileTitle + ".xlsx",
        ReceivedAtLocal: new DateTime(2025, 11, 6, 9, 30, 0),
        TimeZone: "WITA",
        ActivityCount: 14,
        ParticipantsMale: 512,
        ParticipantsFemale: 692,
        ParticipantsTotal: 1204,
        KeyFigures: [new("PUS", 1204), new("CPR", 0.625m, IsPercent: true), new(HostileTitle, 3)],
        Warnings: [Problems[1]],
        Errors: accepted ? [] : Problems,
        ReplacesEarlier: true,
        DinasName: "DPPKB Kota Banjarmasin",
        UploadLink: "https://kkb.example.go.id/unggah",
        HelpContact: "0511-123456");

    /// <summary>A zip of reports (docs/channels.md): accepted, unchanged, rejected and skipped files, and a note on system files.</summary>
    public static FolderFeedbackView Folder() => new(
        KampungName: HostileKampung,
        FileName: HostileTitle + ".zip",
        ReceivedAtLocal: new DateTime(2025, 11, 6, 9, 30, 0),
        TimeZone: "WITA",
        Files:
        [
            new("Laporan/kegiatan oktober.xlsx", "accepted", "2025-10", 14, 0, 0, 1, []),
            new("Laporan/capaian oktober.xlsx", "unchanged", "2025-10", 0, 18, 0, 0, []),
            new("Laporan/" + HostileTitle + ".csv", "rejected", "2025-10", 0, 0, 5, 0, Problems),
            new("Laporan/daftar hadir.pdf", "skipped", null, 0, 0, 0, 0, [new(null, null, null, null, "\"daftar hadir.pdf\" bukan lembar kerja, jadi dilewati.")]),
        ],
        Errors: [],
        Notes: [new(null, null, null, null, "2 berkas sistem tidak dibaca.")],
        DinasName: "DPPKB Kota Banjarmasin",
        UploadLink: "https://kkb.example.go.id/unggah",
        HelpContact: "0511-123456");

    public static ReminderView Reminder(ReminderStage stage) => new(
        Stage: stage,
        RecipientName: "Pokja " + HostileKampung,
        KampungName: HostileKampung,
        AreaCode: "63.71.02.1011",
        Desa: "Sungai Biru",
        Kecamatan: "Banjarmasin Tengah",
        Period: "2025-10",
        Deadline: new DateOnly(2025, 11, 10),
        DaysFromDeadline: stage == ReminderStage.BeforeDeadline ? -3 : 7,
        Missing: ["laporan kegiatan", "data capaian indikator"],
        UploadLink: stage == ReminderStage.AfterDeadline ? null : "https://kkb.example.go.id/unggah",
        UploadEmail: "laporan@dppkb.example.go.id",
        DinasName: "DPPKB Kota Banjarmasin",
        HelpContact: "0511-123456",
        PkbName: "Ibu Rahmah",
        PreviousReminders: stage == ReminderStage.BeforeDeadline ? [] : [new(new DateOnly(2025, 11, 7), "Pengingat H-3", "Pokja")]);

    public static DinasReminderView DinasList() => new(
        DinasName: "DPPKB Kota Banjarmasin",
        Period: "2025-10",
        Deadline: new DateOnly(2025, 11, 10),
        DaysLate: 7,
        Kampung: [new(HostileKampung, "63.71.02.1011", "Sungai Biru", "Banjarmasin Tengah", "Ibu Rahmah"), new("Kampung KB Melati", "63.71.02.1012", null, "Banjarmasin Tengah", null)],
        Missing: ["laporan kegiatan", "data capaian indikator"],
        HelpContact: "0511-123456");

    public static RecapView Recap() => new(
        DinasName: "DPPKB Kota Banjarmasin",
        RegionName: "Kota Banjarmasin",
        Period: "2025-10",
        PreviousPeriod: "2025-09",
        Deadline: new DateOnly(2025, 11, 10),
        GeneratedAtLocal: new DateTime(2025, 11, 17, 7, 0, 0),
        TimeZone: "WITA",
        Completeness: new(52, 40, 31, 9, 12),
        Kecamatan: [new("Banjarmasin Tengah", 12, 12, 10, 2, 0), new(HostileKampung, 10, 4, 4, 0, 6)],
        MissingKampung: [new(HostileKampung, "63.71.02.1011", "Banjarmasin Tengah", "Ibu Rahmah", 2, "Rekap dinas")],
        ActivityTotal: 312,
        ActivitiesByBidang: [new("Keagamaan", 40), new("Reproduksi", 120), new(HostileTitle, 1)],
        Participants: new(4100, 5230, 9500, 9100),
        Partners: [new("Puskesmas", 30), new("KUA/Kemenag", 12)],
        Indicators: [new("pus", "PUS", 41204, 41000), new("kb_active", "Peserta KB Aktif", 25603, 25500), new("kb_new", "Peserta KB Baru", 310, null)],
        Ratios: [new("cpr", "CPR", 0.6214m, 0.6195m, true), new("unmet_need_rate", "Unmet need", 0.092m, 0.1m, true)],
        Classes: [new("Dasar", 35, 38), new("Berkembang", 10, 9), new("Mandiri", 4, 3), new("Paripurna", 3, 2)],
        ClassTarget: new(2025, 52, 0.05m, 3, 2),
        RejectedUploads: [new(HostileKampung, HostileTitle + ".xlsx", new DateTime(2025, 11, 5, 20, 15, 0), 3, "Tanggal tidak dikenali")],
        Unreachable: [new("Kampung KB Pekapuran", "63.71.01.1004", "Banjarmasin Timur", "0812-0000-0000")],
        AttachmentName: "rekap-2025-10.xlsx",
        DashboardLink: "https://kkb.example.go.id/rekap/2025-10");
}
