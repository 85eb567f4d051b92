using AkkaImap.Protocol.Search;
using Xunit;

namespace AkkaImap.Protocol.Tests.Search;

/// <summary>Base-subject extraction and i;ascii-casemap (RFC 5256 §2.1, RFC 4790 §9.2).</summary>
public sealed class BaseSubjectTests
{
    [Theory]
    [InlineData("Lunch plans", "Lunch plans", false)]
    [InlineData("Re: Lunch plans", "Lunch plans", true)]
    [InlineData("RE:  Re:re: Lunch   plans", "Lunch plans", true)]
    [InlineData("Fwd: Lunch plans", "Lunch plans", true)]
    [InlineData("fw: Lunch plans", "Lunch plans", true)]
    [InlineData("Re[2]: Lunch plans", "Lunch plans", true)]
    [InlineData("[list] Re: Fwd: Budget (fwd)", "Budget", true)]
    [InlineData("Budget (fwd) (FWD)  ", "Budget", true)]
    [InlineData("[fwd: Re: Budget]", "Budget", true)]
    [InlineData("[list] Budget", "Budget", false)]
    // Step (4): a blob that would leave nothing is the subject itself.
    [InlineData("[list]", "[list]", false)]
    [InlineData("\tRe:\r\n Lunch", "Lunch", true)]
    [InlineData("Regarding lunch", "Regarding lunch", false)]
    [InlineData("", "", false)]
    public void Markers_of_replies_and_forwards_are_removed(string subject, string expected, bool reply)
    {
        Assert.Equal(expected, BaseSubject.Extract(subject, out bool isReply));
        Assert.Equal(reply, isReply);
    }

    [Fact]
    public void Ascii_casemap_folds_only_ascii_letters()
    {
        Assert.Equal(0, BaseSubject.CompareAsciiCasemap("Lunch Plans", "lunch plans"));
        Assert.True(BaseSubject.CompareAsciiCasemap("apple", "Banana") < 0);
        // Non-ASCII is compared by code point, not folded: É (U+00C9) and é (U+00E9) differ.
        Assert.True(BaseSubject.CompareAsciiCasemap("\u00c9t\u00e9", "\u00e9t\u00e9") < 0);
        Assert.True(BaseSubject.CompareAsciiCasemap("z", "\u00e9") < 0);
        Assert.True(BaseSubject.CompareAsciiCasemap("ab", "abc") < 0);
    }
}
