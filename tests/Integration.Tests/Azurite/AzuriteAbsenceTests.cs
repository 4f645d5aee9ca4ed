namespace KampungKB.Integration.Tests.Azurite;

/// <summary>
/// Without Azurite an integration test must be reported skipped locally and fail on CI,
/// never return early and count as passed.
/// </summary>
public sealed class AzuriteAbsenceTests
{
    [Fact]
    public async Task Require_AzuriteAbsentLocally_ThrowsSkipNotReturns()
    {
        var empty = Directory.CreateTempSubdirectory("kkb-no-azurite-");
        try
        {
            var fixture = new AzuriteFixture(empty.FullName, ci: false);
            await fixture.InitializeAsync();
            var skip = Assert.Throws<SkipException>(() => fixture.Require());
            Assert.Contains("Azurite", skip.Message, StringComparison.Ordinal);
            await fixture.DisposeAsync();
        }
        finally { empty.Delete(recursive: true); }
    }

    [Fact]
    public async Task Fixture_AzuriteAbsentOnCi_FailsTheRun()
    {
        var empty = Directory.CreateTempSubdirectory("kkb-no-azurite-");
        try
        {
            var fixture = new AzuriteFixture(empty.FullName, ci: true);
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(fixture.InitializeAsync);
            Assert.Contains("CI=true", failure.Message, StringComparison.Ordinal);
        }
        finally { empty.Delete(recursive: true); }
    }
}
