using System.Text;
using Azure;
using KampungKB.Core.Storage;
using KampungKB.Integration.Tests.Azurite;

namespace KampungKB.Integration.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class BlobStorageClientTests(AzuriteFixture fixture)
{
    private async Task<string> NewContainerAsync()
    {
        var name = AzuriteFixture.UniqueName("blob");
        Assert.True(await fixture.Blobs.CreateContainerIfNotExistsAsync(name));
        return name;
    }

    [Fact]
    public async Task CreateContainer_Twice_SecondReturnsFalse()
    {
        if (!fixture.Require()) return;
        var name = await NewContainerAsync();
        Assert.False(await fixture.Blobs.CreateContainerIfNotExistsAsync(name));
        Assert.True(await fixture.Blobs.DeleteContainerAsync(name));
        Assert.False(await fixture.Blobs.DeleteContainerAsync(name));
    }

    [Fact]
    public async Task PutThenGet_UnicodeAndSlashName_RoundTripsContentTypeAndMetadata()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        const string name = "uploads/Desa Sukamaju/laporan bulan ke-3 (final) ü+é #1.xlsx";
        var bytes = Encoding.UTF8.GetBytes("isi berkas");
        var etag = await fixture.Blobs.PutAsync(c, name, new BinaryData(bytes), new BlobPutOptions
        {
            ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Metadata = new Dictionary<string, string> { ["kampung"] = "sukamaju", ["sha256"] = "abc123" },
        });
        Assert.NotEqual(default, etag);

        var got = await fixture.Blobs.GetAsync(c, name);
        Assert.NotNull(got);
        Assert.Equal(bytes, got.Content.ToArray());
        Assert.Equal(etag, got.Properties.ETag);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", got.Properties.ContentType);
        Assert.Equal("sukamaju", got.Properties.Metadata["kampung"]);
        Assert.Equal(bytes.Length, got.Properties.ContentLength);

        var listed = await fixture.Blobs.ListAsync(c, "uploads/Desa").ToListAsync();
        Assert.Equal(name, Assert.Single(listed).Name);

