using Azure.Storage.Blobs;
using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Rendering.Templating;

using KampungKB.Integration.Tests.Azurite;

namespace KampungKB.Integration.Tests.Page;

/// <summary>The upload page's Core front door over a test's own storage names, without a host.</summary>
internal static class DeskFactory
{
    private static readonly Lazy<PageTemplates> s_page = new(() => PageTemplates.Load(Path.Combine(PipelineHarness.Root, "templates", "page")));

    public static UploadDesk Create(UploadLinks links, BlobServiceClient blobs, TableServiceClient tables, StorageNames names, TimeProvider time) =>
        TestStores.UploadDesk(links, s_page.Value, blobs, tables, names, new PipelineOptions(), time, NullLogger<UploadDesk>.Instance);
}
