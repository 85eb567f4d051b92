using System.Text.RegularExpressions;
using Xunit;

namespace AkkaImap.IntegrationTests.Protocol;

/// <summary>
/// SPEC "Bad input": folder names that try to leave the account (<c>..</c>, <c>%</c>, <c>*</c>,
/// invalid modified UTF-7, another account's name) are refused with NO and a response code
/// (RFC 5530), what the grammar forbids (NUL) gets BAD, and nothing of bob's ever reaches alice.
/// </summary>
public sealed partial class MailboxNameEscapeTests(ProtocolServer server) : IClassFixture<ProtocolServer>
{
    /// <summary>Names (as sent on the wire, quoted where the grammar needs it) that alice cannot use.</summary>
    private static readonly string[] EscapingNames =
    [
        "..",
        "\"..\"",
        "\"../bob\"",
        "\"a/../b\"",
        "\"INBOX/../../bob@example.com/INBOX\"",
        "\"/INBOX\"",
        "\"./INBOX\"",
        "\"%\"",
        "\"*\"",
        "\"INBOX/*\"",
        "\"../bob/INBOX\"",
        "\"../bob@example.com/INBOX\"",
        "~bob",
        "\"~bob/INBOX\"",
        "\"~bob@example.com/INBOX\"",
        "\"#shared/x\"",
        "\"#shared/bob/INBOX\"",
        "\"#user/bob/INBOX\"",
        "\"Public Folders/../../bob/INBOX\"",
        "&Jjo",
        "&AGE-",
        "&-&",
        "\"&AGEAYg-\"",
        "&Jjo-&AGE-",
        "\"" + ProtocolServer.BobSecret + "\"",
        "bob@example.com/INBOX",
        "bob@example.com/" + ProtocolServer.BobSecret,
        "\"../../other.org/carol/INBOX\"",
        "\"~carol@other.org/INBOX\"",
        "\"Public Folders/" + ProtocolServer.CarolSecret + "\"",
        "\"Public Folders/../other.org/" + ProtocolServer.CarolSecret + "\"",
        "\"#public/other.org/" + ProtocolServer.CarolSecret + "\"",
        "\"other.org/" + ProtocolServer.CarolSecret + "\"",
        "\"carol@other.org/INBOX\"",
    ];

    /// <summary>Commands that name an existing mailbox; {0} is the name.</summary>
    private static readonly string[] ExistingMailboxCommands =
    [
        "SELECT {0}",
        "EXAMINE {0}",
        "STATUS {0} (MESSAGES UIDNEXT)",
        "DELETE {0}",
        "RENAME {0} Stolen",
        "APPEND {0} {{5+}}\r\nhello",
    ];

