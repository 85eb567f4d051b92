namespace AkkaImap.Protocol.Commands;

/// <summary>
/// A parsed client command. Mailbox names are the strings as sent (UTF-8 decoded, modified
/// UTF-7 not yet decoded, INBOX not yet normalised): the server interprets them.
/// </summary>
public abstract record ImapCommand(string Tag);
