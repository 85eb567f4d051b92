using Xunit;

namespace AkkaImap.IntegrationTests.Protocol;

/// <summary>
/// SPEC "Bad input": every malformed command gets a tagged BAD (untagged when no tag can be read),
/// wrong-state commands and bad sequence sets too, line and literal caps hold, and after each one
/// the connection still works; a run of <c>limits.max-bad-commands</c> ends with BYE (RFC 9051 §7.1.5).
/// </summary>
public sealed class BadInputTests(ProtocolServer server) : IClassFixture<ProtocolServer>
{
    [Theory]
    [InlineData("FETCH")]
    [InlineData("SELECT")]
    [InlineData("FETCH 1:2 (FLAGS")]
    [InlineData("FETCH 1:2 FLAGS)")]
    [InlineData("FETCH 1 (FLAGS (UID))")]
    [InlineData("SEARCH (SUBJECT x")]
    [InlineData("STORE 1 +FLAGS (\\Seen")]
    [InlineData("UID FOO 1")]
    [InlineData("UID")]
    [InlineData("FROBNICATE")]
    [InlineData("FETCH 1 BODY[1.")]
    [InlineData("APPEND")]
    [InlineData("NOOP extra")]
    public async Task Malformed_and_unknown_commands_get_tagged_BAD_and_the_session_goes_on(string command)
    {
        await using var client = await server.AliceAsync();
        await client.OkAsync("s", "SELECT " + ProtocolServer.TwoMessages);

        var lines = await client.RunAsync("a", command);

        Assert.StartsWith("a BAD ", lines[^1]);
        await AssertStillUsableAsync(client);
    }

    [Theory]
    [InlineData("SELECT INBOX")]
    [InlineData("LIST \"\" *")]
    [InlineData("FETCH 1 FLAGS")]
    [InlineData("IDLE")]
    public async Task Commands_before_login_get_BAD(string command)
    {
        await using var client = await RawImapClient.ConnectAsync(server.Port);

        var lines = await client.RunAsync("a", command);

        Assert.StartsWith("a BAD ", lines[^1]);
        // Still not authenticated, and still able to log in.
        await client.OkAsync("b", $"LOGIN {ProtocolServer.Alice} {server.Users[ProtocolServer.Alice]}");
        await AssertStillUsableAsync(client);
    }

    [Theory]
    [InlineData("LOGIN alice@example.com alice-Secret-1")]
    [InlineData("AUTHENTICATE PLAIN")]
    [InlineData("FETCH 1 FLAGS")]
    [InlineData("EXPUNGE")]
    [InlineData("CLOSE")]
    public async Task Commands_in_the_wrong_state_after_login_get_BAD(string command)
    {
        await using var client = await server.AliceAsync();

        var lines = await client.RunAsync("a", command);

        Assert.StartsWith("a BAD ", lines[^1]);
        await AssertStillUsableAsync(client);
    }

    [Theory]
    [InlineData("FETCH 0 FLAGS")]
    [InlineData("FETCH 1:a FLAGS")]
    [InlineData("FETCH 5 FLAGS")]
    [InlineData("FETCH 1,5 FLAGS")]
    [InlineData("FETCH 2:3 FLAGS")]
    [InlineData("FETCH 1:0 FLAGS")]
    [InlineData("FETCH , FLAGS")]
    [InlineData("FETCH -1 FLAGS")]
    [InlineData("FETCH 99999999999 FLAGS")]
    [InlineData("STORE 5 +FLAGS (\\Seen)")]
    [InlineData("COPY 3 INBOX")]
    [InlineData("UID FETCH 0 FLAGS")]
    [InlineData("UID FETCH 1:x FLAGS")]
    public async Task Bad_sequence_sets_get_BAD_in_a_two_message_folder(string command)
    {
        await using var client = await server.AliceAsync();
        var select = await client.OkAsync("s", "SELECT " + ProtocolServer.TwoMessages);
        Assert.Contains("* 2 EXISTS", select);

        var lines = await client.RunAsync("a", command);

        Assert.StartsWith("a BAD ", lines[^1]);
        // Nothing was half done: no FETCH data, and no flag changed.
        Assert.DoesNotContain(lines, l => l.Contains(" FETCH ", StringComparison.Ordinal));
        var flags = await client.OkAsync("f", "FETCH 1:* FLAGS");
        Assert.DoesNotContain(flags, l => l.Contains("\\Seen", StringComparison.Ordinal));
        await AssertStillUsableAsync(client);
    }

