namespace AkkaImap.Protocol.Names;

/// <summary>
/// How a mailbox name travels for a session. Names are stored as Unicode. IMAP4rev1 clients
/// see and send modified UTF-7 (RFC 3501 §5.1.3); once UTF8=ACCEPT or IMAP4rev2 is enabled
/// names are raw UTF-8 and are not mUTF-7 decoded (RFC 6855 §3, RFC 9051 §5.1).
/// </summary>
public static class MailboxNameEncoding
{
    /// <summary>The name as it is written on the wire (before astring quoting).</summary>
    public static string ToWire(string name, bool utf8Enabled) =>
        utf8Enabled ? name : ModifiedUtf7.Encode(name);

    /// <summary>
    /// The stored name for a name the client sent. False (answer NO) when a rev1 client sends
    /// a name that is not canonical modified UTF-7, or when the name holds control characters
    /// in either mode: Net-Unicode (RFC 5198 §2, required by RFC 9051 §5.1) excludes C0 and C1
    /// controls, so a name like "&amp;AAE-" decodes but is refused here.
    /// </summary>
    public static bool TryFromWire(string wire, bool utf8Enabled, out string name)
    {
        if (!utf8Enabled)
        {
            if (!ModifiedUtf7.TryDecode(wire, out name))
            {
                return false;
            }
        }
        else
        {
            name = wire;
        }
        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }
        return true;
    }
}
