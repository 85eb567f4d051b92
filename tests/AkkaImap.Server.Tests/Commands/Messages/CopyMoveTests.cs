using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Messages;

/// <summary>COPY and MOVE with UIDPLUS (RFC 9051 §6.4.7, RFC 6851, RFC 4315 §3).</summary>
public sealed class CopyMoveTests : MessageTestKit
{
    private async Task<uint> UidValidityAsync(string folder)
    {
        var account = await Store.FindAccountAsync(Login);
        return (await Store.GetFolderAsync(MailboxOwner.ForAccount(account!.Id), folder))!.UidValidity;
    }

    [Fact]
    public async Task Copy_answers_copyuid()
    {
        await AppendTextsAsync(Simple, Simple, Simple);
        var archive = await UidValidityAsync("Archive");
        var client = Selected();
        Assert.Equal([$"a OK [COPYUID {archive} 1:2 1:2] COPY completed"], client.Run("a", "COPY 1:2 Archive"));
        Assert.Equal([$"b OK [COPYUID {archive} 3 3] UID COPY completed"], client.Run("b", "UID COPY 3 Archive"));
        Assert.Equal(["* STATUS Archive (MESSAGES 3)", "c OK STATUS completed"], client.Run("c", "STATUS Archive (MESSAGES)"));
    }

    [Fact]
    public async Task Copy_keeps_flags()
    {
        await AppendAsync("INBOX", Message(Simple, MessageFlags.Flagged, "$Work"));
        var client = Selected();
        client.Run("a", "COPY 1 Archive");
        client.Run("b", "SELECT Archive");
        // The copy is new in Archive, so \Recent for the first session there (RFC 3501 §6.4.7).
        Assert.Equal(["* 1 FETCH (FLAGS (\\Flagged \\Recent $Work))", "c OK FETCH completed"], client.Run("c", "FETCH 1 FLAGS"));
    }

    [Fact]
    public async Task Copy_to_a_missing_folder_is_trycreate()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        Assert.Equal(["a NO [TRYCREATE] Target mailbox does not exist"], client.Run("a", "COPY 1 Nowhere"));
        Assert.Equal(["b NO [TRYCREATE] Target mailbox does not exist"], client.Run("b", "MOVE 1 Nowhere"));
    }

    [Fact]
    public async Task Copy_into_the_selected_folder_shows_exists()
    {
        await AppendTextsAsync(Simple);
        var inbox = await UidValidityAsync("INBOX");
        var client = Selected();
        Assert.Equal(["* 2 EXISTS", $"a OK [COPYUID {inbox} 1 2] COPY completed"], client.Run("a", "COPY 1 INBOX"));
    }

    [Fact]
    public async Task Copy_is_allowed_from_a_read_only_folder()
    {
        await AppendTextsAsync(Simple);
        var archive = await UidValidityAsync("Archive");
        var client = Selected(examine: true);
        Assert.Equal([$"a OK [COPYUID {archive} 1 1] COPY completed"], client.Run("a", "COPY 1 Archive"));
    }

    [Fact]
    public async Task Move_sends_copyuid_then_expunges()
    {
        await AppendTextsAsync(Simple, Simple, Simple);
        var archive = await UidValidityAsync("Archive");
        var client = Selected();
        Assert.Equal(
            [$"* OK [COPYUID {archive} 1,3 1:2] Moved UIDs.", "* 1 EXPUNGE", "* 2 EXPUNGE", "a OK MOVE completed"],
            client.Run("a", "MOVE 1,3 Archive"));
        Assert.Equal(["* 1 FETCH (UID 2)", "b OK FETCH completed"], client.Run("b", "FETCH 1:* UID"));
    }

    [Fact]
    public async Task Uid_move_tells_other_sessions()
    {
        await AppendTextsAsync(Simple, Simple);
        var archive = await UidValidityAsync("Archive");
        var client = Selected();
        var other = Selected();
        Assert.Equal(
            [$"* OK [COPYUID {archive} 2 1] Moved UIDs.", "* 2 EXPUNGE", "a OK UID MOVE completed"],
            client.Run("a", "UID MOVE 2 Archive"));
        Assert.Equal(["* 2 EXPUNGE", "b OK NOOP completed"], other.Run("b", "NOOP"));
    }

    [Fact]
    public async Task Move_within_the_folder_expunges_and_adds()
    {
        await AppendTextsAsync(Simple);
        var inbox = await UidValidityAsync("INBOX");
        var client = Selected();
        Assert.Equal(
            [$"* OK [COPYUID {inbox} 1 2] Moved UIDs.", "* 1 EXPUNGE", "* 1 EXISTS", "a OK MOVE completed"],
            client.Run("a", "MOVE 1 INBOX"));
    }

    [Fact]
    public async Task Move_from_a_read_only_folder_is_refused()
    {
        await AppendTextsAsync(Simple);
        var client = Selected(examine: true);
        Assert.Equal(["a NO [READ-ONLY] Mailbox is read-only (EXAMINE)"], client.Run("a", "MOVE 1 Archive"));
    }

    [Fact]
    public async Task Bad_and_empty_sets()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        Assert.Equal(["a BAD Invalid sequence set"], client.Run("a", "MOVE 2 Archive"));
        Assert.Equal(["b BAD Invalid sequence set"], client.Run("b", "COPY 1:5 Archive"));
        Assert.Equal(["c OK UID MOVE completed, no messages"], client.Run("c", "UID MOVE 7 Archive"));
        Assert.Equal(["d OK UID COPY completed, no messages"], client.Run("d", "UID COPY 7 Archive"));
    }
}
