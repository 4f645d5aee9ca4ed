using KampungKB.Core.Outbox.Mail;
using MimeKit;

namespace KampungKB.Core.Tests.Mail;

public sealed class OutboxMailSenderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "kkb-outbox-" + Guid.NewGuid().ToString("N"));
    private readonly FixedTime _time = new(new DateTimeOffset(2025, 11, 6, 9, 30, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private OutboxMailSender Sender() => new(new MailOptions { OutboxDirectory = _dir, Sender = "laporan@dppkb.example.go.id", SenderName = "DPPKB Kota Banjarmasin" }, _time);

    private static byte[] FakeXlsx(int size)
    {
        var bytes = new byte[size];
        new Random(42).NextBytes(bytes);
        bytes[0] = (byte)'P'; bytes[1] = (byte)'K';
        return bytes;
    }

    private static MailMessage Message(string subject = "Laporan Kampung KB Sungai Biru — Oktober 2025 diterima ✓", byte[]? attachment = null) => new(
        ["Pokja Kampung KB Sungai Biru <pokja@example.id>", "plkb@example.id"],
        ["Dinas Pengendalian Penduduk & KB <dinas@example.go.id>"],
        subject,
        "<html><body><p>Laporan <b>diterima</b>: 1.204 peserta.</p><p>" + new string('x', 3000) + "</p></body></html>",
        null,
        attachment is null ? [] : [new MailAttachment("Rekap Kecamatan Banjarmasin Tengah – Oktober.xlsx", MailAttachment.XlsxContentType, attachment)]);

    [Fact]
    public async Task SendAsync_NonAsciiSubjectHtmlAndXlsx_WritesEmlThatParsesBack()
    {
        var xlsx = FakeXlsx(100_003);
        var msg = Message(attachment: xlsx);

        var result = await Sender().SendAsync(msg, CancellationToken.None);

        Assert.True(result.Succeeded);
        var raw = await File.ReadAllBytesAsync(result.Location!);
        var mime = Parse(raw);
        Assert.Equal(msg.Subject, mime.Subject);
        Assert.Equal("1.0", mime.Headers[HeaderId.MimeVersion]);
        Assert.Equal(result.MessageId, "<" + mime.MessageId + ">");
        Assert.Equal("Thu, 06 Nov 2025 09:30:00 +0000", mime.Headers[HeaderId.Date]);
        Assert.Equal(("DPPKB Kota Banjarmasin", "laporan@dppkb.example.go.id"), (mime.From.Mailboxes.Single().Name, mime.From.Mailboxes.Single().Address));
        Assert.Equal(["pokja@example.id", "plkb@example.id"], mime.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Pokja Kampung KB Sungai Biru", mime.To.Mailboxes.First().Name);
        Assert.Equal("Dinas Pengendalian Penduduk & KB", mime.Cc.Mailboxes.Single().Name);
        Assert.Equal("multipart/mixed", mime.Body!.ContentType.MimeType);

        var mixed = (Multipart)mime.Body;
        var alternative = Assert.IsType<MultipartAlternative>(mixed[0]);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal(msg.HtmlBody, ((TextPart)alternative[1]).Text);
        Assert.Contains("1.204 peserta", ((TextPart)alternative[0]).Text, StringComparison.Ordinal);

        var attachment = Assert.IsType<MimeKit.MimePart>(mixed[1]);
        Assert.Equal(MailAttachment.XlsxContentType, attachment.ContentType.MimeType);
        Assert.True(attachment.IsAttachment);
        Assert.Equal(msg.Attachments[0].FileName, attachment.FileName);
        using var decoded = new MemoryStream();
        attachment.Content!.DecodeTo(decoded);
        Assert.Equal(xlsx, decoded.ToArray());
    }

    [Fact]
    public async Task SendAsync_AnyMessage_UsesCrlfShortLinesAndOnlyAscii()
    {
        var result = await Sender().SendAsync(Message(subject: new string('é', 400), attachment: FakeXlsx(10)), CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(result.Location!);
        Assert.All(bytes, b => Assert.True(b < 128, "a raw 8-bit octet in the message"));
        var raw = Encoding.ASCII.GetString(bytes);
        Assert.DoesNotContain("\n", raw.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("\r", raw.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(raw.Split("\r\n"), line => Assert.True(line.Length <= 998));
        Assert.Equal(new string('é', 400), Parse(bytes).Subject);
    }

    [Fact]
    public async Task SendAsync_SubjectWithLineBreak_CannotInjectHeaders()
    {
        var result = await Sender().SendAsync(Message(subject: "Halo\r\nBcc: evil@example.com"), CancellationToken.None);

        var mime = Parse(await File.ReadAllBytesAsync(result.Location!));
        Assert.Empty(mime.Bcc);
        Assert.False(mime.Headers.Contains(HeaderId.Bcc));
    }

    [Fact]
    public async Task SendAsync_Reply_CarriesInReplyToAndReferences()
    {
        var msg = Message() with { InReplyTo = new MailThread("laporan@dppkb.example.go.id", "AAMk-graph-id", "<CAB+kader.123@mail.gmail.com>") };

        var mime = Parse(await File.ReadAllBytesAsync((await Sender().SendAsync(msg, CancellationToken.None)).Location!));

        Assert.Equal("CAB+kader.123@mail.gmail.com", mime.InReplyTo);
        Assert.Equal(["CAB+kader.123@mail.gmail.com"], mime.References);
    }

    private static MimeMessage Parse(byte[] raw) => MimeMessage.Load(new MemoryStream(raw));

    [Fact]
    public async Task SendAsync_TwoMailsSameInstant_GetDistinctSortableFileNames()
    {
        var sender = Sender();
        var first = await sender.SendAsync(Message(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await sender.SendAsync(Message(), CancellationToken.None);
        var third = await sender.SendAsync(Message(), CancellationToken.None);

        var names = new[] { first, second, third }.Select(r => Path.GetFileName(r.Location!)).ToList();
        Assert.Equal(3, names.Distinct().Count());
        Assert.True(string.CompareOrdinal(names[0], names[1]) < 0);
        Assert.All(names, n => Assert.Matches(@"^\d{8}T\d{9}Z-[a-z0-9-]+-[0-9a-f]{8}\.eml$", n));
        Assert.Equal(3, Directory.GetFiles(_dir).Length);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("a@b@c")]
    [InlineData("pokja@gmail,com")]
    [InlineData("")]
    public async Task SendAsync_InvalidRecipient_IsPermanentFailureAndWritesNothing(string to)
    {
        var msg = Message() with { To = [to] };

        var result = await Sender().SendAsync(msg, CancellationToken.None);

        Assert.Equal(MailSendStatus.PermanentFailure, result.Status);
        Assert.False(Directory.Exists(_dir) && Directory.GetFiles(_dir).Length > 0);
    }

    [Fact]
    public void Slug_IndonesianSubject_IsAsciiAndBounded()
    {
        var slug = OutboxMailSender.Slug("Pengingat: laporan Kampung KB Ñusa — Oktober 2025 belum diterima sama sekali");
        Assert.Matches("^[a-z0-9-]{1,40}$", slug);
        Assert.StartsWith("pengingat-laporan-kampung-kb-nusa", slug, StringComparison.Ordinal);
    }
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
