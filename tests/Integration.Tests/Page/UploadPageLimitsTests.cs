using System.Net;
using System.Net.Sockets;
using KampungKB.Core.Uploads.Links;

namespace KampungKB.Integration.Tests.Page;

/// <summary>
/// Abuse of the UploadPage HTTP functions through the local runner (the abuse suite, docs/robustness.md): refused links
/// of every kind, and bodies over the cap, are answered without reading the body (the client below announces
/// a large body, sends 1 KB and then stalls; the answer must still come); a link for kampung A cannot write for B;
/// the token never appears in an address the server is asked for or hands out.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class UploadPageLimitsTests(AzuriteFixture azurite)
{
    /// <summary>
    /// Over a raw socket: headers announcing <paramref name="announced"/> bytes (and the cookie, if any), then 1 KB
    /// of body, then nothing; returns the status code of the answer (which must come while the rest is still owed).
    /// </summary>
    private static async Task<int> PostStallingAsync(Uri url, string? cookie = null, long announced = 104_857_600)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        var head = $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nAccept: application/json\r\n" +
            (cookie is null ? "" : $"Cookie: {LinkCookie.Name}={cookie}\r\n") +
            $"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {announced}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(new byte[1024].Select(_ => (byte)'x').ToArray());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var status = Encoding.ASCII.GetString(buffer, 0, read).Split(' ');
        return int.Parse(status[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<WebHarness> StartAsync(string prefix) => WebHarness.StartAsync(azurite, prefix, ingest: false);

    private static HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

    [SkippableFact]
    public async Task RefusedLinkAndOversizedBody_AnsweredWithoutReadingTheBody()
    {
        await using var s = await StartAsync("lim");
        var token = await s.TokenAsync(WebHarness.Pelambuan);
        var page = new Uri(s.Kampung, WebHarness.Pelambuan);

        Assert.Equal(403, await PostStallingAsync(new Uri(s.Kampung, "bukan-tautan")));
        Assert.Equal(403, await PostStallingAsync(page));                       // no cookie: no link
        Assert.Equal(413, await PostStallingAsync(page, token));
        Assert.Equal(413, await PostStallingAsync(page, token, announced: 30L * 1024 * 1024)); // 30 MiB, over the 20 MiB cap
        Assert.Equal(413, await PostStallingAsync(new Uri(s.Kampung, token)));  // a link from before (token in the path) is capped too
        Assert.Empty(await s.UploadedBlobNamesAsync());
    }

    [SkippableFact]
    public async Task TamperedExpiredRevokedRotatedOutAndOtherKampungTokens_RefusedBeforeTheBodyIsRead()
    {
        await using var s = await StartAsync("abu");
        var page = new Uri(s.Kampung, WebHarness.Pelambuan);
        var valid = await s.TokenAsync(WebHarness.Pelambuan);
        var tampered = valid[..^3] + (valid[^3] == 'A' ? "B" : "A") + valid[^2..];
        var expired = await s.TokenAsync(WebHarness.Pelambuan, TimeSpan.FromMinutes(-1));
        var otherKampung = await s.TokenAsync(WebHarness.BanuaAnyar);
        var revoked = await s.TokenAsync(WebHarness.Sungai);
        await s.Links.RevokeAsync(WebHarness.Sungai);
        foreach (var (area, token) in new[] { (WebHarness.Pelambuan, tampered), (WebHarness.Pelambuan, expired), (WebHarness.Pelambuan, otherKampung),
            (WebHarness.Sungai, revoked) })
        {
            Assert.Equal(403, await PostStallingAsync(new Uri(s.Kampung, area), token));
            if (area != WebHarness.Pelambuan || token != otherKampung)
                Assert.Equal(403, await PostStallingAsync(new Uri(s.Kampung, token))); // nor through the old address
        }
        Assert.Equal(413, await PostStallingAsync(page, valid));                  // the same request with the valid link gets as far as the size check

        await s.Links.RotateAsync(TimeSpan.Zero);                                 // a leaked key: retired at once
        Assert.Equal(403, await PostStallingAsync(page, valid));                  // rotated out
        var fresh = await s.TokenAsync(WebHarness.Pelambuan);                    // signed with the new key
        Assert.Equal(413, await PostStallingAsync(page, fresh));
        Assert.Empty(await s.UploadedBlobNamesAsync());
    }

    [SkippableFact]
    public async Task LinkInFragment_OpensThePage_TokenInNoAddress_AndCannotWriteForAnotherKampung()
    {
        await using var s = await StartAsync("frag");
        var issued = await s.Links.IssueAsync((await s.Registry.GetAsync(WebHarness.Pelambuan))!);
        Assert.EndsWith("/api/kampung/" + WebHarness.Pelambuan, new Uri(issued.Url).AbsolutePath, StringComparison.Ordinal);
        var token = new Uri(issued.Url).Fragment[1..];
        using var http = Client();

        // The address alone (what a request log keeps) opens nothing and names nothing.
        var bare = await http.GetAsync(new Uri(s.Kampung, WebHarness.Pelambuan));
        var bareBody = await bare.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.DoesNotContain("Pelambuan Sejahtera", bareBody, StringComparison.Ordinal);
        Assert.Contains("id=\"buka\"", bareBody, StringComparison.Ordinal);

        // The page's script posts the fragment once; the answer keeps it in an HttpOnly cookie for this kampung only.
        var open = await http.PostAsync(new Uri(s.Kampung, WebHarness.Pelambuan + "/buka"), new FormUrlEncodedContent([new("t", token)]));
        Assert.Equal(HttpStatusCode.SeeOther, open.StatusCode);
        Assert.DoesNotContain(token, open.Headers.Location!.ToString(), StringComparison.Ordinal);
        var cookie = Assert.Single(open.Headers.GetValues("Set-Cookie"));
        Assert.Contains($"path=/api/kampung/{WebHarness.Pelambuan}", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        using var home = new HttpRequestMessage(HttpMethod.Get, new Uri(s.Kampung, WebHarness.Pelambuan));
        home.Headers.Add("Cookie", $"{LinkCookie.Name}={token}");
        var homeBody = await (await http.SendAsync(home)).Content.ReadAsStringAsync();
        Assert.Contains("Pelambuan Sejahtera", homeBody, StringComparison.Ordinal);
        Assert.DoesNotContain(token, homeBody, StringComparison.Ordinal);      // form action and result links carry no token

        // A cross-site post to /buka is refused (a page elsewhere cannot plant a link in the cadre's browser).
        using var cross = new HttpRequestMessage(HttpMethod.Post, new Uri(s.Kampung, WebHarness.Pelambuan + "/buka")) { Content = new FormUrlEncodedContent([new("t", token)]) };
        cross.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(cross)).StatusCode);
        // A's token opens nothing at B's address, and A's form cannot steer the file to B.
        var atB = await http.PostAsync(new Uri(s.Kampung, WebHarness.BanuaAnyar + "/buka"), new FormUrlEncodedContent([new("t", token)]));
        Assert.Equal(HttpStatusCode.Forbidden, atB.StatusCode);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(WebHarness.BanuaAnyar), "areaCode" },
            { new ByteArrayContent(PipelineHarness.Example("E05")), "berkas", "../63.71.03.1002/laporan.xlsx" },
        };
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(s.Kampung, WebHarness.Pelambuan)) { Content = form };
        post.Headers.Add("Cookie", $"{LinkCookie.Name}={token}");
        var posted = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.DoesNotContain(token, posted.Headers.Location!.ToString(), StringComparison.Ordinal);
        var stored = Assert.Single(await s.UploadedBlobNamesAsync());
        Assert.StartsWith(WebHarness.Pelambuan + "/", stored, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task LinkFromBefore_TokenInPath_MovesToTheNewAddressWithItsCookie_UntilItsKeyIsRotatedOut()
    {
        await using var s = await StartAsync("old");
        var expires = DateTimeOffset.UtcNow.AddDays(30);
        var legacy = LinkToken.SignLegacy(new LinkClaims(WebHarness.Pelambuan, 1, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds())),
            Convert.FromBase64String(Functions.FunctionsHarness.SigningKey));
        using var http = Client();

        var moved = await http.GetAsync(new Uri(s.Kampung, legacy));
        Assert.Equal(HttpStatusCode.SeeOther, moved.StatusCode);
        Assert.Equal(new Uri(s.Kampung, WebHarness.Pelambuan).AbsolutePath, moved.Headers.Location!.AbsolutePath);
        Assert.Contains(legacy, Assert.Single(moved.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        var result = await http.GetAsync(new Uri(s.Kampung, legacy + "/hasil/20251103020000-0123456789abcdef"));
        Assert.Equal("/api/kampung/" + WebHarness.Pelambuan + "/hasil/20251103020000-0123456789abcdef", result.Headers.Location!.AbsolutePath);

        await s.Links.RotateAsync(TimeSpan.FromDays(30));                        // the overlap: old links still work
        Assert.Equal(HttpStatusCode.SeeOther, (await http.GetAsync(new Uri(s.Kampung, legacy))).StatusCode);
        await s.Links.RotateAsync(TimeSpan.Zero);                                 // end of the transition
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri(s.Kampung, legacy))).StatusCode);
    }
}
