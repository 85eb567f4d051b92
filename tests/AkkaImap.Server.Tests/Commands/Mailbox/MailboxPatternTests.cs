using AkkaImap.Server.Commands;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Mailbox;

/// <summary>LIST patterns (RFC 9051 §6.3.9) and mailbox name checks, without a session.</summary>
public sealed class MailboxPatternTests
{
    [Theory]
    [InlineData("", "*", "Work/Projects", true)]
    [InlineData("", "%", "Work/Projects", false)]
    [InlineData("", "%", "Work", true)]
    [InlineData("", "Work/%", "Work/Projects", true)]
    [InlineData("", "Work/%", "Work/Projects/Alpha", false)]
    [InlineData("Work/", "%", "Work/Projects", true)]
    [InlineData("Work/", "*", "Work/Projects/Alpha", true)]
    [InlineData("Work/", "/Work", "Work", false)]
    [InlineData("Work/", "/%", "Work/Projects", true)]
    [InlineData("Work", "/%", "Work/Projects", true)]
    [InlineData("", "/%", "Work", false)]
    [InlineData("", "W%s", "Work/Projects", false)]
    [InlineData("", "W*s", "Work/Projects", true)]
    [InlineData("", "%/%/Alpha", "Work/Projects/Alpha", true)]
    [InlineData("", "inbox", "INBOX", true)]
    [InlineData("", "In*", "INBOX/Sub", true)]
    [InlineData("", "inbox/sub", "INBOX/Sub", false)]
    [InlineData("", "work", "Work", false)]
    [InlineData("", "Entw&APw-rfe", "Entwürfe", true)]
    [InlineData("", "&Jjo", "&Jjo", false)]
    public void Patterns_match_as_rfc_9051_says(string reference, string pattern, string name, bool expected) =>
        Assert.Equal(expected, MailboxPattern.Create(reference, pattern, utf8: false).Matches(name));

    [Fact]
    public void Many_wildcards_do_not_take_exponential_time()
    {
        var pattern = MailboxPattern.Create("", string.Concat(Enumerable.Repeat("*a%", 300)) + "b", utf8: false);
        Assert.False(pattern.Matches(new string('a', 1000)));
    }

    [Theory]
    [InlineData("inbox", "INBOX")]
    [InlineData("Inbox/Sub", "INBOX/Sub")]
    [InlineData("Inboxes", "Inboxes")]
    [InlineData("Entw&APw-rfe", "Entwürfe")]
    public void Names_are_decoded_and_inbox_normalised(string wire, string stored)
    {
        Assert.True(MailboxNames.TryParse(wire, utf8: false, newName: false, out var name, out _));
        Assert.Equal(stored, name);
    }

    [Theory]
    [InlineData("Work/", "Work")]
    [InlineData("a*b", null)]
    [InlineData("Work//", null)]
    public void New_names_may_end_with_one_delimiter_but_hold_no_wildcards(string wire, string? stored)
    {
        Assert.Equal(stored is not null, MailboxNames.TryParse(wire, utf8: false, newName: true, out var name, out _));
        if (stored is not null)
        {
            Assert.Equal(stored, name);
        }
    }

    [Fact]
    public void Utf8_names_are_taken_as_sent_once_enabled()
    {
        Assert.True(MailboxNames.TryParse("Entwürfe", utf8: true, newName: true, out var name, out _));
        Assert.Equal("Entwürfe", name);
        Assert.False(MailboxNames.TryParse("Entwürfe", utf8: false, newName: true, out _, out _));
    }
}
