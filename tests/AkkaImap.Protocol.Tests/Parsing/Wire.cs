using System.Text;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Parsing;
using AkkaImap.Protocol.Receiving;
using Xunit;

namespace AkkaImap.Protocol.Tests.Parsing;

/// <summary>Feeds client text through the receiver (whole and byte by byte) and the parser, as the session will.</summary>
internal static class Wire
{
    public static readonly ReceiverLimits Limits = new(8192, 1_000_000);

    /// <summary>Every event the receiver yields for <paramref name="bytes"/> appended in chunks of <paramref name="chunk"/> bytes.</summary>
    public static List<ReceiveEvent> Events(byte[] bytes, int chunk, ReceiverLimits? limits = null)
    {
        var receiver = new CommandReceiver(limits ?? Limits);
        var events = new List<ReceiveEvent>();
        for (int offset = 0; offset < bytes.Length; offset += chunk)
        {
            receiver.Append(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)));
            while (receiver.Next() is var e && e is not NeedMoreData) events.Add(e);
        }
        return events;
    }

    /// <summary>A comparable rendering of events (command bytes as Latin-1 text).</summary>
    public static string Describe(ReceiveEvent e) => e switch
    {
        CommandReceived c => "CMD:" + Encoding.Latin1.GetString(c.Command.Bytes.Span),
        LineReceived l => "LINE:" + Encoding.Latin1.GetString(l.Line.Span),
        _ => e.ToString(),
    };

    /// <summary>
    /// Receives <paramref name="text"/> whole and byte by byte (both must yield the same
    /// events, ending in exactly one command) and parses that command.
    /// </summary>
    public static ParseResult Receive(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var whole = Events(bytes, bytes.Length);
        var byByte = Events(bytes, 1);
        Assert.Equal(whole.Select(Describe), byByte.Select(Describe));
        var commands = whole.OfType<CommandReceived>().ToList();
        Assert.Single(commands);
        Assert.IsType<CommandReceived>(whole[^1]);
        var result = CommandParser.Parse(commands[0].Command);
        Assert.Equal(Describe(result), Describe(CommandParser.Parse(byByte.OfType<CommandReceived>().Single().Command)));
        return result;
    }

    /// <summary>Receives and parses a command that must succeed, returning it as <typeparamref name="T"/>.</summary>
    public static T Parse<T>(string text) where T : ImapCommand
    {
        var result = Receive(text);
        if (result is ParseResult.Failure f) Assert.Fail($"Expected success for {text.Trim()}, got: {f.Message}");
        return Assert.IsType<T>(((ParseResult.Success)result).Command);
    }

    /// <summary>Receives and parses a command that must fail; returns the failure.</summary>
    public static ParseResult.Failure Fail(string text)
    {
        var result = Receive(text);
        return Assert.IsType<ParseResult.Failure>(result);
    }

    public static string Describe(ParseResult r) => r switch
    {
        ParseResult.Failure f => $"FAIL {f.Tag} {f.Kind} {f.Message}",
        ParseResult.Success s => "OK " + s.Command.GetType().Name + " " + s.Command.Tag,
        _ => "?",
    };
}