        var streamed = new MemoryStream();
        var props = await fixture.Blobs.DownloadToAsync(c, name, streamed);
        Assert.NotNull(props);
        Assert.Equal(bytes, streamed.ToArray());
    }

    [Fact]
    public async Task Get_Missing_ReturnsNull()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        Assert.Null(await fixture.Blobs.GetAsync(c, "nope.txt"));
        Assert.Null(await fixture.Blobs.GetPropertiesAsync(c, "nope.txt"));
        Assert.Null(await fixture.Blobs.GetAsync("no-such-container-x", "nope.txt"));
        Assert.False(await fixture.Blobs.DeleteAsync(c, "nope.txt"));
    }

    [Fact]
    public async Task PutCreateOnly_Twice_SecondFailsWith409()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        await fixture.Blobs.PutAsync(c, "claim.txt", BinaryData.FromString("one"), BlobPutOptions.CreateOnly());
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() =>
            fixture.Blobs.PutAsync(c, "claim.txt", BinaryData.FromString("two"), BlobPutOptions.CreateOnly()));
        Assert.Equal(409, ex.Status);
        Assert.Equal("BlobAlreadyExists", ex.ErrorCode);
        Assert.False(StorageErrors.IsTransient(ex));
        Assert.Equal("one", (await fixture.Blobs.GetAsync(c, "claim.txt"))!.Content.ToString());
    }

    [Fact]
    public async Task PutIfMatch_StaleETag_Fails412_CurrentETagSucceeds()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        var first = await fixture.Blobs.PutAsync(c, "state.json", BinaryData.FromString("{}"));
        var second = await fixture.Blobs.PutAsync(c, "state.json", BinaryData.FromString("{\"v\":2}"),
            new BlobPutOptions { Conditions = new MatchConditions { IfMatch = first } });
        Assert.NotEqual(first, second);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => fixture.Blobs.PutAsync(c, "state.json",
            BinaryData.FromString("{\"v\":3}"), new BlobPutOptions { Conditions = new MatchConditions { IfMatch = first } }));
        Assert.Equal(412, ex.Status);
        Assert.Equal("ConditionNotMet", ex.ErrorCode);
    }

    [Fact]
    public async Task SetMetadata_WithETag_ReplacesMetadata_StaleETagFails()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        var etag = await fixture.Blobs.PutAsync(c, "a.bin", new BinaryData(new byte[] { 1, 2, 3 }),
            new BlobPutOptions { Metadata = new Dictionary<string, string> { ["status"] = "new" } });
        var updated = await fixture.Blobs.SetMetadataAsync(c, "a.bin", new Dictionary<string, string> { ["status"] = "done", ["rows"] = "12" }, etag);
        var props = await fixture.Blobs.GetPropertiesAsync(c, "a.bin");
        Assert.Equal(updated, props!.ETag);
        Assert.Equal("done", props.Metadata["status"]);
        Assert.Equal("12", props.Metadata["rows"]);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() =>
            fixture.Blobs.SetMetadataAsync(c, "a.bin", new Dictionary<string, string> { ["status"] = "x" }, etag));
        Assert.Equal(412, ex.Status);
    }

    [Fact]
    public async Task List_PageSizeTwo_FollowsMarkersInOrder_WithMetadata()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        var names = Enumerable.Range(0, 7).Select(i => $"p/{i:D2}.txt").ToList();
        foreach (var n in names)
            await fixture.Blobs.PutAsync(c, n, BinaryData.FromString(n), new BlobPutOptions { Metadata = new Dictionary<string, string> { ["n"] = n.Replace("/", "_") } });
        await fixture.Blobs.PutAsync(c, "other.txt", BinaryData.FromString("x"));

        var listed = await fixture.Blobs.ListAsync(c, "p/", includeMetadata: true, pageSize: 2).ToListAsync();
        Assert.Equal(names, listed.Select(b => b.Name));
        Assert.All(listed, b => Assert.Equal(b.Name.Replace("/", "_"), b.Metadata["n"]));
        Assert.All(listed, b => Assert.NotEqual(default, b.ETag));
        Assert.Equal(8, (await fixture.Blobs.ListAsync(c, pageSize: 3).ToListAsync()).Count);
    }

    [Fact]
    public async Task Copy_SameAccount_ServerSide_CopiesContentAndMetadata()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        var d = await NewContainerAsync();
        await fixture.Blobs.PutAsync(c, "src/ä b.csv", BinaryData.FromString("a,b\n1,2"),
            new BlobPutOptions { ContentType = "text/csv", Metadata = new Dictionary<string, string> { ["origin"] = "upload" } });
        var props = await fixture.Blobs.CopyAsync(c, "src/ä b.csv", d, "archive/2026/ä b.csv");
        Assert.Equal("archive/2026/ä b.csv", props.Name);
        var copy = await fixture.Blobs.GetAsync(d, "archive/2026/ä b.csv");
        Assert.Equal("a,b\n1,2", copy!.Content.ToString());
        Assert.Equal("text/csv", copy.Properties.ContentType);
        Assert.Equal("upload", copy.Properties.Metadata["origin"]);
    }

    [Fact]
    public async Task Delete_WithStaleETag_Fails412_ThenDeletes()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        var first = await fixture.Blobs.PutAsync(c, "x.txt", BinaryData.FromString("1"));
        await fixture.Blobs.PutAsync(c, "x.txt", BinaryData.FromString("2"));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => fixture.Blobs.DeleteAsync(c, "x.txt", first));
        Assert.Equal(412, ex.Status);
        Assert.True(await fixture.Blobs.DeleteAsync(c, "x.txt"));
        Assert.Null(await fixture.Blobs.GetPropertiesAsync(c, "x.txt"));
    }

    [Fact]
    public async Task Put_NonSeekableStream_IsBuffered()
    {
        if (!fixture.Require()) return;
        var c = await NewContainerAsync();
        var data = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        await fixture.Blobs.PutAsync(c, "big.bin", new NonSeekableStream(data));
        var got = await fixture.Blobs.GetAsync(c, "big.bin");
        Assert.Equal(data, got!.Content.ToArray());
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
