using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Messages;

/// <summary>STORE and UID STORE (RFC 9051 §6.4.6): modes, .SILENT, keywords, read-only folders.</summary>
public sealed class StoreTests : MessageTestKit
{
    private async Task<Client> TwoMessagesAsync(bool examine = false)
    {
        await AppendTextsAsync(Simple, Simple);
        return Selected(examine: examine);
    }

    [Fact]
    public async Task Add_and_remove_flags_report_the_new_flags()
    {
        var client = await TwoMessagesAsync();
        Assert.Equal(
            ["* 1 FETCH (FLAGS (\\Flagged \\Seen))", "* 2 FETCH (FLAGS (\\Flagged \\Seen))", "a OK STORE completed"],
            client.Run("a", "STORE 1:2 +FLAGS (\\Seen \\Flagged)"));
        Assert.Equal(["* 2 FETCH (FLAGS (\\Seen))", "b OK STORE completed"], client.Run("b", "STORE 2 -FLAGS (\\Flagged)"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Answered))", "c OK STORE completed"], client.Run("c", "STORE 1 FLAGS \\Answered"));
    }

    [Fact]
    public async Task Silent_store_sends_no_fetch()
    {
        var client = await TwoMessagesAsync();
        Assert.Equal(["a OK STORE completed"], client.Run("a", "STORE 1 +FLAGS.SILENT (\\Deleted)"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Deleted))", "b OK FETCH completed"], client.Run("b", "FETCH 1 FLAGS"));
    }

    [Fact]
    public async Task Unchanged_messages_are_not_reported()
    {
        await AppendAsync("INBOX", Message(Simple, MessageFlags.Seen), Message(Simple));
        var client = Selected();
        Assert.Equal(["* 2 FETCH (FLAGS (\\Seen))", "a OK STORE completed"], client.Run("a", "STORE 1:2 +FLAGS (\\Seen)"));
    }

    [Fact]
    public async Task Uid_store_includes_uid_and_creates_keywords()
    {
        var client = await TwoMessagesAsync();
        Assert.Equal(
            [
                "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)",
                "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)] Flags permitted.",
                "* 2 FETCH (UID 2 FLAGS ($Label1))",
                "a OK UID STORE completed",
            ],
            client.Run("a", "UID STORE 2 +FLAGS ($Label1)"));
        Assert.Equal(["* 2 FETCH (FLAGS ())", "b OK STORE completed"], client.Run("b", "STORE 2 -FLAGS ($label1)"));
    }

    [Fact]
    public async Task Recent_is_ignored_and_unknown_system_flags_are_bad()
    {
        var client = await TwoMessagesAsync();
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen))", "a OK STORE completed"], client.Run("a", "STORE 1 +FLAGS (\\Recent \\Seen)"));
        Assert.Equal(["b BAD [CLIENTBUG] Invalid flag \\Bogus"], client.Run("b", "STORE 1 +FLAGS (\\Bogus)"));
    }

    [Fact]
    public async Task Other_sessions_hear_of_the_change()
    {
        var client = await TwoMessagesAsync();
        var other = Selected();
        client.Run("a", "STORE 2 +FLAGS (\\Flagged)");
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Flagged))", "b OK NOOP completed"], other.Run("b", "NOOP"));
    }

    [Fact]
    public async Task Read_only_folder_is_refused()
    {
        var client = await TwoMessagesAsync(examine: true);
        Assert.Equal(["a NO [READ-ONLY] Mailbox is read-only (EXAMINE)"], client.Run("a", "STORE 1 +FLAGS (\\Seen)"));
    }

    [Fact]
    public async Task Bad_sequence_sets()
    {
        var client = await TwoMessagesAsync();
        Assert.Equal(["a BAD Invalid sequence set"], client.Run("a", "STORE 3 +FLAGS (\\Seen)"));
        Assert.StartsWith("b BAD", client.Run("b", "STORE 0 +FLAGS (\\Seen)")[0]);
        Assert.Equal(["c OK UID STORE completed"], client.Run("c", "UID STORE 9 +FLAGS (\\Seen)"));
    }

    [Fact]
    public async Task Unchangedsince_enables_condstore_and_the_highest_modseq_comes_first()
    {
        var client = await TwoMessagesAsync();
        // RFC 7162 §3.1: the first CONDSTORE-enabling command in a selected mailbox reports HIGHESTMODSEQ.
        var lines = client.Run("a", "STORE 1 (UNCHANGEDSINCE 1000000) +FLAGS (\\Seen)");
        Assert.Matches(@"^\* OK \[HIGHESTMODSEQ \d+\] ", lines[0]);
        Assert.Matches(@"^\* 1 FETCH \(FLAGS \(\\Seen\) MODSEQ \(\d+\)\)$", lines[1]);
        Assert.Equal("a OK STORE completed", lines[^1]);
        Assert.DoesNotContain(client.Run("b", "STORE 2 (UNCHANGEDSINCE 1000000) +FLAGS (\\Seen)"), l => l.Contains("HIGHESTMODSEQ", StringComparison.Ordinal));
    }
}
