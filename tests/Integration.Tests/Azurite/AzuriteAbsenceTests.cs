namespace KampungKB.Integration.Tests.Azurite;

/// <summary>
/// Without Azurite an integration test must be reported skipped locally and fail on CI,
/// never return early and count as passed.
/// </summary>
public sealed class AzuriteAbsenceTests
{
    /// <summary>A storage test has no guard of its own: its first touch of the fixture's storage is what skips it.</summary>
    [Fact]
    public async Task Storage_AzuriteAbsentLocally_EveryClientThrowsSkipNeverNull()
    {
        var empty = Directory.CreateTempSubdirectory("kkb-no-azurite-");
        try
        {
            var fixture = new AzuriteFixture(empty.FullName, ci: false);
            await fixture.InitializeAsync();
            var touches = new Func<object>[] { () => fixture.Connection, () => fixture.ConnectionString, () => fixture.Blobs, () => fixture.Queues, () => fixture.Tables, () => { fixture.Require(); return fixture; } };
            foreach (var touch in touches)
            {
                var skip = Assert.Throws<SkipException>(touch);
                Assert.Contains("Azurite", skip.Message, StringComparison.Ordinal);
            }
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
