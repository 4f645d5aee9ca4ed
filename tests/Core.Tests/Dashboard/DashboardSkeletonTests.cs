using KampungKB.Core.Dashboard;

namespace KampungKB.Core.Tests.Dashboard;

public sealed class DashboardSkeletonTests
{
    private static DashboardSession Session(DashboardRole role, params string[] scope) =>
        new("s", "u", role, scope, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("63.71", true)]
    [InlineData("63.72", false)]
    [InlineData("64.71", false)]
    [InlineData("63.7", false)]
    [InlineData("63.71.04", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void RegencyUser_OpensOnlyItsOwnRegency(string? code, bool expected) =>
        Assert.Equal(expected, Session(DashboardRole.Regency, "63.71").CanOpen(code));

    [Theory]
    [InlineData("63.71", true)]
    [InlineData("63.09", true)]
    [InlineData("64.71", false)]
    [InlineData("63", false)]
    public void ProvinceUser_OpensEveryRegencyOfItsProvinceOnly(string code, bool expected) =>
        Assert.Equal(expected, Session(DashboardRole.Province, "63").CanOpen(code));

    [Fact]
    public void RegencyScopeNamingAProvince_OpensNothing() =>
        Assert.False(Session(DashboardRole.Regency, "63").CanOpen("63.71"));

    [Fact]
    public void Layout_RendersFrameAndEncodesText()
    {
        var dir = Directory.CreateTempSubdirectory("dash-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "partials"));
            File.Copy(Path.Combine(Repo.Templates, "dashboard", "partials", "layout.hbs"), Path.Combine(dir.FullName, "partials", "layout.hbs"));
            File.Copy(Path.Combine(Repo.Templates, "dashboard", "texts.json"), Path.Combine(dir.FullName, "texts.json"));
            File.WriteAllText(Path.Combine(dir.FullName, "probe.hbs"), "{{#> layout}}<p id=\"x\">{{page.text}}</p>{{/layout}}");
            var templates = DashboardTemplates.Load(dir.FullName, ["probe"]);
            var html = templates.Render("probe", new DashboardFrame("Kota Banjarmasin", "November 2026",
                [new DashboardNav("Ringkasan bulan", "/api/dashboard/63.71", true)], SignedIn: true, Csrf: "tok"), new { text = "<b>&" });
            Assert.Contains("<h1>Kota Banjarmasin</h1>", html);
            Assert.Contains("aria-current=\"page\"", html);
            Assert.Contains("name=\"csrf\" value=\"tok\"", html);
            Assert.Contains("&lt;b&gt;&amp;", html);
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", ""));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void TextDefinedInTwoFiles_RefusesToLoad()
    {
        var dir = Directory.CreateTempSubdirectory("dash-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "partials"));
            File.Copy(Path.Combine(Repo.Templates, "dashboard", "partials", "layout.hbs"), Path.Combine(dir.FullName, "partials", "layout.hbs"));
            File.Copy(Path.Combine(Repo.Templates, "dashboard", "texts.json"), Path.Combine(dir.FullName, "texts.json"));
            File.WriteAllText(Path.Combine(dir.FullName, "other.json"), "{\"app\":\"x\"}");
            var e = Assert.Throws<InvalidOperationException>(() => DashboardTemplates.Load(dir.FullName));
            Assert.Contains("'app' defined twice", e.Message);
        }
        finally { dir.Delete(true); }
    }
}
