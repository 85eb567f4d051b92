using AkkaImap.Protocol.Responses;
using Xunit;

namespace AkkaImap.Protocol.Tests.Writing;

/// <summary>SEARCH, SORT, ESEARCH and THREAD; examples from RFC 3501, 4731, 5256, 7162, 9051.</summary>
public sealed class SearchResponseTests
{
    [Fact]
    public void Search_lists_numbers_and_may_be_empty()
    {
        Assert.Equal("* SEARCH 2 84 882\r\n", Wire.Of(new SearchResponse([2, 84, 882])));
        Assert.Equal("* SEARCH\r\n", Wire.Of(new SearchResponse([])));
    }

    [Fact]
    public void Search_with_modseq_from_rfc7162()
    {
        Assert.Equal("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n",
            Wire.Of(new SearchResponse([2, 5, 6, 7, 11, 12, 18, 19, 20, 23], 917162500)));
        // No MODSEQ when nothing matched: "(MODSEQ n)" may only follow a non-empty list.
        Assert.Equal("* SEARCH\r\n", Wire.Of(new SearchResponse([], 917162500)));
    }

    [Fact]
    public void Sort_from_rfc5256()
    {
        Assert.Equal("* SORT 2 84 882\r\n", Wire.Of(new SortResponse([2, 84, 882])));
        Assert.Equal("* SORT 5 3 (MODSEQ 12)\r\n", Wire.Of(new SortResponse([5, 3], 12)));
    }

    [Fact]
    public void Esearch_examples()
    {
        Assert.Equal("* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n",
            Wire.Of(new EsearchResponse { Tag = "A282", Min = 2, Count = 3 }));
        Assert.Equal("* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n",
            Wire.Of(new EsearchResponse { Tag = "A283", All = "2,10:11" }));
        Assert.Equal("* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n",
            Wire.Of(new EsearchResponse { Tag = "A285", Uid = true, Min = 7, Max = 3800 }));
        Assert.Equal("* ESEARCH (TAG \"A286\") COUNT 15\r\n",
            Wire.Of(new EsearchResponse { Tag = "A286", Count = 15 }));
        Assert.Equal("* ESEARCH (TAG \"a\") UID ALL 1:3 COUNT 3 MODSEQ 917162500\r\n",
            Wire.Of(new EsearchResponse { Tag = "a", Uid = true, All = "1:3", Count = 3, ModSeq = 917162500 }));
        Assert.Equal("* ESEARCH\r\n", Wire.Of(new EsearchResponse()));
    }

    [Fact]
    public void Thread_from_rfc5256()
    {
        // (2)(3 6 (4 23)(44 7 96)): 3 -> 6 -> {4 -> 23, 44 -> 7 -> 96}
        var threads = new ThreadResponse(
        [
            ThreadNode.Leaf(2),
            new(3, [new(6,
            [
                new(4, [ThreadNode.Leaf(23)]),
                new(44, [new(7, [ThreadNode.Leaf(96)])]),
            ])]),
        ]);

        Assert.Equal("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n", Wire.Of(threads));
    }

    [Fact]
    public void Thread_with_a_dummy_root_and_an_empty_result()
    {
        Assert.Equal("* THREAD ((3)(5))\r\n",
            Wire.Of(new ThreadResponse([new(null, [ThreadNode.Leaf(3), ThreadNode.Leaf(5)])])));
        Assert.Equal("* THREAD\r\n", Wire.Of(new ThreadResponse([])));
    }

    [Fact]
    public void A_very_deep_thread_does_not_overflow_the_stack()
    {
        var node = ThreadNode.Leaf(100_000);
        for (var i = 99_999u; i >= 1; i--)
        {
            node = new ThreadNode(i, [node]);
        }

        var text = Wire.Of(new ThreadResponse([node]));

        Assert.StartsWith("* THREAD (1 2 3 ", text);
        Assert.EndsWith(" 99999 100000)\r\n", text);
    }
}