    [Fact]
    public async Task A_search_key_beyond_the_last_message_matches_nothing()
    {
        await using var client = await server.AliceAsync();
        await client.OkAsync("s", "SELECT " + ProtocolServer.TwoMessages);

        // A search key filters rather than names messages, so like Dovecot the server finds nothing
        // instead of answering BAD as FETCH and STORE do.
        var lines = await client.OkAsync("a", "SEARCH 7");

        Assert.Equal(["* SEARCH", "a OK SEARCH completed"], lines);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("   \r\n")]
    [InlineData("*\r\n")]
    [InlineData("* NOOP\r\n")]
    [InlineData("+ NOOP\r\n")]
    [InlineData("a\r\n")]
    [InlineData("\u00ff\u00fe\u00e9 \u00c3\u00a9\u0080\u0099\r\n")]
    [InlineData("\u00e9tiquette NOOP\r\n")]
    [InlineData("(a) NOOP\r\n")]
    public async Task Lines_without_a_valid_tag_get_an_untagged_BAD(string garbage)
    {
        await using var client = await server.AliceAsync();

        await client.SendAsync(garbage);
        var response = await client.ReadResponseAsync();

        Assert.NotNull(response);
        // RFC 9051 §7.1.3: a BAD that cannot be tied to a command is untagged. A bare tag ("a")
        // is readable, so that one may be tagged.
        Assert.True(response.StartsWith("* BAD ", StringComparison.Ordinal) || (garbage == "a\r\n" && response.StartsWith("a BAD ", StringComparison.Ordinal)), client.Transcript);
        await AssertStillUsableAsync(client);
    }

    [Fact]
    public async Task An_over_long_line_gets_BAD_and_the_next_command_runs()
    {
        await using var client = await server.AliceAsync();
        var longLine = "a NOOP " + new string('x', ProtocolServer.MaxLine * 3) + "\r\n";

        // Sent with the next command in the same write: the server must resynchronise on its line.
        await client.SendAsync(longLine + "b NOOP\r\n");

        var first = await client.ReadResponseAsync();
        Assert.StartsWith("a BAD ", first);
        var second = await client.ReadUntilTaggedAsync("b");
        Assert.StartsWith("b OK ", second[^1]);
    }

    [Fact]
    public async Task An_over_long_line_split_across_writes_gets_BAD_and_the_next_command_runs()
    {
        await using var client = await server.AliceAsync();

        // The cap must hold before the line end arrives (memory), and the rest must be skipped.
        await client.SendAsync("a LIST \"\" " + new string('x', ProtocolServer.MaxLine * 2));
        Assert.StartsWith("a BAD ", await client.ReadResponseAsync());
        await client.SendAsync(new string('y', ProtocolServer.MaxLine * 2) + "\r\n");
        await AssertStillUsableAsync(client);
    }

    [Fact]
    public async Task An_over_large_synchronizing_literal_is_refused_with_TOOBIG_before_it_is_sent()
    {
        await using var client = await server.AliceAsync();

        await client.SendAsync($"a APPEND INBOX {{{ProtocolServer.MaxLiteral + 1}}}\r\n");

        // No "+" continuation: the client is told NO before it sends a byte (RFC 7889 §4, RFC 9051 §7.5).
        var response = await client.ReadResponseAsync();
        Assert.StartsWith("a NO [TOOBIG] ", response);
        await AssertStillUsableAsync(client);
    }

    [Fact]
    public async Task An_over_large_non_synchronizing_literal_is_read_and_dropped()
    {
        await using var client = await server.AliceAsync();
        var before = await client.OkAsync("s", "STATUS INBOX (MESSAGES)");
        var body = new string('z', ProtocolServer.MaxLiteral * 4);

        // RFC 7888 §4: the bytes come anyway; they must be skipped, never run as commands.
        await client.SendAsync($"a APPEND INBOX {{{body.Length}+}}\r\n{body}\r\nb NOOP\r\n");

        Assert.StartsWith("a NO [TOOBIG] ", (await client.ReadUntilTaggedAsync("a"))[^1]);
        Assert.StartsWith("b OK ", (await client.ReadUntilTaggedAsync("b"))[^1]);
        Assert.Equal(before[0], (await client.OkAsync("t", "STATUS INBOX (MESSAGES)"))[0]);
    }

