using ExcelDataReader;
using KampungKB.Cli.Commands;
using KampungKB.Core.Jobs.Handover;

namespace KampungKB.Core.Tests.Handover;

/// <summary>
/// The handover workbook from hand-made figures: planned without storage, written to a real .xlsx file and read
/// back with ExcelDataReader, as the dinas opens it. Expected failures are the BKKBN website's own rules
/// (templates/handover/handover.json) worked out by hand in the comments.
/// </summary>
public sealed class HandoverPlannerTests
{
    private static readonly HandoverCatalogue Catalogue = HandoverCatalogue.Load(Repo.Templates);
    private static readonly ReportingPeriod October = new(2025, 10);
    private const string A = "63.71.01.1001", B = "63.71.01.1002", C = "63.71.02.1001", D = "63.71.02.1002";
    private const string Hostile = "=HYPERLINK(\"http://evil.example\",\"klik\")";
    private static readonly KampungProfile Full = new(PokjaDecree: true, PokjaMembers: 12, PokjaTrained: 4, FundingSources: 2, PoktanOwned: 5,
        Secretariat: true, RumahDataKu: false, PkbAssigned: true, Regulation: true, DataSources: 3, Mechanisms: 4);

    private static RegistryEntry Kampung(string area, string name, string district, KampungProfile? profile) =>
        new(area, name, null, district, "Kota Banjarmasin", null, null, null, null, null, null, null, Profile: profile);

    /// <summary>
    /// A: every figure, methods 5+2+0+3+10+25+15 = 60 and reasons 4+6+20+10 = 40, 60 + 40 = 100 = PUS → ready.
    /// B: BKB 45 > Keluarga yang Memiliki Balita 40 (programs.*.max); reasons 4+6+10+10 = 30, 60 + 30 = 90 ≠ PUS 100 (sum_equal);
    ///    Regulasi missing in the registry (regulasi_flag required) → 3 failures.
    /// C reported activities only (figures last in August); D did not report.
    /// </summary>
    internal static HandoverPlan Plan()
    {
        Dictionary<string, decimal> Figures(decimal bkb, decimal iat) => new()
        {
            ["pus"] = 100, ["families"] = 150, ["teens"] = 60, ["families_with_toddlers"] = 40, ["families_with_teens"] = 30, ["families_with_elderly"] = 20,
            ["bkb_members"] = bkb, ["bkr_members"] = 20, ["bkl_members"] = 10, ["uppka_members"] = 5, ["pikr_members"] = 8,
            ["kb_active_iud"] = 5, ["kb_active_mow"] = 2, ["kb_active_mop"] = 0, ["kb_active_condom"] = 3, ["kb_active_implant"] = 10,
            ["kb_active_injectable"] = 25, ["kb_active_pill"] = 15,
            ["pus_not_kb_pregnant"] = 4, ["pus_not_kb_want_child_soon"] = 6, ["pus_not_kb_want_child_later"] = iat, ["pus_not_kb_no_more_children"] = 10,
        };
        var input = new HandoverInput("63.71", "Kota Banjarmasin", October,
            [Kampung(B, "Kampung KB Beta", "Kec Satu", Full with { Regulation = null }), Kampung(A, Hostile, "Kec Satu", Full),
             Kampung(C, "Kampung KB Gamma", "Kec Dua", null), Kampung(D, "Kampung KB Delta", "Kec Dua", null)],
            new Dictionary<string, IReadOnlyDictionary<string, decimal>> { [A] = Figures(30, 20), [B] = Figures(45, 10) },
            new HashSet<string> { A, B, C },
            new Dictionary<string, ReportingPeriod> { [C] = new(2025, 8) },
            new Dictionary<string, string> { [B] = "https://kkb.example/api/kampung/63.71.01.1002#tok-b", [D] = "https://kkb.example/api/kampung/63.71.02.1002#tok-d" });
        return new HandoverPlanner(Catalogue).Plan(input);
    }

