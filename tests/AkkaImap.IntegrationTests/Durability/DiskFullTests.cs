using System.Text;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Lmtp;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using Xunit;
using Xunit.Abstractions;

namespace AkkaImap.IntegrationTests.Durability;

/// <summary>
/// A full disk is the operator's problem, not the mail's: APPEND gets <c>NO [UNAVAILABLE]</c>
/// (RFC 9051 §7.1: a temporary failure of a subsystem, here the store; try again later), the
/// session stays usable, every message acknowledged before is still there and readable, and once
/// space is freed the same server, not restarted, accepts mail again. The disk is a real tmpfs
/// filled for real (<see cref="DiskFullServer"/>). LMTP gets <c>452 4.3.1</c> (RFC 5321's
/// insufficient system storage, RFC 3463's mail system full), so the MTA keeps the message.
/// </summary>
public sealed partial class DiskFullTests(DiskFullServer server, ITestOutputHelper output) : IClassFixture<DiskFullServer>
{
    private const int MaxAppends = 600;
    private const int StillFullAttempts = 20;

    [Fact]
    public async Task Append_and_LMTP_are_refused_when_the_disk_is_full_nothing_is_lost_and_mail_flows_again_once_space_is_freed()
    {
        server.FillLeaving(3 * 1024 * 1024);
        var acknowledged = new Dictionary<uint, (string Id, string Body)>();
        await using var raw = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);
        raw.Recording = false;

        // Fill the disk: messages small enough to travel inline and large enough to be staged.
        string? refused = null;
        for (int i = 0; i < MaxAppends && refused is null; i++)
        {
            var (id, body, text) = Message($"fill-{i}", i % 2 == 0 ? 30_000 : 90_000);
            var tagged = await AppendAsync(raw, $"A{i}", text);
            if (AppendUid(tagged) is { } uid)
            {
                acknowledged.Add(uid, (id, body));
            }
            else
            {
                refused = tagged;
            }
        }

        output.WriteLine($"{acknowledged.Count} appends acknowledged, then: {refused}; {server.FreeBytes} bytes free");
        Assert.True(refused is not null, $"the disk never filled in {MaxAppends} appends ({server.FreeBytes} bytes free)");
        Assert.Matches(@"^A\d+ NO \[UNAVAILABLE\] .*disk is full", refused);
        Assert.True(acknowledged.Count > 0, "nothing was appended before the disk filled");

        // Still full: refused again, whether the body is staged by the session or sent inline to
        // the folder's owner, and the session carries on. SQLite may still have room inside its own
        // files (WAL frames a refused write had already written, which the next write reuses), so
        // a message may still be taken; it is then kept like any other, and the next is refused.
        server.FillRest();
        foreach (var (tag, size) in new[] { ("B1", 90_000), ("B2", 30_000) })
        {
            string? again = null;
            for (int i = 0; i < StillFullAttempts && again is null; i++)
            {
                var (id, body, text) = Message($"still-full-{tag}-{i}", size);
                var tagged = await AppendAsync(raw, $"{tag}x{i}", text);
                if (AppendUid(tagged) is { } uid) acknowledged.Add(uid, (id, body));
                else again = tagged;
            }
            Assert.True(again is not null, $"{tag}: {StillFullAttempts} appends of {size} bytes taken on a full disk");
            Assert.Matches($@"^{tag}x\d+ NO \[UNAVAILABLE\] ", again);
        }

        await raw.OkAsync("N1", "NOOP");

        // LMTP is told the same in its terms: 452 4.3.1, the MTA keeps the message for later.
        using (var lmtp = await RawLmtpClient.ConnectAsync(server.LmtpPort))
        {
            foreach (var size in new[] { 90_000, 30_000 })
            {
                Assert.Equal("452 4.3.1 <alice@example.com> Mail system full, try again later", await DeliverAsync(lmtp, Message($"lmtp-full-{size}", size).Text));
            }
        }

        await AssertAllReadableAsync(acknowledged);

        // Free space: the same server takes mail again, inline and staged.
        File.Delete(server.FillerPath);
        foreach (var (name, size) in new[] { ("after-small", 30_000), ("after-large", 90_000) })
        {
            var (id, body, text) = Message(name, size);
            var tagged = await AppendAsync(raw, "C" + name, text);
            var uid = AppendUid(tagged);
            Assert.True(uid is not null, $"APPEND after space was freed: {tagged}");
            Assert.True(uid > acknowledged.Keys.Max(), $"UID {uid} was given out before");
            acknowledged.Add(uid!.Value, (id, body));
        }

        using (var lmtp = await RawLmtpClient.ConnectAsync(server.LmtpPort))
        {
            var (id, body, text) = Message("lmtp-after", 30_000);
            Assert.Equal("250 2.0.0 <alice@example.com> Delivered", await DeliverAsync(lmtp, text));
            acknowledged.Add(acknowledged.Keys.Max() + 1, (id, body));
        }

        await AssertAllReadableAsync(acknowledged);

        // The operator was told what to do (logged when the NOs were given, long before now).
        Assert.Contains("the store's disk is full; free space in the data folder", server.Output);
    }

    /// <summary>Every acknowledged message is in INBOX under its UID, whole.</summary>
    private async Task AssertAllReadableAsync(Dictionary<uint, (string Id, string Body)> acknowledged)
    {
        using var client = await server.ConnectAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        foreach (var (uid, (id, body)) in acknowledged)
        {
            var message = await client.Inbox.GetMessageAsync(new UniqueId(uid));
            Assert.Equal(id, message.MessageId);
            Assert.True(body.TrimEnd() == (message.TextBody ?? string.Empty).ReplaceLineEndings("\r\n").TrimEnd(), $"UID {uid} ({id}) does not read back whole");
        }

        Assert.Equal(acknowledged.Count, client.Inbox.Count);
        await client.DisconnectAsync(true);
    }

    private static async Task<string> AppendAsync(RawImapClient raw, string tag, string text)
    {
        var lines = await raw.RunAsync(tag, $"APPEND INBOX {{{Encoding.ASCII.GetByteCount(text)}+}}\r\n{text}");
        return lines[^1];
    }

    /// <summary>One LMTP transaction for alice; the reply to DATA's end.</summary>
    private static async Task<string> DeliverAsync(RawLmtpClient lmtp, string text)
    {
        await lmtp.SendAsync($"MAIL FROM:<carol@client.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n{text}\r\n.\r\n");
        return (await lmtp.ReadRepliesAsync(4))[^1];
    }

    private static uint? AppendUid(string tagged) =>
        AppendUidPattern().Match(tagged) is { Success: true } m ? uint.Parse(m.Groups[1].Value) : null;

    /// <summary>A message of about <paramref name="size"/> bytes whose body differs from every other's, so a mixed-up or truncated one shows.</summary>
    private static (string Id, string Body, string Text) Message(string name, int size)
    {
        var id = $"{name}@disk-full.test";
        var builder = new StringBuilder(size + 80);
        while (builder.Length < size)
        {
            for (int i = 0; i < 76; i++)
            {
                builder.Append((char)('a' + Random.Shared.Next(26)));
            }

            builder.Append("\r\n");
        }

        var body = builder.ToString();
        return (id, body, $"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: {name}\r\nMessage-ID: <{id}>\r\n\r\n{body}");
    }

    [GeneratedRegex(@"^\S+ OK \[APPENDUID \d+ (\d+)\]")]
    private static partial Regex AppendUidPattern();
}
