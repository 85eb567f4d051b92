using System.Text;
using AkkaImap.Protocol.Parsing;
using AkkaImap.Protocol.Receiving;
using AkkaImap.Protocol.Tests.Parsing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AkkaImap.Protocol.Tests.Properties;

/// <summary>
/// Fixed-seed property test over 100,000 random and mutated command streams: the receiver and
/// parser never throw, chunking never changes the events, and the stream always resynchronises.
/// </summary>
public sealed class ReceiverAndParserPropertyTests
{
    private const int Count = 100_000;
    private static readonly ReceiverLimits Limits = new(100, 64);

    private static readonly byte[][] Seeds = new[]
    {
        "a001 LOGIN SMITH SESAME\r\n",
        "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n",
        "a1 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n",
        "A142 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:10 5:15)))\r\n",
        "t1 CREATE MySpecial (USE (\\Drafts \\Sent))\r\n",
        "A03 LIST () \"\" (\"INBOX\" \"Sent/%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n",
        "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n",
        "A003 APPEND saved-messages (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {12}\r\nHello Joe!\r\n (\\Flagged) ~{3+}\r\na\0b\r\n",
        "A282 SEARCH RETURN (MIN COUNT) CHARSET UTF-8 FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\" OR (SEEN UID 1:*) MODSEQ \"/flags/\\\\draft\" all 5\r\n",
        "a SEARCH TEXT {4+}\r\nabcd HEADER X-Y {2}\r\nzz YOUNGER 5 EMAILID M1 $\r\n",
        "A654 FETCH 2:4,* (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (DATE FROM)]<0.100> BINARY[1] PREVIEW (LAZY)) (CHANGEDSINCE 5)\r\n",
        "s UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
        "a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted $Junk)\r\n",
        "A003 UID MOVE 42:69 \"foo bar\"\r\n",
        "a023 ID (\"name\" \"sodr\" \"os\" NIL)\r\n",
        "A283 SORT RETURN (MIN) (SUBJECT REVERSE DATE) UTF-8 ALL\r\n",
        "A284 UID THREAD REFERENCES US-ASCII TEXT \"gewp\"\r\n",
        "S SETQUOTA \"\" (STORAGE 512)\r\n",
        "a IDLE\r\nDONE\r\n",
        "x NOOP\nb CAPABILITY\r\n",
    }.Select(s => Encoding.Latin1.GetBytes(s)).ToArray();

    private static readonly byte[][] Insertions = new[]
    {
        "{5}\r\n", "{99999999999}\r\n", "{3+}\r\n", "~{2}\r\n", "{0}\r\n", "\r", "\n", "\r\n", "\0", "\u00ff", "\u00e9",
        "(", ")", " ", "\"", "\\", "*", "$", ":", ",", "[", "]", "<", ">", "NIL", "UID ",
    }.Select(s => Encoding.Latin1.GetBytes(s)).ToArray();

    /// <summary>One edit: kind, where (a fraction of the length), and what.</summary>
    private readonly record struct Mutation(int Kind, double Where, int Token, byte Value, int Span);

    /// <summary>
    /// An input is drawn as six numbers and built from them: one generator bind per input
    /// keeps sampling 100,000 of them to about a second (composing many small generators
    /// took longer than the test itself). Four in five inputs are mutated examples.
    /// </summary>
    private static Gen<byte[]> Input() =>
        Gen.Choose(0, int.MaxValue).ArrayOf(6).Select(Build);

    private static byte[] Build(int[] r)
    {
        if (r[0] % 5 == 0) return RandomLine(r);
        var edits = Enumerable.Range(2, r[0] / 5 % 4 + 1).Select(i => Decode(r[i]));
        return Apply(Seeds[r[1] % Seeds.Length], edits);
    }

    private static Mutation Decode(int n) => new(
        Kind: n % 5,
        Where: n / 5 % 1000 / 1000.0,
        Token: n / 5000 % 32 % Insertions.Length,
        Value: (byte)(n / 160_000 % 256),
        Span: n / 40_960_000 % 8 + 1);

    /// <summary>Up to 120 bytes of protocol-ish characters (xorshift from the drawn numbers), then a line end or not.</summary>
    private static byte[] RandomLine(int[] r)
    {
        int length = r[1] % 121;
        ulong state = ((ulong)(uint)r[2] << 32 | (uint)r[3]) | 1;
        var bytes = new List<byte>(length + 2);
        for (int i = 0; i < length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.Add(Alphabet[(int)(state % (ulong)Alphabet.Length)]);
        }
        bytes.AddRange(Encoding.ASCII.GetBytes(LineEnds[r[4] % LineEnds.Length]));
        return [.. bytes];
    }