    /// <summary>Writes the workbook to a real file and reads every sheet back (ExcelDataReader, as Excel shows the values).</summary>
    private static Dictionary<string, List<object?[]>> WriteAndRead(HandoverPlan plan)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kkb-handover-{Guid.NewGuid():N}", plan.AttachmentName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, HandoverWorkbook.Build(plan, Catalogue));
        try
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            var sheets = new Dictionary<string, List<object?[]>>();
            using var stream = File.OpenRead(path);
            using var reader = ExcelReaderFactory.CreateReader(stream);
            do
            {
                var rows = new List<object?[]>();
                while (reader.Read())
                {
                    var row = new object?[reader.FieldCount];
                    for (var i = 0; i < row.Length; i++) row[i] = reader.GetValue(i);
                    rows.Add(row);
                }
                sheets[reader.Name] = rows;
            } while (reader.NextResult());
            return sheets;
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }

    [Fact]
    public void Workbook_SheetsInOrder_ABlockPerKampungInAreaOrder_WebsiteLabelsInWebsiteOrder()
    {
        var sheets = WriteAndRead(Plan());
        Assert.Equal(["Petunjuk", "Untuk diketik", "Gagal cek situs", "Tanpa angka"], sheets.Keys);
        var blocks = sheets["Untuk diketik"];
        Assert.Equal(["Kode wilayah", "Kampung KB", "Kecamatan", "Halaman di situs", "No.", "Isian di situs", "Nilai", "Cek situs", "Keterangan"], blocks[0].Select(c => (string)c!));
        var titles = blocks.Where(r => r[3] is null && r[5] is string).Select(r => (string)r[5]!).ToList();
        Assert.Equal(2, titles.Count);
        Assert.StartsWith("'" + Hostile, titles[0]);                          // A first (area order), its name inert
        Assert.EndsWith("siap diketik", titles[0]);
        Assert.EndsWith("3 isian akan ditolak situs, perbaiki dulu", titles[1]);

        var a = blocks.Where(r => r[0] as string == A && r[3] is string).ToList();
        var expected = Catalogue.Forms.SelectMany(f => f.Fields).Select(f => f.Label).ToList();
        Assert.Equal(expected, a.Select(r => (string)r[5]!));                 // every field, the website's order
        Assert.Equal(["Profil Kampung KB", "Profil Kependudukan: Jumlah Profil Keluarga", "Perkembangan KKBPK"], a.Select(r => (string)r[3]!).Distinct());
        var iud = a.Single(r => (string)r[5]! == "PUS Menggunakan IUD");
        Assert.Equal((5d, "lolos"), ((double)iud[6]!, (string)iud[7]!));     // a number cell, as the cadre wrote it
        Assert.Equal(("Ada", "lolos"), ((string)a.Single(r => (string)r[5]! == "Sekretariat Kampung KB")[6]!, (string)a.Single(r => (string)r[5]! == "Sekretariat Kampung KB")[7]!));
        Assert.Equal("Tidak Ada", (string)a.Single(r => (string)r[5]! == "Rumah Dataku")[6]!);
        var teens = a.Single(r => (string)r[5]! == "Jumlah Remaja");                // the cadres' Jumlah Remaja, also PIK R's ceiling
        Assert.Equal((60d, "lolos"), ((double)teens[6]!, (string)teens[7]!));
        Assert.Equal("isi dari sumber lain", (string)a.Single(r => ((string)r[5]!).StartsWith("Jumlah Penduduk Menurut Kelompok Umur", StringComparison.Ordinal))[7]!);
        // The profile page asks Ada/Tidak Ada per poktan, in the website's order (A's registry counts all five).
        Assert.Equal(["BKB", "BKR", "BKL", "UPPKA", "PIK R"], a.Where(r => ((string)r[5]!).Length <= 5 && r[3] as string == "Profil Kampung KB").Select(r => (string)r[5]!));
        Assert.All(a.Take(5), r => Assert.Equal(("Ada", "lolos"), ((string)r[6]!, (string)r[7]!)));
        Assert.DoesNotContain(a, r => r[7] as string == "DITOLAK");
    }

    [Fact]
    public void Failures_NameTheFieldTheRuleAndTheLink()
    {
        var failures = WriteAndRead(Plan())["Gagal cek situs"];
        var rows = failures.Skip(1).ToList();
        Assert.All(rows, r => Assert.Equal(B, r[0]));
        Assert.Equal(["regulasi_flag", "programs.*.max", "sum_equal"], rows.Select(r => Rule((string)r[4]!, (string)r[6]!)));
        Assert.Contains("45 melebihi Keluarga yang Memiliki Balita = 40", (string)rows[1][7]!);
        Assert.Contains("= 90, padahal PUS = 100", (string)rows[2][7]!);
        Assert.All(rows, r => Assert.Equal("https://kkb.example/api/kampung/63.71.01.1002#tok-b", r[8]));

        static string Rule(string field, string rule) => field switch
        {
            "Regulasi dari pemerintah daerah" when rule == "wajib diisi" => "regulasi_flag",
            "Jumlah keluarga ikut BKB" when rule.StartsWith("tidak boleh lebih dari", StringComparison.Ordinal) => "programs.*.max",
            _ when rule.StartsWith("total pengguna kontrasepsi", StringComparison.Ordinal) => "sum_equal",
            _ => field + " / " + rule,
        };
    }

    [Fact]
    public void NoFigures_ListsReportedWithoutFiguresAndMissing_WithLastMonthAndLink()
    {
        var rows = WriteAndRead(Plan())["Tanpa angka"].Skip(1).ToList();
        Assert.Equal([C, D], rows.Select(r => (string)r[0]!));
        Assert.Equal(("melapor tanpa angka capaian", "Agustus 2025"), ((string)rows[0][3]!, (string)rows[0][4]!));
        Assert.Equal(("belum melapor", "tidak ada dalam 12 bulan", "https://kkb.example/api/kampung/63.71.02.1002#tok-d"), ((string)rows[1][3]!, (string)rows[1][4]!, (string)rows[1][5]!));
        Assert.StartsWith("(atur Links__SigningKey", (string)rows[0][5]!);
    }

    [Fact]
    public void Guide_CountsReadyFailingAndWithoutFigures()
    {
        var guide = WriteAndRead(Plan())["Petunjuk"].Skip(1).Select(r => (string)r[0]!).ToList();
        Assert.StartsWith("Angka bulan Oktober 2025 dari laporan kader Kampung KB Kota Banjarmasin", guide[0]);
        Assert.Equal("1 kampung siap diketik, 1 perlu perbaikan, 2 kampung tanpa angka bulan ini (lembar \"Tanpa angka\").", guide[^1]);
    }

    [Fact]
    public void SumRule_OnlyWhenEveryPartIsThere_MissingPartIsRequiredFailure()
    {
        var plan = Plan();
        var input = new HandoverInput("63.71", "Kota Banjarmasin", October, [Kampung(A, "Kampung KB Alpha", "Kec Satu", Full)],
            new Dictionary<string, IReadOnlyDictionary<string, decimal>> { [A] = new Dictionary<string, decimal> { ["pus"] = 100, ["kb_active_iud"] = 5 } },
            new HashSet<string> { A }, new Dictionary<string, ReportingPeriod>(), new Dictionary<string, string>());
        var block = Assert.Single(new HandoverPlanner(Catalogue).Plan(input).Blocks);
        Assert.DoesNotContain(block.Failures, f => f.Rule == HandoverCatalogue.Checks.SumEqualPus);
        Assert.Contains(block.Failures, f => f.Label == "PUS Menggunakan MOW" && f.Rule == HandoverCatalogue.Checks.Required);
        Assert.Equal(2, plan.NoFigures.Count);
    }

    [Fact]
    public void HandoverCommand_Json_NamesFailuresAndMissing()
    {
        var doc = JsonDocument.Parse(HandoverCommand.Json(Plan(), "/tmp/x.xlsx")).RootElement;
        Assert.Equal((1, 1, 2), (doc.GetProperty("ready").GetInt32(), doc.GetProperty("failing").GetInt32(), doc.GetProperty("noFigures").GetInt32()));
        var b = doc.GetProperty("kampung").EnumerateArray().Single(k => k.GetProperty("areaCode").GetString() == B);
        Assert.Equal(["required", "max", "sumEqualPus"], b.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("rule").GetString()));
        Assert.Equal(["2025-08", null], doc.GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("lastFigures").GetString()));
    }
    /// <summary>
    /// The website asks per poktan (programs[1..5][program_flag]). Hand-worked: E's registry named "BKB, Bina Keluarga Lansia
    /// dan PIK-R" → BKB, BKL, PIK R Ada, BKR and UPPKA Tidak Ada; E reports 12 BKR members though the registry says none →
    /// the poktanMembers failure. F's registry gave only "3": BKB and BKR have members this month → Ada (noted as from the
    /// report); BKL, UPPKA, PIK R cannot be told → required, asking for the poktan's names. G's registry says 0 → all Tidak Ada.
    /// </summary>
    [Fact]
    public void Poktan_AnsweredPerPoktan_FromTheNamedPoktan_TheCount_OrTheMembers()
    {
        const string E = "63.71.03.1001", F = "63.71.03.1002", G = "63.71.03.1003";
        var members = new Dictionary<string, decimal> { ["pus"] = 100, ["bkb_members"] = 9, ["bkr_members"] = 12 };
        var input = new HandoverInput("63.71", "Kota Banjarmasin", October,
            [Kampung(E, "Kampung KB Epsilon", "Kec Tiga", Full with { PoktanOwned = 3, PoktanNamed = "BKB; BKL; PIK R" }),
             Kampung(F, "Kampung KB Phi", "Kec Tiga", Full with { PoktanOwned = 3 }),
             Kampung(G, "Kampung KB Gamma", "Kec Tiga", Full with { PoktanOwned = 0 })],
            new Dictionary<string, IReadOnlyDictionary<string, decimal>> { [E] = members, [F] = members, [G] = new Dictionary<string, decimal> { ["pus"] = 100 } },
            new HashSet<string> { E, F, G }, new Dictionary<string, ReportingPeriod>(), new Dictionary<string, string>());
        var plan = new HandoverPlanner(Catalogue).Plan(input);
        string[] poktan = ["BKB", "BKR", "BKL", "UPPKA", "PIK R"];
        (string Value, FieldCheck Check)[] Answers(string area) =>
            plan.Blocks.Single(b => b.Kampung.AreaCode == area).Rows.Where(r => poktan.Contains(r.Label)).Select(r => (r.Display, r.Check)).ToArray();

        Assert.Equal([("Ada", FieldCheck.Passed), ("Tidak Ada", FieldCheck.Failed), ("Ada", FieldCheck.Passed), ("Tidak Ada", FieldCheck.Passed), ("Ada", FieldCheck.Passed)], Answers(E));
        var e = plan.Blocks.Single(b => b.Kampung.AreaCode == E).Failures.Single(f => f.Rule == HandoverCatalogue.Checks.PoktanMembers);
        Assert.Equal("BKR", e.Label);
        Assert.Contains("BKR Tidak Ada, tetapi laporan bulan ini mencatat 12 anggota", e.Message, StringComparison.Ordinal);

        Assert.Equal([("Ada", FieldCheck.Passed), ("Ada", FieldCheck.Passed), ("(kosong)", FieldCheck.Failed), ("(kosong)", FieldCheck.Failed), ("(kosong)", FieldCheck.Failed)], Answers(F));
        var f = plan.Blocks.Single(b => b.Kampung.AreaCode == F);
        Assert.Contains("9 anggota", f.Rows.Single(r => r.Label == "BKB").Note, StringComparison.Ordinal);
        Assert.Equal(["BKL", "UPPKA", "PIK R"], f.Failures.Where(x => poktan.Contains(x.Label)).Select(x => x.Label));
        Assert.All(f.Failures.Where(x => poktan.Contains(x.Label)), x => Assert.Contains("hanya mencatat jumlah poktan (3)", x.Message, StringComparison.Ordinal));

        Assert.All(Answers(G), a => Assert.Equal(("Tidak Ada", FieldCheck.Passed), a));
    }
}
