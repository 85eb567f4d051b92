using System.Buffers;
using System.Text;
using AkkaImap.Protocol.Model;
using AkkaImap.Protocol.Writing;
using Xunit;
using RequestedItem = AkkaImap.Protocol.Fetch.FetchItem;

namespace AkkaImap.Protocol.Tests.Writing;

/// <summary>The one-span metadata line writes exactly what the token-by-token FetchWriter calls write.</summary>
public sealed class FetchMetadataLineTests
{
    public static TheoryData<RequestedItem[]> ItemLists => new()
    {
        new[] { RequestedItem.Uid, RequestedItem.Flags },
        new[] { RequestedItem.Flags },
        new[] { RequestedItem.Uid },
        new[] { RequestedItem.Flags, RequestedItem.Uid, RequestedItem.ModSeq },
        new[] { RequestedItem.ModSeq, RequestedItem.Flags },
        new[] { RequestedItem.Uid, RequestedItem.Flags, RequestedItem.ModSeq },
    };

    [Theory]
    [MemberData(nameof(ItemLists))]
    public void Every_flag_combination_and_the_largest_numbers_match_the_token_writer(RequestedItem[] items)
    {
        (uint Msn, uint Uid, ulong ModSeq)[] numbers = [(1, 1, 1), (100_000, 4_827_313, 917_162_500), (uint.MaxValue, uint.MaxValue, ulong.MaxValue)];
        for (int bits = 0; bits < 64; bits++)
        {
            foreach (var (msn, uid, modSeq) in numbers)
            {
                var flags = (SystemFlags)bits;
                var expected = Render(w =>
                {
                    FetchWriter.Begin(w, msn);
                    foreach (var item in items)
                    {
                        if (item == RequestedItem.Uid) FetchWriter.WriteUid(w, uid);
                        else if (item == RequestedItem.Flags) FetchWriter.WriteFlags(w, flags);
                        else FetchWriter.WriteModSeq(w, modSeq);
                    }
                    FetchWriter.End(w);
                });
                Assert.Equal(expected, Render(w => FetchWriter.WriteMetadataLine(w, msn, items, uid, flags, modSeq)));
            }
        }
    }

    [Fact]
    public void Lines_follow_each_other_in_one_output()
    {
        Assert.Equal("* 1 FETCH (UID 7 FLAGS (\\Seen \\Recent))\r\n* 2 FETCH (UID 9 FLAGS ())\r\n", Render(w =>
        {
            FetchWriter.WriteMetadataLine(w, 1, [RequestedItem.Uid, RequestedItem.Flags], 7, SystemFlags.Seen | SystemFlags.Recent, 0);
            FetchWriter.WriteMetadataLine(w, 2, [RequestedItem.Uid, RequestedItem.Flags], 9, SystemFlags.None, 0);
        }));
    }

    private static string Render(Action<ImapWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new ImapWriter(buffer));
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }
}
