using KampungKB.Core.Registry;

namespace KampungKB.Core.Tests.Pipeline;

public class KampungMatcherTests
{
    private static RegistryEntry Entry(string code, string name, string village, string district, string regency = "Kota Banjarmasin") =>
        new(code, name, village, district, regency, null, null, null, null, null, null, null);

    private static readonly RegistryEntry[] Registry =
    [
        Entry("63.71.04.1005", "Kampung KB Pelambuan Sejahtera", "Pelambuan", "Banjarmasin Barat"),
        Entry("63.71.03.1002", "Kampung KB Banua Anyar", "Banua Anyar", "Banjarmasin Timur"),
        Entry("63.03.01.2001", "Kampung KB Sungai Tabuk", "Sungai Tabuk", "Sungai Tabuk", "Kabupaten Banjar"),
        Entry("63.04.02.2002", "Kampung KB Sungai Tabuk", "Sungai Tabuk", "Alalak", "Kabupaten Barito Kuala"),
    ];

    [Theory]
    [InlineData("KELURAHAN PELAMBUAN", "63.71.04.1005")]
    [InlineData("Kel. Pelambuan", "63.71.04.1005")]
    [InlineData("  desa   BANUA-ANYAR ", "63.71.03.1002")]
    [InlineData("Kampung KB Banua Anyar", "63.71.03.1002")]
    public void Find_PrefixesCaseSpacingPunctuation_FindsTheKampung(string village, string expected)
    {
        var found = Assert.IsType<Attribution.Found>(KampungMatcher.Find(Registry, new KampungIdentity(null, village, null, null), "x.xlsx"));
        Assert.Equal(expected, found.Entry.AreaCode);
    }

    [Fact]
    public void Find_SameNameInTwoRegencies_AmbiguousUntilTheDistrictDecides()
    {
        var identity = new KampungIdentity(null, "Sungai Tabuk", null, null);
        var ambiguous = Assert.IsType<Attribution.Ambiguous>(KampungMatcher.Find(Registry, identity, "x.csv"));
        Assert.Equal(2, ambiguous.Candidates.Count);

        var narrowed = KampungMatcher.Find(Registry, identity with { District = "Kec. Alalak" }, "x.csv");
        Assert.Equal("63.04.02.2002", Assert.IsType<Attribution.Found>(narrowed).Entry.AreaCode);
    }

    [Fact]
    public void Find_NothingInTheFile_FallsBackToTheFileName()
    {
        var found = KampungMatcher.Find(Registry, null, "Laporan Kampung KB Banua Anyar - Juni 2025.xls");
        Assert.Equal("63.71.03.1002", Assert.IsType<Attribution.Found>(found).Entry.AreaCode);
    }

    [Fact]
    public void Find_UnregisteredVillage_Unknown()
    {
        Assert.IsType<Attribution.Unknown>(KampungMatcher.Find(Registry, new KampungIdentity(null, "Karang Anyar", null, null), "k.csv"));
    }

    [Fact]
    public void Confirm_FileNamesAnotherKampung_Mismatch()
    {
        var result = KampungMatcher.Confirm(Registry[1], new KampungIdentity("Kampung KB Pelambuan Sejahtera", "Pelambuan", null, null));
        Assert.IsType<Attribution.Mismatch>(result);
        Assert.IsType<Attribution.Found>(KampungMatcher.Confirm(Registry[1], new KampungIdentity(null, null, null, null)));
    }
}
