using AkkaImap.IntegrationTests.Cli;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using Npgsql;
using Xunit;

namespace AkkaImap.IntegrationTests.Postgres;

/// <summary>
/// The real <c>akkaimap serve</c> with <c>storage.provider = postgresql</c>: MailKit's ordinary
/// session works, an IDLE client hears another session's APPEND, and admin commands run by the
/// CLI (a process of its own, on the same database) reach the running server through LISTEN/NOTIFY.
/// </summary>
public sealed class PostgresServeTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    /// <summary>Bounds each wait so that a broken server fails the test rather than hanging it.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_mailkit_session_appends_fetches_stores_and_expunges_on_postgresql()
    {
        using var client = await server.ConnectAsync();
        var folder = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Pg-" + Guid.NewGuid().ToString("N")[..6], true) ?? throw new InvalidOperationException("not created");
        await folder.OpenAsync(FolderAccess.ReadWrite);

        var first = await folder.AppendAsync(Message("First", "kept"), MessageFlags.None);
        var second = await folder.AppendAsync(Message("Second", "expunged"), MessageFlags.Seen);
        Assert.True(second!.Value.Id > first!.Value.Id);

        var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
        Assert.Equal(["First", "Second"], summaries.Select(s => s.Envelope!.Subject));
        Assert.Equal("kept", (await folder.GetMessageAsync(first.Value)).TextBody!.Trim());

        await folder.AddFlagsAsync(second.Value, MessageFlags.Deleted, true);
        await folder.AddFlagsAsync(first.Value, MessageFlags.Flagged, true);
        await folder.ExpungeAsync();

        var left = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags);
        var only = Assert.Single(left);
        Assert.Equal(first.Value, only.UniqueId);
        Assert.True(only.Flags!.Value.HasFlag(MessageFlags.Flagged));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_message_is_found_by_search_body_right_after_its_append_and_once_the_index_pass_wrote_its_row()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var word = "lynxquill" + suffix;
        // The pass's row, heard when its transaction commits: a trigger of this test's notifies it
        // (the text is folded to upper case).
        var channel = "indexed_" + suffix;
        await using var db = new NpgsqlConnection(server.ConnectionString);
        await db.OpenAsync();
        var indexed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        db.Notification += (_, e) => { if (e.Channel == channel) indexed.TrySetResult(); };
        await ExecAsync(db, $"""
            CREATE FUNCTION {channel}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.body LIKE '%{word.ToUpperInvariant()}%' THEN PERFORM pg_notify('{channel}', ''); END IF; RETURN NULL; END $$;
            CREATE TRIGGER {channel} AFTER INSERT ON blob_text FOR EACH ROW EXECUTE FUNCTION {channel}();
            LISTEN {channel};
            """);
        try
        {
            using var client = await server.ConnectAsync();
            var folder = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Idx-" + suffix[..6], true) ?? throw new InvalidOperationException("not created");
            await folder.OpenAsync(FolderAccess.ReadWrite);
            var uid = (await folder.AppendAsync(Message("Pending", $"a {word} in the body"), MessageFlags.None))!.Value;

            // storage.postgresql.index-delay (1 s): not indexed yet, read by the scan.
            Assert.Equal([uid], await folder.SearchAsync(MailKit.Search.SearchQuery.BodyContains(word)));

            // The pass a moment later writes its row in the server's database.
            using var deadline = new CancellationTokenSource(Deadline);
            while (!indexed.Task.IsCompleted) await db.WaitAsync(deadline.Token);

            Assert.Equal([uid], await folder.SearchAsync(MailKit.Search.SearchQuery.BodyContains(word)));
            Assert.Empty(await folder.SearchAsync(MailKit.Search.SearchQuery.BodyContains(word + "x")));
            await client.DisconnectAsync(true);
        }
        finally
        {
            await ExecAsync(db, $"DROP TRIGGER {channel} ON blob_text; DROP FUNCTION {channel}();");
        }
    }

    private static async Task ExecAsync(NpgsqlConnection db, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, db);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_idle_client_hears_an_append_made_by_another_session()
    {
        using var idler = await server.ConnectAsync("bob@example.com");
        await idler.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var before = idler.Inbox.Count;
        var grew = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        idler.Inbox.CountChanged += (_, _) => { if (idler.Inbox.Count > before) grew.TrySetResult(idler.Inbox.Count); };
        using var done = new CancellationTokenSource();
        var idling = idler.IdleAsync(done.Token);

        using (var writer = await server.ConnectAsync("bob@example.com"))
        {
            await writer.Inbox.AppendAsync(Message("While you idle", "news"), MessageFlags.None);
            await writer.DisconnectAsync(true);
        }

        Assert.Equal(before + 1, await grew.Task.WaitAsync(Deadline));
        await done.CancelAsync();
        await idling.WaitAsync(Deadline);
        await idler.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_mailbox_added_and_removed_by_the_cli_counts_at_once_in_the_running_server()
    {
        const string Login = "carol@example.com", Password = "carol-Secret-3";
        await server.CliAsync(Password + "\n", "mailbox", "add", Login, "--password-stdin");
        using var carol = new ImapClient { Timeout = 30_000 };
        await carol.ConnectAsync("127.0.0.1", server.Port, MailKit.Security.SecureSocketOptions.None);
        await carol.AuthenticateAsync(Login, Password);
        await carol.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        carol.Disconnected += (_, _) => closed.TrySetResult();
        using var neverCancelled = new CancellationTokenSource();
        var idling = carol.IdleAsync(neverCancelled.Token);

        await server.CliAsync("", "mailbox", "remove", Login, "--force");

        // The server hears of it through NOTIFY and ends the session with * BYE.
        await closed.Task.WaitAsync(Deadline);
        await Assert.ThrowsAnyAsync<Exception>(() => idling.WaitAsync(Deadline));
        Assert.False(carol.IsConnected);
    }

    [Fact]
    public async Task Store_migrate_finds_the_schema_current_and_a_newer_schema_stops_serve_with_one_line()
    {
        var migrated = await server.CliAsync("", "store", "migrate");
        Assert.Equal(["store schema is at version 13: nothing to migrate"], migrated.StdoutLines);

        // A second database, as a newer AkkaImap would leave it.
        var newer = await server.Postgres.CreateDatabaseAsync();
        using var folder = new CliFolder();
        var config = folder.Write("newer.conf", $$"""
            akka-imap.storage { path = data, provider = postgresql, postgresql.connection-string = "{{newer}}" }
            akka-imap.port = {{Infrastructure.ServerFixture.FreePort()}}
            akka-imap.bind = ["127.0.0.1"]
            akka-imap.alternate-port.enabled = off
            """);
        Assert.Equal(0, (await AkkaImapExecutable.RunAsync("store", "migrate", "--config", config)).ExitCode);
        await using (var c = new NpgsqlConnection(newer))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("UPDATE schema_version SET version = 99", c);
            await cmd.ExecuteNonQueryAsync();
        }

        var serve = await AkkaImapExecutable.RunAsync("serve", "--config", config);

        Assert.Equal(1, serve.ExitCode);
        Assert.Equal(
            ["the PostgreSQL store (akka-imap.storage.postgresql.connection-string) has schema version 99, newer than this AkkaImap knows (13): run a newer AkkaImap"],
            serve.StderrLines);
    }

    private static MimeMessage Message(string subject, string text) => new(
        [new MailboxAddress("Alice", "alice@example.com")], [new MailboxAddress("Bob", "bob@example.com")], subject,
        new TextPart("plain") { Text = text });
}
