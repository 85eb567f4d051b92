namespace AkkaImap.Storage.Migration;

/// <summary>
/// One message found in a source (a Maildir++ file, an mbox entry, an RFC 822 file), not read yet:
/// <see cref="Load"/> reads it. <see cref="Where"/> names it for the operator (a path, or an mbox
/// file with its line number) when it is bad.
/// </summary>
/// <param name="Folder">The target folder, '/'-separated ("INBOX" for the top).</param>
/// <param name="Units">How much of the source's <see cref="IMailSource.TotalUnits"/> it accounts for (1 a file; bytes in an mbox).</param>
public sealed record SourceMessage(string Folder, string Where, long Units, Func<LoadedMessage> Load);

/// <summary>A message as it will be stored: normalised bytes, flags, keywords and the internal date (whole seconds).</summary>
public sealed record LoadedMessage(byte[] Content, MessageFlags Flags, IReadOnlyList<string> Keywords, DateTimeOffset InternalDate);

/// <summary>A message that cannot be imported (not RFC 822, unreadable); the text says why.</summary>
public sealed class BadMessageException(string reason) : Exception(reason);

/// <summary>
/// A tree of mail to import: its messages in folder order (every message of one folder before the
/// next folder's), and the size of the whole for a progress bar.
/// </summary>
public interface IMailSource
{
    /// <summary>What <see cref="SourceMessage.Units"/> count: "messages" or "bytes".</summary>
    string UnitName { get; }

    long TotalUnits { get; }

    /// <summary>Folders to create even when they hold no message (a Maildir++ folder that is empty).</summary>
    IReadOnlyList<string> Folders { get; }

    IEnumerable<SourceMessage> Messages();
}
