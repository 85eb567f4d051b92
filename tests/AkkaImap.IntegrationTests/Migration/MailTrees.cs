using System.Text;

namespace AkkaImap.IntegrationTests.Migration;

/// <summary>
/// Sources to import, written as Dovecot, an mbox writer and MailEnable leave them (LF line ends,
/// as on disk), with the flags, keywords and dates each message must land with.
/// </summary>
public static class MailTrees
{
    /// <summary>One message as it must be read back: folder, subject, flags, keywords, internal date.</summary>
    public sealed record Expected(string Folder, string Subject, MailKit.MessageFlags Flags, string[] Keywords, DateTimeOffset Date);

    public static DateTimeOffset Day(int n) => new DateTimeOffset(2019, 5, 1, 10, 0, 0, TimeSpan.Zero).AddDays(n).AddMinutes(n * 7);

    public static string Message(string subject, string body = "Hello.\n", string? messageId = null) =>
        $"From: Sender <sender@example.org>\nTo: someone@example.com\nSubject: {subject}\n"
        + $"Message-ID: <{messageId ?? subject.Replace(' ', '-')}@example.org>\nDate: Wed, 1 May 2019 10:00:00 +0000\n\n{body}";

    /// <summary>
    /// A Maildir++ tree: INBOX (cur/ and new/), .Lists.Akka (so Lists and Lists/Akka), and
    /// .&amp;AMQ-rger ("Ärger" in modified UTF-7); keywords through dovecot-keywords of each folder;
    /// one file that is not a message, returned as <c>Bad</c>.
    /// </summary>
    public static (List<Expected> Messages, string Bad) WriteMaildir(string root)
    {
        var expected = new List<Expected>();
        void Put(string dir, string sub, string name, string subject, int day, MailKit.MessageFlags flags, params string[] keywords)
        {
            var folder = Path.Combine(root, dir, sub);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, name);
            File.WriteAllText(path, Message(subject, $"Body of {subject}.\nSecond line.\n"));
            File.SetLastWriteTimeUtc(path, Day(day).UtcDateTime);
            var folderName = dir switch { "" => "INBOX", ".Lists.Akka" => "Lists/Akka", _ => "Ärger" };
            expected.Add(new Expected(folderName, subject, flags, keywords, Day(day)));
        }
        foreach (var dir in new[] { "", ".Lists.Akka", ".&AMQ-rger" })
            foreach (var sub in new[] { "cur", "new", "tmp" }) Directory.CreateDirectory(Path.Combine(root, dir, sub));
        File.WriteAllText(Path.Combine(root, "dovecot-keywords"), "0 $Important\n1 Work\n");
        File.WriteAllText(Path.Combine(root, ".Lists.Akka", "dovecot-keywords"), "0 Other\n1 Work\n");
        Put("", "cur", "1556704800.M1P1.host,S=100,W=102:2,S", "Read one", 0, MailKit.MessageFlags.Seen);
        Put("", "cur", "1556704801.M2P1.host,S=100:2,FRSa", "Flagged answered important", 1,
            MailKit.MessageFlags.Flagged | MailKit.MessageFlags.Answered | MailKit.MessageFlags.Seen, "$Important");
        Put("", "cur", "1556704802.M3P1.host:2,DT", "Draft deleted", 2, MailKit.MessageFlags.Draft | MailKit.MessageFlags.Deleted);
        Put("", "new", "1556704803.M4P1.host", "Just arrived", 3, MailKit.MessageFlags.None);
        Put(".Lists.Akka", "cur", "1556704804.M5P1.host,S=1:2,Sb", "List mail work", 4, MailKit.MessageFlags.Seen, "Work");
        Put(".Lists.Akka", "cur", "1556704805.M6P1.host,S=1:2,ab", "List mail both", 5, MailKit.MessageFlags.None, "Other", "Work");
        Put(".&AMQ-rger", "cur", "1556704806.M7P1.host,S=1:2,PS", "Trouble", 6, MailKit.MessageFlags.Seen);
        var bad = Path.Combine(root, ".Lists.Akka", "cur", "1556704807.M8P1.host:2,S");
        File.WriteAllBytes(bad, [0, 1, 2, 3, 0xff]);
        // Deliveries under way are not messages yet.
        File.WriteAllText(Path.Combine(root, "tmp", "1556704808.M9P1.host"), Message("Half delivered"));
        return (expected, bad);
    }

    /// <summary>
    /// An mboxrd file: UW-IMAP's folder data message first (not a message), then three messages with
    /// Status/X-Status/X-Keywords and quoted "From " lines; the dates are those of the From_ lines.
    /// </summary>
    public static List<Expected> WriteMbox(string path, string folder = "INBOX")
    {
        var text = new StringBuilder();
        text.Append("From MAILER-DAEMON Wed May  1 09:00:00 2019\nDate: Wed, 1 May 2019 09:00:00 +0000\nFrom: Mail System Internal Data <MAILER-DAEMON@host>\n"
            + "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nX-IMAP: 1556701200 0000000003\nStatus: RO\n\nThis text is part of the internal format of your mail folder.\n\n");
        text.Append("From sender@example.org Wed May  1 10:00:00 2019\n")
            .Append(Message("Mbox one", "First line.\n>From the start of a line.\n>>From deeper.\nFrom inside a paragraph is fine.\n").Replace("\n\n", "\nStatus: RO\nX-Status: AF\n\n", StringComparison.Ordinal))
            .Append('\n');
        text.Append("From sender@example.org Thu May  2 11:30:00 2019\n")
            .Append(Message("Mbox two").Replace("\n\n", "\nStatus: O\nX-Keywords: Work $Later\n\n", StringComparison.Ordinal))
            .Append('\n');
        text.Append("From sender@example.org Fri May  3 12:45:10 2019\n")
            .Append(Message("Mbox three").Replace("\n\n", "\nX-Status: DT\nX-UID: 3\n\n", StringComparison.Ordinal));
        File.WriteAllText(path, text.ToString());
        return
        [
            new(folder, "Mbox one", MailKit.MessageFlags.Seen | MailKit.MessageFlags.Answered | MailKit.MessageFlags.Flagged, [], new DateTimeOffset(2019, 5, 1, 10, 0, 0, TimeSpan.Zero)),
            new(folder, "Mbox two", MailKit.MessageFlags.None, ["Work", "$Later"], new DateTimeOffset(2019, 5, 2, 11, 30, 0, TimeSpan.Zero)),
            new(folder, "Mbox three", MailKit.MessageFlags.Deleted | MailKit.MessageFlags.Draft, [], new DateTimeOffset(2019, 5, 3, 12, 45, 10, TimeSpan.Zero)),
        ];
    }

    /// <summary>A MailEnable-like tree: messages at the top (INBOX), in "Sent Items" and in "Projects/2024", any extension; one text file that is no message.</summary>
    public static (List<Expected> Messages, string Bad) WriteEmlTree(string root)
    {
        var expected = new List<Expected>();
        void Put(string relative, string folder, string subject, int day)
        {
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Message(subject));
            File.SetLastWriteTimeUtc(path, Day(day).UtcDateTime);
            expected.Add(new Expected(folder, subject, MailKit.MessageFlags.None, [], Day(day)));
        }
        Put("4F2A0001.MAI", "INBOX", "Top one", 10);
        Put("letter.eml", "INBOX", "Top two", 11);
        Put(Path.Combine("Sent Items", "sent.eml"), "Sent Items", "Sent one", 12);
        Put(Path.Combine("Projects", "2024", "plan"), "Projects/2024", "Plan", 13);
        var bad = Path.Combine(root, "Projects", "notes.txt");
        File.WriteAllText(bad, "just some notes, no headers\n");
        return (expected, bad);
    }
}
