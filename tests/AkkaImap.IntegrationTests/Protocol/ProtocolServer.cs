using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Protocol;

/// <summary>
/// A server with small limits, so that over-long lines, over-large literals and runs of bad
/// commands are cheap to provoke; alice has a folder <see cref="TwoMessages"/> holding two
/// messages; bob, and carol of another post office (added while the server runs, which it honours at
/// once: logins read the directory), have a folder and a message named by a secret only they may see.
/// Implementing <see cref="IAsyncLifetime"/> again lets this class seed mail after the base starts.
/// </summary>
public sealed class ProtocolServer : ServerFixture, IAsyncLifetime
{
    public const int MaxBadCommands = 5;
    public const int MaxLine = 1024;
    public const int MaxLiteral = 1024;
    public const string TwoMessages = "Two";

    /// <summary>Appears in bob's folder name and message; no response to alice may contain it.</summary>
    public const string BobSecret = "BobSecretX7q";

    /// <summary>Carol's counterpart of <see cref="BobSecret"/>: in her folder, message and post office's public folder.</summary>
    public const string CarolSecret = "CarolSecretK4z";

    public const string Alice = "alice@example.com";
    public const string Bob = "bob@example.com";
    public const string OtherPostOffice = "other.org";
    public const string Carol = "carol@other.org";
    private const string CarolPassword = "carol-Secret-3";

    protected override string ExtraSettings =>
        $"limits {{ max-line = 1k, max-literal = 1k, max-bad-commands = {MaxBadCommands} }}";

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await using (var alice = await RawImapClient.LoginAsync(Port, Alice, Users[Alice]))
        {
            await alice.OkAsync("c", $"CREATE {TwoMessages}");
            await AppendAsync(alice, TwoMessages, Mail.Message("first"));
            await AppendAsync(alice, TwoMessages, Mail.Message("second"));
        }

        await using var bob = await RawImapClient.LoginAsync(Port, Bob, Users[Bob]);
        await bob.OkAsync("c", $"CREATE {BobSecret}");
        await AppendAsync(bob, "INBOX", Mail.Message(BobSecret));
        await AppendAsync(bob, BobSecret, Mail.Message(BobSecret));

        await CliAsync(string.Empty, "postoffice", "add", OtherPostOffice, "--public-folders");
        await CliAsync(CarolPassword + "\n", "mailbox", "add", Carol, "--password-stdin");
        await CliAsync(string.Empty, "publicfolder", "add", OtherPostOffice, CarolSecret);
        await using var carol = await RawImapClient.LoginAsync(Port, Carol, CarolPassword);
        await carol.OkAsync("c", $"CREATE {CarolSecret}");
        await AppendAsync(carol, "INBOX", Mail.Message(CarolSecret));
    }

    /// <summary>Logs in as alice over a fresh raw connection.</summary>
    public Task<RawImapClient> AliceAsync() => RawImapClient.LoginAsync(Port, Alice, Users[Alice]);

    public static Task AppendAsync(RawImapClient client, string folder, string message) =>
        client.OkAsync("ap", $"APPEND {folder} {{{message.Length}+}}\r\n{message}");
}

/// <summary>Small RFC 5322 messages for tests (CRLF line ends, ASCII only).</summary>
public static class Mail
{
    public static string Message(string subject) =>
        $"From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: {subject}\r\n" +
        $"Date: Fri, 27 Nov 2026 04:00:00 +0000\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n\r\nBody of {subject}.\r\n";
}
