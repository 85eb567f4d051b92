using System.Buffers;
using AkkaImap.Protocol.Model;
using AkkaImap.Protocol.Writing;
using Xunit;

namespace AkkaImap.Protocol.Tests.Writing;

public sealed class AllocationTests
{
    [Fact]
    public void Fetch_flags_for_100000_messages_allocates_nothing_per_message()
    {
        var buffer = new ArrayBufferWriter<byte>(8 * 1024 * 1024);
        var writer = new ImapWriter(buffer);
        string[] keywords = ["$Forwarded", "Junk"];
        WriteOne(writer, 1, keywords); // JIT and statics first
        buffer.ResetWrittenCount();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1u; i <= 100_000; i++)
        {
            WriteOne(writer, i, keywords);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 16 * 1024, $"allocated {allocated} bytes");
        Assert.EndsWith("* 100000 FETCH (UID 200000 FLAGS (\\Seen $Forwarded Junk))\r\n",
            System.Text.Encoding.ASCII.GetString(buffer.WrittenSpan[^60..]));
    }

    [Fact]
    public void A_large_body_is_copied_in_chunks_not_one_huge_segment()
    {
        var body = new byte[5 * 1024 * 1024 + 7];
        new Random(7).NextBytes(body);
        var output = new SegmentedWriter(segmentSize: 4096);

        var writer = new ImapWriter(output);
        FetchWriter.Begin(writer, 1);
        FetchWriter.BeginBodySection(writer, "", null, body.Length);
        writer.WriteRaw(body);
        FetchWriter.End(writer);

        var written = output.Written.ToArray();
        var header = "* 1 FETCH (BODY[] {5242887}\r\n"u8;
        Assert.True(written.AsSpan().StartsWith(header));
        Assert.True(written.AsSpan(header.Length, body.Length).SequenceEqual(body));
        Assert.True(written.AsSpan().EndsWith(")\r\n"u8));
        Assert.True(output.LargestHint <= 64 * 1024, $"asked for {output.LargestHint} bytes at once");
    }

    /// <summary>Hands out small spans, like a pipe's segments, and records the largest request.</summary>
    private sealed class SegmentedWriter(int segmentSize) : IBufferWriter<byte>
    {
        private byte[] _current = [];
        public MemoryStream Written { get; } = new();
        public int LargestHint { get; private set; }

        public void Advance(int count) => Written.Write(_current, 0, count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            LargestHint = Math.Max(LargestHint, sizeHint);
            _current = new byte[Math.Max(sizeHint, segmentSize)];
            return _current;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    private static void WriteOne(ImapWriter writer, uint sequence, string[] keywords)
    {
        FetchWriter.Begin(writer, sequence);
        FetchWriter.WriteUid(writer, sequence * 2);
        FetchWriter.WriteFlags(writer, SystemFlags.Seen, keywords);
        FetchWriter.End(writer);
    }
}
