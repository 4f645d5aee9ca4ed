using System.Text;
using System.Text.Json;
using KampungKB.Functions.Invocation;

namespace KampungKB.Integration.Tests.Functions;

public class InvocationRequestTests
{
    // The shape the Functions host sends for a blob trigger (ScriptInvocationContextExtensions):
    // no "BlobTrigger" key, plain values JSON-encoded twice, Properties nested.
    private const string CurrentHostPayload = """
    {
      "Data": { "upload": "UEsDBBQ=" },
      "Metadata": {
        "name": "\"63.71.04.1005/laporan oktober.xlsx\"",
        "Uri": "\"http://127.0.0.1:10000/devstoreaccount1/uploads/63.71.04.1005/laporan%20oktober.xlsx\"",
        "Properties": { "ContentLength": 5, "ETag": "\"0x8DC\"", "LastModified": "2025-11-03T01:02:03+00:00" },
        "Metadata": { "uploader": "pokja" },
        "sys": { "MethodName": "IngestUpload", "UtcNow": "2025-11-03T01:02:04Z", "RandGuid": "0f1b" }
      }
    }
    """;

    // Older hosts sent objects as JSON strings too.
    private const string OlderHostPayload = """
    {
      "Data": { "upload": "\"UEsDBBQ=\"" },
      "Metadata": {
        "name": "\"a.csv\"",
        "Properties": "{\"ContentLength\":\"5\",\"ETag\":\"x\"}",
        "Metadata": "{\"uploader\":\"dinas\"}"
      }
    }
    """;

    private static InvocationRequest Parse(string json) =>
        JsonSerializer.Deserialize<InvocationRequest>(json)!;

    [Fact]
    public void MetadataString_DoubleEncodedName_ReturnsPlainPath()
    {
        var request = Parse(CurrentHostPayload);
        Assert.Equal("63.71.04.1005/laporan oktober.xlsx", request.MetadataString("name"));
    }

    [Fact]
    public void DataBytes_Base64Blob_DecodesContent()
    {
        var request = Parse(CurrentHostPayload);
        Assert.Equal(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14 }, request.DataBytes("upload"));
    }

    [Fact]
    public void MetadataObject_NestedProperties_ReadsLengthAndMetadata()
    {
        var request = Parse(CurrentHostPayload);
        Assert.Equal(5, InvocationRequest.ReadLong(request.MetadataObject("Properties"), "ContentLength"));
        Assert.Equal("pokja", InvocationRequest.ReadStringMap(request.MetadataObject("Metadata"))["uploader"]);
    }

    [Fact]
    public void MetadataObject_StringEncodedObjects_AreAcceptedToo()
    {
        var request = Parse(OlderHostPayload);
        Assert.Equal("a.csv", request.MetadataString("name"));
        Assert.Equal(5, InvocationRequest.ReadLong(request.MetadataObject("Properties"), "ContentLength"));
        Assert.Equal("dinas", InvocationRequest.ReadStringMap(request.MetadataObject("Metadata"))["uploader"]);
        Assert.Equal(Encoding.ASCII.GetBytes("PK\u0003\u0004\u0014"), request.DataBytes("upload"));
    }

    [Fact]
    public void DataBytes_NotBase64_ReturnsNull()
    {
        var request = Parse("""{ "Data": { "upload": "%%%not base64" }, "Metadata": {} }""");
        Assert.Null(request.DataBytes("upload"));
        Assert.Null(request.DataBytes("missing"));
    }
}