    [Fact]
    public async Task A_literal_hiding_a_command_is_data_not_a_command()
    {
        await using var client = await server.AliceAsync();
        const string Hidden = "x LOGOUT\r\n";

        // The literal's bytes are a mailbox name here, however they look (RFC 9051 §4.3).
        var lines = await client.RunAsync("a", $"SELECT {{{Hidden.Length}+}}\r\n{Hidden}");

        Assert.StartsWith("a NO ", lines[^1]);
        Assert.DoesNotContain(lines, l => l.StartsWith("* BYE", StringComparison.Ordinal));
        await AssertStillUsableAsync(client);
    }

    [Fact]
    public async Task A_run_of_bad_commands_ends_with_BYE_and_a_closed_connection()
    {
        await using var client = await server.AliceAsync();

        for (int i = 1; i < ProtocolServer.MaxBadCommands; i++)
        {
            Assert.StartsWith($"b{i} BAD ", (await client.RunAsync($"b{i}", "FROBNICATE"))[^1]);
        }

        await client.SendAsync("last FETCH\r\n");
        var rest = await client.ReadUntilClosedAsync();

        Assert.Equal(2, rest.Count);
        Assert.StartsWith("last BAD ", rest[0]);
        Assert.StartsWith("* BYE ", rest[1]);
    }

    [Fact]
    public async Task Commands_pipelined_after_the_last_allowed_bad_one_are_never_run()
    {
        await using var client = await server.AliceAsync();
        var bad = string.Concat(Enumerable.Range(1, ProtocolServer.MaxBadCommands).Select(i => $"b{i} FROBNICATE\r\n"));

        await client.SendAsync(bad + "c CREATE NeverCreated\r\nd NOOP\r\n");
        var rest = await client.ReadUntilClosedAsync();

        Assert.Equal(ProtocolServer.MaxBadCommands + 1, rest.Count);
        Assert.StartsWith("* BYE ", rest[^1]);
        Assert.DoesNotContain(rest, l => l.StartsWith("c ", StringComparison.Ordinal) || l.StartsWith("d ", StringComparison.Ordinal));
        await using var check = await server.AliceAsync();
        Assert.DoesNotContain(await check.OkAsync("l", "LIST \"\" NeverCreated"), l => l.StartsWith("* LIST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_over_long_line_during_IDLE_ends_it_with_BAD_and_the_session_goes_on()
    {
        await using var client = await server.AliceAsync();
        await client.OkAsync("s", "SELECT " + ProtocolServer.TwoMessages);
        await client.SendAsync("i IDLE\r\n");
        Assert.StartsWith("+ ", await client.ReadResponseAsync());

        await client.SendAsync(new string('D', ProtocolServer.MaxLine * 2) + "\r\n");

        Assert.StartsWith("i BAD ", (await client.ReadUntilTaggedAsync("i"))[^1]);
        await AssertStillUsableAsync(client);
        Assert.Contains(await client.OkAsync("f", "FETCH 2 FLAGS"), l => l.StartsWith("* 2 FETCH (FLAGS (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_good_command_resets_the_count_of_bad_ones()
    {
        await using var client = await server.AliceAsync();

        for (int round = 0; round < 3; round++)
        {
            for (int i = 1; i < ProtocolServer.MaxBadCommands; i++)
            {
                Assert.StartsWith("b BAD ", (await client.RunAsync("b", "FROBNICATE"))[^1]);
            }

            await AssertStillUsableAsync(client);
        }
    }

    /// <summary>The session answers a NOOP with OK, i.e. it survived what came before.</summary>
    internal static async Task AssertStillUsableAsync(RawImapClient client)
    {
        var lines = await client.RunAsync("ok", "NOOP");
        Assert.True(lines[^1].StartsWith("ok OK", StringComparison.Ordinal), client.Transcript);
        Assert.DoesNotContain(lines, l => l.StartsWith("* BYE", StringComparison.Ordinal));
    }
}
