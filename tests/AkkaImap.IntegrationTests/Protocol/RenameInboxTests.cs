using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Protocol;

/// <summary>
/// RFC 9051 §6.3.6: renaming INBOX is allowed, also to a name below INBOX (Dovecot does the
/// same); it moves every message into a new folder of that name and leaves INBOX in place and
/// empty. A session that has INBOX selected sees the messages go as EXPUNGE.
/// </summary>
public sealed class RenameInboxTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Bob = "bob@example.com";

    [Fact]
    public async Task Rename_INBOX_below_itself_moves_the_messages_and_leaves_INBOX_empty()
    {
        await using var client = await RawImapClient.LoginAsync(server.Port, Bob, server.Users[Bob]);
        await ProtocolServer.AppendAsync(client, "INBOX", Mail.Message("one"));
        await ProtocolServer.AppendAsync(client, "INBOX", Mail.Message("two"));
        var uidValidity = (await client.OkAsync("v", "STATUS INBOX (UIDVALIDITY)"))[0];
        await using var watcher = await RawImapClient.LoginAsync(server.Port, Bob, server.Users[Bob]);
        Assert.Contains("* 2 EXISTS", await watcher.OkAsync("w", "SELECT INBOX"));

        var rename = await client.RunAsync("r", "RENAME INBOX INBOX/old");

        Assert.StartsWith("r OK", rename[^1]);
        Assert.Contains("* STATUS INBOX (MESSAGES 0)", await client.OkAsync("s1", "STATUS INBOX (MESSAGES)"));
        Assert.Contains("* STATUS INBOX/old (MESSAGES 2)", await client.OkAsync("s2", "STATUS INBOX/old (MESSAGES)"));
        // INBOX is the same mailbox as before, only emptied.
        Assert.Equal(uidValidity, (await client.OkAsync("v2", "STATUS INBOX (UIDVALIDITY)"))[0]);
        var subjects = await client.OkAsync("f", "SELECT INBOX/old");
        Assert.Contains("* 2 EXISTS", subjects);
        var fetch = await client.OkAsync("g", "FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        Assert.Contains(fetch, l => l.Contains("Subject: one", StringComparison.Ordinal));
        Assert.Contains(fetch, l => l.Contains("Subject: two", StringComparison.Ordinal));

        // The other session on INBOX hears both messages go.
        var expunges = new List<string>();
        using var bound = new CancellationTokenSource(RawImapClient.Bound);
        while (expunges.Count < 2 && !bound.IsCancellationRequested)
        {
            expunges.AddRange((await watcher.OkAsync("n", "NOOP")).Where(l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal)));
        }

        Assert.Equal(["* 1 EXPUNGE", "* 1 EXPUNGE"], expunges);

        // Mail keeps arriving in INBOX, and renaming it again works too.
        await ProtocolServer.AppendAsync(client, "INBOX", Mail.Message("three"));
        Assert.StartsWith("r2 OK", (await client.RunAsync("r2", "RENAME INBOX Older"))[^1]);
        Assert.Contains("* STATUS Older (MESSAGES 1)", await client.OkAsync("s3", "STATUS Older (MESSAGES)"));
        Assert.Contains("* STATUS INBOX (MESSAGES 0)", await client.OkAsync("s4", "STATUS INBOX (MESSAGES)"));
    }

    [Fact]
    public async Task Renaming_another_folder_into_itself_is_refused_with_a_code()
    {
        await using var client = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);
        await client.OkAsync("c", "CREATE Parent");

        var rename = await client.RunAsync("r", "RENAME Parent Parent/Child");

        Assert.StartsWith("r NO [", rename[^1]);
        var list = await client.OkAsync("l", "LIST \"\" Parent*");
        Assert.Contains(list, l => l.EndsWith(" Parent", StringComparison.Ordinal) || l.EndsWith(" \"Parent\"", StringComparison.Ordinal));
        Assert.DoesNotContain(list, l => l.Contains("Parent/Child", StringComparison.Ordinal));
    }
}
