using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Lmtp;

/// <summary>The real server with LMTP on a free loopback port; messages over 200 KB are refused (SIZE).</summary>
public class LmtpServerFixture : ServerFixture
{
    public LmtpServerFixture()
    {
        LmtpPort = FreePort();
    }

    public int LmtpPort { get; }

    public const long MaxMessage = 200 * 1024;

    protected override string ExtraSettings => $$"""
        lmtp { enabled = on, port = {{LmtpPort}}, command-timeout = 1m }
        limits.max-literal = {{MaxMessage}}
        """;

    /// <summary>
    /// Waits for a message with <paramref name="subject"/> in <paramref name="folder"/> and returns it:
    /// searches, then idles until the folder grows and searches again (no sleeping), for at most a minute.
    /// A message that arrives while the SEARCH runs is announced (EXISTS) with the SEARCH's own
    /// answer, before any IDLE: the count is compared around the SEARCH, or the wait would idle
    /// for a change already heard.
    /// </summary>
    public async Task<MimeMessage> WaitForMessageAsync(string login, string folder, string subject)
    {
        using var client = await ConnectAsync(login);
        var mailbox = await client.GetFolderAsync(folder);
        await mailbox.OpenAsync(FolderAccess.ReadOnly);
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var before = mailbox.Count;
            var found = await mailbox.SearchAsync(SearchQuery.SubjectContains(subject), overall.Token);
            if (found.Count > 0)
            {
                return await mailbox.GetMessageAsync(found[0], overall.Token);
            }
            if (mailbox.Count != before)
            {
                continue;
            }
            using var grew = CancellationTokenSource.CreateLinkedTokenSource(overall.Token);
            void OnCount(object? sender, EventArgs e) => grew.Cancel();
            mailbox.CountChanged += OnCount;
            try
            {
                await client.IdleAsync(grew.Token, overall.Token);
            }
            catch (OperationCanceledException) when (!overall.IsCancellationRequested)
            {
            }
            finally
            {
                mailbox.CountChanged -= OnCount;
            }
            overall.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>How many messages in <paramref name="folder"/> have <paramref name="subject"/>.</summary>
    public async Task<int> CountAsync(string login, string folder, string subject)
    {
        using var client = await ConnectAsync(login);
        var mailbox = await client.GetFolderAsync(folder);
        await mailbox.OpenAsync(FolderAccess.ReadOnly);
        return (await mailbox.SearchAsync(SearchQuery.SubjectContains(subject))).Count;
    }
}

/// <summary><see cref="LmtpServerFixture"/> plus a private Postfix that delivers to it.</summary>
public sealed class PostfixFixture : LmtpServerFixture, IAsyncLifetime
{
    /// <summary>alice and bob, and full@example.com, whose quota a test sets to nothing.</summary>
    public override IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["alice@example.com"] = "alice-Secret-1",
        ["bob@example.com"] = "bob-Secret-2",
        ["full@example.com"] = "full-Secret-3",
    };

    public PostfixInstance Postfix { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Postfix = await PostfixInstance.StartAsync(LmtpPort);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        try
        {
            if (Postfix is not null)
            {
                await Postfix.DisposeAsync();
            }
        }
        finally
        {
            // The server stops even when stopping Postfix failed: nothing outlives the test class.
            await DisposeAsync();
        }
    }
}