    private static readonly string[] LineEnds = ["\r\n", "\n", "", "\r"];

    private static readonly byte[] Alphabet = Encoding.Latin1.GetBytes("aA1 ()[]{}<>\"\\*%$:,.+-~\r\n\0\u00ffSEARCHFETCHUIDLOGINBODY.PEEK");

    private static byte[] Apply(byte[] seed, IEnumerable<Mutation> edits)
    {
        var bytes = new List<byte>(seed);
        foreach (var edit in edits)
        {
            int at = (int)(edit.Where * bytes.Count);
            switch (edit.Kind)
            {
                case 0 when bytes.Count > 0: bytes[Math.Min(at, bytes.Count - 1)] = edit.Value; break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                case 2: bytes.InsertRange(at, Insertions[edit.Token]); break;
                case 3: bytes.RemoveRange(at, Math.Min(edit.Span, bytes.Count - at)); break;
                default: bytes.Insert(at, edit.Value); break;
            }
        }
        return [.. bytes];
    }

    /// <summary>
    /// Ends any literal still expected (at most MaxLiteral bytes), then any line; an over-long
    /// line; then a NOOP that must come out as a command whatever preceded it.
    /// </summary>
    private static readonly byte[] Flush =
        Encoding.ASCII.GetBytes(new string('x', 70) + "\r\n" + new string('y', 110) + "\r\nzz NOOP\r\n");

    [Fact]
    public void Random_and_mutated_streams_never_throw_and_chunking_never_changes_the_result()
    {
        var gen = Input();
        // Sample(count, seed, size) from a fixed seed: the same inputs on every run.
        var inputs = gen.Sample(Count, new Rnd(20261127UL), 10);
        Assert.Equal(Count, inputs.Length);
        int commands = 0, failures = 0, limits = 0;
        foreach (var input in inputs)
        {
            var whole = Receive(input, wholeInput: true);
            var byByte = Receive(input, wholeInput: false);
            Assert.Equal(whole.Where(e => !e.StartsWith("PARSE ", StringComparison.Ordinal)), byByte);
            // The flush always brings the stream back in sync: the last event is the NOOP.
            Assert.Equal("CMD:zz NOOP\r\n", whole[^2]);
            Assert.Equal("PARSE OK NoopCommand zz", whole[^1]);
            commands += whole.Count(e => e.StartsWith("CMD:", StringComparison.Ordinal));
            limits += whole.Count(e => e.StartsWith("LimitExceeded", StringComparison.Ordinal));

            // The parser also copes with arbitrary bytes handed to it directly.
            var direct = CommandParser.Parse(input);
            if (direct is ParseResult.Failure f)
            {
                Assert.False(string.IsNullOrEmpty(f.Message));
                failures++;
            }
        }
        // The generator must reach both outcomes often, or the property proves little.
        Assert.True(failures > Count / 10, $"only {failures} failures");
        Assert.True(Count - failures > Count / 50, $"only {Count - failures} successes");
        Assert.True(limits > Count / 100, $"only {limits} limit events");
        Assert.True(commands > Count, $"only {commands} commands");
    }

    /// <summary>Feeds the input whole or byte by byte, then the flush whole; parses every command.</summary>
    private static List<string> Receive(byte[] input, bool wholeInput)
    {
        var receiver = new CommandReceiver(Limits);
        var events = new List<string>();
        void Drain()
        {
            while (receiver.Next() is var e && e is not NeedMoreData)
            {
                events.Add(Wire.Describe(e));
                // Parsing is deterministic, so one of the two runs is enough to exercise it.
                if (e is CommandReceived c && wholeInput)
                {
                    var result = CommandParser.Parse(c.Command);
                    events.Add("PARSE " + Wire.Describe(result));
                }
            }
        }
        if (wholeInput)
        {
            receiver.Append(input);
            Drain();
        }
        else
        {
            for (int i = 0; i < input.Length; i++)
            {
                receiver.Append(input.AsSpan(i, 1));
                Drain();
            }
        }
        receiver.Append(Flush);
        Drain();
        return events;
    }
}
