using System.Text;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Names;
using AkkaImap.Protocol.Parsing;
using AkkaImap.Protocol.Receiving;

namespace AkkaImap.Fuzz;

/// <summary>
/// What the fuzzer runs on every input, and what the regression tests replay: the bytes a client
/// could send, through <see cref="CommandReceiver"/> and <see cref="CommandParser"/> as a session
/// drives them. An exception escaping <see cref="Run"/> is a finding. Besides "never throws on
/// client input" it checks two promises the receiver makes: the events are the same however the
/// bytes are chunked, and what it buffers stays within its caps.
/// </summary>
/// <remarks>
/// The first input byte chooses the chunk size for the second pass (1 to 16 bytes); the rest is
/// the client's stream. The caps are small so that inputs of a few kilobytes reach them.
/// </remarks>
public static class ProtocolFuzzTarget
{
    public static readonly ReceiverLimits Limits = new(MaxLine: 512, MaxLiteral: 2048);

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        int chunk = 1 + (input[0] & 0x0f);
        var stream = input[1..];
        var whole = Feed(stream, Math.Max(1, stream.Length));
        var chunked = Feed(stream, chunk);
        if (whole.Count != chunked.Count || !whole.SequenceEqual(chunked))
        {
            throw new FuzzFinding(
                $"events differ when fed in chunks of {chunk}:\nwhole:   {string.Join(" | ", whole)}\nchunked: {string.Join(" | ", chunked)}");
        }
    }

    /// <summary>Feeds <paramref name="stream"/> in pieces of <paramref name="chunk"/> bytes and describes every event.</summary>
    private static List<string> Feed(ReadOnlySpan<byte> stream, int chunk)
    {
        var receiver = new CommandReceiver(Limits);
        var events = new List<string>();
        // As the session: after IDLE, or AUTHENTICATE without an initial response, the next
        // line is read raw (RFC 9051 §6.3.13, §6.2.2).
        bool lineWanted = false;
        for (int offset = 0; offset < stream.Length; offset += chunk)
        {
            var piece = stream.Slice(offset, Math.Min(chunk, stream.Length - offset));
            receiver.Append(piece);
            while (true)
            {
                var e = lineWanted ? receiver.NextLine() : receiver.Next();
                CheckBuffered(receiver, piece.Length);
                if (e is NeedMoreData) break;
                events.Add(Describe(e, ref lineWanted));
            }
        }

        return events;
    }

    private static string Describe(ReceiveEvent e, ref bool lineWanted)
    {
        switch (e)
        {
            case CommandReceived received:
                var result = CommandParser.Parse(received.Command);
                lineWanted = result is ParseResult.Success { Command: IdleCommand or AuthenticateCommand { InitialResponse: null } };
                Interpret(result);
                return "CMD " + Convert.ToHexString(received.Command.Bytes.Span) + " " + Describe(result);
            case LineReceived line:
                lineWanted = false;
                return "LINE " + Convert.ToHexString(line.Line.Span);
            default:
                lineWanted = false;
                return e.ToString();
        }
    }

    private static string Describe(ParseResult result) => result switch
    {
        ParseResult.Failure f => $"FAIL {f.Tag} {f.Kind} {f.Message}",
        ParseResult.Success s => "OK " + s.Command.GetType().Name + " " + s.Command.Tag,
        _ => throw new FuzzFinding("unknown parse result " + result),
    };

    /// <summary>What the server does next with client text it was given: decode mailbox names.</summary>
    private static void Interpret(ParseResult result)
    {
        if (result is not ParseResult.Success { Command: var command }) return;
        foreach (var name in MailboxNames(command))
        {
            MailboxNameEncoding.TryFromWire(name, utf8Enabled: false, out _);
            MailboxNameEncoding.TryFromWire(name, utf8Enabled: true, out _);
            if (ModifiedUtf7.TryDecode(name, out var decoded) && ModifiedUtf7.Encode(decoded) is var again
                && (!ModifiedUtf7.TryDecode(again, out var twice) || twice != decoded))
            {
                throw new FuzzFinding($"modified UTF-7 round trip of \"{name}\" gave \"{again}\"");
            }
        }
    }

    private static IEnumerable<string> MailboxNames(ImapCommand command)
    {
        // Every string-valued property of the command record: names, patterns, references.
        foreach (var property in command.GetType().GetProperties())
        {
            if (property.PropertyType == typeof(string) && property.Name != nameof(ImapCommand.Tag)
                && property.GetValue(command) is string value)
            {
                yield return value;
            }
        }
    }

    /// <summary>
    /// The receiver holds at most one command: its text (line ends included), its literals,
    /// and the piece just appended that it has not looked at yet.
    /// </summary>
    private static void CheckBuffered(CommandReceiver receiver, int pieceLength)
    {
        long bound = 2L * Limits.MaxLine + 4 + Limits.MaxLiteral + pieceLength;
        if (receiver.BufferedBytes > bound)
        {
            throw new FuzzFinding($"the receiver buffers {receiver.BufferedBytes} bytes, above its bound of {bound}");
        }
    }
}

/// <summary>A broken promise found by the fuzz target (as opposed to an exception from the code under test).</summary>
public sealed class FuzzFinding(string message) : Exception(message);
