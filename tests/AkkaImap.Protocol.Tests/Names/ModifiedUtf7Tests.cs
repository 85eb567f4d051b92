using AkkaImap.Protocol.Names;
using Xunit;

namespace AkkaImap.Protocol.Tests.Names;

/// <summary>Modified UTF-7 (RFC 3501 §5.1.3), with the RFC's own examples.</summary>
public sealed class ModifiedUtf7Tests
{
    [Theory]
    [InlineData("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    [InlineData("&", "&-")]
    [InlineData("Tom & Jerry", "Tom &- Jerry")]
    [InlineData("INBOX", "INBOX")]
    [InlineData("", "")]
    [InlineData("Entw\u00fcrfe", "Entw&APw-rfe")]
    [InlineData("\u53f0\u5317\u65e5\u672c\u8a9e", "&U,BTF2XlZyyKng-")]
    [InlineData("\ud83d\ude00", "&2D3eAA-")]
    [InlineData("a\u0001b", "a&AAE-b")]
    [InlineData("\u263a!", "&Jjo-!")]
    public void Encodes_and_decodes_the_canonical_form(string name, string wire)
    {
        Assert.Equal(wire, ModifiedUtf7.Encode(name));
        Assert.True(ModifiedUtf7.TryDecode(wire, out var decoded));
        Assert.Equal(name, decoded);
    }

    [Theory]
    [InlineData("&Jjo!", "no shift back before '!'")]
    [InlineData("&U,BTFw-&ZeVnLIqe-", "superfluous shift between two encoded runs")]
    [InlineData("&", "unterminated shift")]
    [InlineData("abc&ZeVnLIqe", "unterminated shift at the end")]
    [InlineData("&AGE-", "printable ASCII 'a' encoded")]
    [InlineData("&ACY-", "'&' encoded instead of '&-'")]
    [InlineData("&Ze,nLA=-", "'=' is not modified base64")]
    [InlineData("&Ze/nLA-", "'/' is replaced by ',' in modified base64")]
    [InlineData("&Z-", "six bits, not a whole UTF-16 unit")]
    [InlineData("&ZeVnLB-", "non-zero padding bits")]
    [InlineData("&ZeVnLIqeAA-", "a whole zero sextet of padding is not shortest")]
    [InlineData("&2D0-", "unpaired high surrogate")]
    [InlineData("&3gDYPQ-", "low surrogate before high")]
    [InlineData("caf\u00e9", "raw 8-bit character")]
    [InlineData("tab\there", "raw control character")]
    [InlineData("&&-", "'&' inside base64")]
    public void Rejects_invalid_or_non_canonical_input(string wire, string why)
    {
        Assert.False(ModifiedUtf7.TryDecode(wire, out _), why);
    }

    [Fact]
    public void Random_names_round_trip()
    {
        var random = new Random(3501);
        char[] pool = ['a', 'Z', '&', '-', '/', ' ', '~', '\u00e9', '\u65e5', '\u0001', '\u007f', '+', ','];
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 12)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = pool[random.Next(pool.Length)];
            }
            var name = new string(chars);
            if (random.Next(4) == 0)
            {
                name += "\ud83d\ude00";
            }

            var wire = ModifiedUtf7.Encode(name);

            Assert.True(ModifiedUtf7.TryDecode(wire, out var decoded), wire);
            Assert.Equal(name, decoded);
        }
    }

    [Fact]
    public void Wire_names_follow_the_session()
    {
        Assert.Equal("Entw&APw-rfe", MailboxNameEncoding.ToWire("Entw\u00fcrfe", utf8Enabled: false));
        Assert.Equal("Entw\u00fcrfe", MailboxNameEncoding.ToWire("Entw\u00fcrfe", utf8Enabled: true));

        Assert.True(MailboxNameEncoding.TryFromWire("Entw&APw-rfe", utf8Enabled: false, out var rev1));
        Assert.Equal("Entw\u00fcrfe", rev1);
        // A UTF-8 session's names are taken as sent: "&" is just a character there.
        Assert.True(MailboxNameEncoding.TryFromWire("Entw&APw-rfe", utf8Enabled: true, out var utf8));
        Assert.Equal("Entw&APw-rfe", utf8);
        Assert.False(MailboxNameEncoding.TryFromWire("caf\u00e9", utf8Enabled: false, out _));
        Assert.False(MailboxNameEncoding.TryFromWire("a\rb", utf8Enabled: true, out _));
        Assert.False(MailboxNameEncoding.TryFromWire("a\u0085b", utf8Enabled: true, out _));
        Assert.False(MailboxNameEncoding.TryFromWire("a&AAE-b", utf8Enabled: false, out _));
    }
}