    public static TheoryData<string, string> EveryNameInEveryCommand()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in ExistingMailboxCommands)
        {
            foreach (var name in EscapingNames)
            {
                data.Add(command, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryNameInEveryCommand))]
    public async Task Escaping_names_get_NO_with_a_response_code_and_never_bobs_data(string command, string name)
    {
        await using var client = await server.AliceAsync();

        var lines = await client.RunAsync("a", string.Format(System.Globalization.CultureInfo.InvariantCulture, command, name));

        Assert.Matches(NoWithCode(), lines[^1]);
        AssertNothingOfOthers(client);
        await BadInputTests.AssertStillUsableAsync(client);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("\"a/../b\"")]
    [InlineData("\"a/./b\"")]
    [InlineData("\"%\"")]
    [InlineData("\"*\"")]
    [InlineData("\"New%\"")]
    [InlineData("\"a//b\"")]
    [InlineData("\"/abs\"")]
    [InlineData("~bob")]
    [InlineData("\"~bob/INBOX\"")]
    [InlineData("\"#shared/x\"")]
    [InlineData("\"../bob/INBOX\"")]
    [InlineData("&Jjo")]
    [InlineData("&AGE-")]
    [InlineData("\"&AGEAYg-\"")]
    public async Task Create_and_rename_refuse_escaping_names_with_NO_and_a_code(string name)
    {
        await using var client = await server.AliceAsync();
        var before = await client.OkAsync("l1", "LIST \"\" *");

        Assert.Matches(NoWithCode(), (await client.RunAsync("c", "CREATE " + name))[^1]);
        Assert.Matches(NoWithCode(), (await client.RunAsync("r", "RENAME " + ProtocolServer.TwoMessages + " " + name))[^1]);

        // Nothing was created or moved.
        Assert.Equal(before.Where(IsList), (await client.OkAsync("l2", "LIST \"\" *")).Where(IsList));
        AssertNothingOfOthers(client);
    }

    [Theory]
    [InlineData("CREATE \"a\0b\"")]
    [InlineData("SELECT \"INBOX\0\"")]
    [InlineData("CREATE {3+}\r\na\0b")]
    [InlineData("SELECT {6+}\r\nINBOX\0")]
    [InlineData("STATUS \"\0\" (MESSAGES)")]
    public async Task A_NUL_in_a_mailbox_name_is_a_grammar_error_answered_BAD(string command)
    {
        await using var client = await server.AliceAsync();

        var lines = await client.RunAsync("a", command);

        // RFC 9051 §4.3 and §9: CHAR8 and TEXT-CHAR exclude NUL, in literals too.
        Assert.StartsWith("a BAD ", lines[^1]);
        await BadInputTests.AssertStillUsableAsync(client);
    }

    [Theory]
    [InlineData("\"\"", "*")]
    [InlineData("\"\"", "%")]
    [InlineData("\"\"", "../*")]
    [InlineData("\"\"", "../bob/*")]
    [InlineData("\"..\"", "*")]
    [InlineData("\"../\"", "*")]
    [InlineData("\"~bob/\"", "*")]
    [InlineData("\"\"", "~bob/*")]
    [InlineData("\"\"", "~*")]
    [InlineData("\"\"", "#*")]
    [InlineData("\"#shared/\"", "*")]
    [InlineData("\"\"", "bob@example.com/*")]
    [InlineData("\"\"", "*" + ProtocolServer.BobSecret + "*")]
    [InlineData("\"Public Folders/\"", "../*")]
    [InlineData("\"Public Folders/\"", "*")]
    [InlineData("\"\"", "Public Folders/*")]
    [InlineData("\"\"", "*/*/*")]
    [InlineData("\"\"", "*" + ProtocolServer.CarolSecret + "*")]
    [InlineData("\"\"", "../../other.org/*")]
    public async Task List_patterns_never_show_another_accounts_folders(string reference, string pattern)
    {
        await using var client = await server.AliceAsync();

        var lines = await client.RunAsync("a", $"LIST {reference} \"{pattern}\" RETURN (STATUS (MESSAGES))");

        Assert.StartsWith("a ", lines[^1]);
        Assert.DoesNotContain("BAD", lines[^1]);
        AssertNothingOfOthers(client);
    }

    [Fact]
    public async Task Copy_and_move_to_another_accounts_names_are_refused()
    {
        await using var client = await server.AliceAsync();
        await client.OkAsync("s", "SELECT " + ProtocolServer.TwoMessages);

        foreach (var target in new[] { "\"../bob/INBOX\"", "~bob", "\"#shared/x\"", "\"bob@example.com/INBOX\"", "&Jjo" })
        {
            Assert.Matches(NoWithCode(), (await client.RunAsync("c", "COPY 1 " + target))[^1]);
            Assert.Matches(NoWithCode(), (await client.RunAsync("m", "UID MOVE 1:* " + target))[^1]);
        }

        // The source is untouched and bob's INBOX still holds only his own message.
        Assert.Contains("* 2 EXISTS", await client.OkAsync("n", "SELECT " + ProtocolServer.TwoMessages));
        AssertNothingOfOthers(client);
        await using var bob = await RawImapClient.LoginAsync(server.Port, ProtocolServer.Bob, server.Users[ProtocolServer.Bob]);
        var status = await bob.OkAsync("st", "STATUS INBOX (MESSAGES)");
        Assert.Contains("* STATUS INBOX (MESSAGES 1)", status);
    }

    /// <summary>
    /// No untagged data (LIST, STATUS, FETCH, EXISTS...) names a folder or message of bob's or of
    /// carol's (another post office). Tagged responses are left out: their text may quote the name
    /// alice sent herself.
    /// </summary>
    private static void AssertNothingOfOthers(RawImapClient client) =>
        Assert.DoesNotContain(
            client.Received,
            r => r.StartsWith('*') && (r.Contains(ProtocolServer.BobSecret, StringComparison.OrdinalIgnoreCase)
                || r.Contains(ProtocolServer.CarolSecret, StringComparison.OrdinalIgnoreCase)));

    private static bool IsList(string line) => line.StartsWith("* LIST ", StringComparison.Ordinal);

    /// <summary><c>a NO [CODE...] text</c>: refused, with a machine-readable reason (RFC 5530).</summary>
    [GeneratedRegex(@"^[a-z]+ NO \[[A-Z]")]
    private static partial Regex NoWithCode();
}
