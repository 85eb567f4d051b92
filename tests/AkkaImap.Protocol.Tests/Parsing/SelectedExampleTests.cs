using System.Text;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Fetch;
using AkkaImap.Protocol.Search;
using Xunit;
using static AkkaImap.Protocol.Tests.Parsing.Wire;

namespace AkkaImap.Protocol.Tests.Parsing;

/// <summary>Examples of RFC 9051 §6.4 and RFC 3501 §6.4, with RFC 4315, 4731, 5182, 6851, 7162, 5256, 3516, 8970, 8474, 5032, 8514.</summary>
public sealed class SelectedExampleTests
{
    [Fact]
    public void Check_close_unselect_expunge() // RFC 9051 §6.4.1-§6.4.3
    {
        Parse<CheckCommand>("FXXZ CHECK\r\n");
        Parse<CloseCommand>("A341 CLOSE\r\n");
        Parse<UnselectCommand>("A342 UNSELECT\r\n");
        Parse<ExpungeCommand>("A202 EXPUNGE\r\n");
    }

    [Fact]
    public void Uid_expunge() // RFC 4315 §2.1
    {
        Assert.Equal("3000:3002", Parse<UidExpungeCommand>("A003 UID EXPUNGE 3000:3002\r\n").Uids.ToString());
    }

    [Fact]
    public void Search_rfc3501_examples() // RFC 3501 §6.4.4
    {
        var a282 = Parse<SearchCommand>("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
        Assert.Equal(
            new AndKey([
                new FlagKey("\\Flagged", true),
                new DateKey(DateField.Internal, DateComparison.Since, new DateOnly(1994, 2, 1)),
                new NotKey(new HeaderKey("From", "Smith"))]),
            a282.Criteria);
        Assert.Null(a282.Return);
        Assert.Equal(new TextKey(TextScope.Text, "string not in mailbox"), Parse<SearchCommand>("A283 SEARCH TEXT \"string not in mailbox\"\r\n").Criteria);
    }

    [Fact]
    public void Search_with_charset_and_literal() // RFC 9051 §6.4.4
    {
        var search = Parse<SearchCommand>("A284 SEARCH CHARSET UTF-8 TEXT {12}\r\nПривет\r\n");
        Assert.Equal("UTF-8", search.Charset);
        Assert.Equal(new TextKey(TextScope.Text, "Привет"), search.Criteria);
    }

    [Fact]
    public void Search_return_options() // RFC 4731 §3.1, RFC 9051 §6.4.4
    {
        Assert.Equal(SearchReturnOptions.Min | SearchReturnOptions.Count,
            Parse<SearchCommand>("A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n").Return);
        Assert.Equal(SearchReturnOptions.All,
            Parse<SearchCommand>("A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n").Return);
        Assert.Equal(SearchReturnOptions.Max | SearchReturnOptions.All,
            Parse<SearchCommand>("a UID SEARCH RETURN (MAX ALL) 1:*\r\n").Return);
    }

    [Fact]
    public void Searchres_save_and_dollar() // RFC 5182 §2.4
    {
        var save = Parse<SearchCommand>("A282 SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
        Assert.Equal(SearchReturnOptions.Save, save.Return);
        var dollar = Parse<SearchCommand>("A300 UID SEARCH UID $ SMALLER 4096\r\n");
        Assert.Equal(new AndKey([new SequenceKey(Sequences.SequenceSet.Saved, true), new SizeKey(false, 4096)]), dollar.Criteria);
        Assert.True(Parse<FetchCommand>("A283 FETCH $ (UID INTERNALDATE FLAGS RFC822.HEADER)\r\n").Set.IsSaved);
        Assert.True(Parse<CopyCommand>("A284 UID COPY $ \"Other Messages\"\r\n").Set.IsSaved);
    }

    [Fact]
    public void Search_or_and_parenthesised_lists()
    {
        var search = Parse<SearchCommand>("a SEARCH OR (SEEN FLAGGED) NOT (DELETED) 2:4,*\r\n");
        Assert.Equal(
            new AndKey([
                new OrKey(new AndKey([new FlagKey("\\Seen", true), new FlagKey("\\Flagged", true)]), new NotKey(new FlagKey("\\Deleted", true))),
                new SequenceKey(Assert.IsType<SequenceKey>(((AndKey)search.Criteria).Keys[1]).Set, false)]),
            search.Criteria);
        Assert.Equal("2:4,*", ((SequenceKey)((AndKey)search.Criteria).Keys[1]).Set.ToString());
    }

    [Fact]
    public void Search_every_rfc3501_key()
    {
        var search = Parse<SearchCommand>(
            "a SEARCH ALL ANSWERED BCC b BEFORE 1-Feb-1994 BODY x CC c DELETED DRAFT FLAGGED FROM f HEADER X-Spam yes KEYWORD $Junk " +
            "LARGER 10 NEW NOT SEEN OLD ON \"2-Mar-2001\" OR RECENT SEEN SENTBEFORE 1-Jan-2000 SENTON 1-jan-2000 SENTSINCE 1-JAN-2000 " +
            "SINCE 1-Feb-1994 SMALLER 100 SUBJECT s TEXT t TO u UID 1:5 UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD $Junk UNSEEN 1\r\n");
        var keys = Assert.IsType<AndKey>(search.Criteria).Keys;
        Assert.Equal(34, keys.Count);
        Assert.Contains(new HeaderKey("X-Spam", "yes"), keys);
        Assert.Contains(new FlagKey("$Junk", false), keys);
        Assert.Contains(new AndKey([new FlagKey("\\Recent", true), new FlagKey("\\Seen", false)]), keys);
        Assert.Contains(new DateKey(DateField.Sent, DateComparison.On, new DateOnly(2000, 1, 1)), keys);
    }

    [Fact]
    public void Search_modseq() // RFC 7162 §3.1.5
    {
        var a = Parse<SearchCommand>("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n");
        Assert.Equal(new ModSeqKey(620162338, "/flags/\\draft", "all"), a.Criteria);
        var t = Parse<SearchCommand>("t SEARCH OR NOT MODSEQ 720162338 LARGER 50000\r\n");
        Assert.Equal(new OrKey(new NotKey(new ModSeqKey(720162338, null, null)), new SizeKey(true, 50000)), t.Criteria);
    }

    [Fact]
    public void Search_within_savedate_objectid() // RFC 5032 §3, RFC 8514 §4.2, RFC 8474 §6
    {
        Assert.Equal(new AndKey([new FlagKey("\\Seen", false), new WithinKey(false, 259200)]),
            Parse<SearchCommand>("a1 SEARCH UNSEEN YOUNGER 259200\r\n").Criteria);
        Assert.Equal(new WithinKey(true, 60), Parse<SearchCommand>("a SEARCH OLDER 60\r\n").Criteria);
        Assert.Equal(new DateKey(DateField.Saved, DateComparison.Before, new DateOnly(2019, 2, 1)),
            Parse<SearchCommand>("a SEARCH SAVEDBEFORE 1-Feb-2019\r\n").Criteria);
        Assert.Equal(SaveDateSupportedKey.Instance, Parse<SearchCommand>("a SEARCH SAVEDATESUPPORTED\r\n").Criteria);
        Assert.Equal(new ObjectIdKey(ObjectIdKind.Email, "M6d99ac3275bb4e"), Parse<SearchCommand>("27 SEARCH EMAILID M6d99ac3275bb4e\r\n").Criteria);
        Assert.Equal(new ObjectIdKey(ObjectIdKind.Thread, "T64b478a75b7ea9"), Parse<SearchCommand>("28 UID SEARCH THREADID T64b478a75b7ea9\r\n").Criteria);
    }

    [Fact]
    public void Fetch_header_fields() // RFC 9051 §6.4.5
    {
        var fetch = Parse<FetchCommand>("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n");
        Assert.Equal("2:4", fetch.Set.ToString());
        Assert.Equal(new SimpleAttribute(FetchItem.Flags), fetch.Attributes[0]);
        var body = Assert.IsType<BodySectionAttribute>(fetch.Attributes[1]);
        Assert.Equal((SectionText.HeaderFields, false, (Partial?)null), (body.Section.Text, body.Peek, body.Partial));
        Assert.Equal(["DATE", "FROM"], body.Section.Fields);
        Assert.Empty(body.Section.Part);
    }

    [Fact]
    public void Fetch_macros_expand() // RFC 9051 §6.4.5
    {
        Assert.Equal(4, Parse<FetchCommand>("a FETCH 1 ALL\r\n").Attributes.Count);
        Assert.Equal(3, Parse<FetchCommand>("a FETCH 1 FAST\r\n").Attributes.Count);
        Assert.Contains(new SimpleAttribute(FetchItem.Body), Parse<FetchCommand>("a FETCH 1 full\r\n").Attributes);
        Assert.Equal([new SimpleAttribute(FetchItem.Flags)], Parse<FetchCommand>("A999 UID FETCH 4827313:4828442 FLAGS\r\n").Attributes);
    }

    [Fact]
    public void Fetch_sections_and_partials()
    {
        var fetch = Parse<FetchCommand>(
            "a FETCH 1 (BODY[] BODY.PEEK[1.2.3.MIME]<0.2048> BODY[4.2.HEADER.FIELDS.NOT (Received X-Spam)] BODY[TEXT] BODY[3] BODY[HEADER] RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY BODYSTRUCTURE ENVELOPE INTERNALDATE UID)\r\n");
        var a = fetch.Attributes;
        Assert.Equal(15, a.Count);
        var whole = Assert.IsType<BodySectionAttribute>(a[0]);
        Assert.Equal(SectionText.All, whole.Section.Text);
        var mime = Assert.IsType<BodySectionAttribute>(a[1]);
        Assert.Equal([1, 2, 3], mime.Section.Part);
        Assert.Equal((SectionText.Mime, true, new Partial(0, 2048)), (mime.Section.Text, mime.Peek, mime.Partial));
        var not = Assert.IsType<BodySectionAttribute>(a[2]);
        Assert.Equal((SectionText.HeaderFieldsNot, 2), (not.Section.Text, not.Section.Part.Length));
        Assert.Equal(["Received", "X-Spam"], not.Section.Fields);
        Assert.Equal([3], Assert.IsType<BodySectionAttribute>(a[4]).Section.Part);
    }

    [Fact]
    public void Fetch_condstore_and_qresync_modifiers() // RFC 7162 §3.1.4.2, §3.2.6
    {
        var s100 = Parse<FetchCommand>("s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n");
        Assert.Equal((12345ul, false), (s100.ChangedSince!.Value, s100.Vanished));
        var vanished = Parse<FetchCommand>("A03 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
        Assert.True(vanished.Vanished);
        Assert.Contains(new SimpleAttribute(FetchItem.ModSeq), Parse<FetchCommand>("a FETCH 1:* (FLAGS MODSEQ)\r\n").Attributes);
    }

    [Fact]
    public void Fetch_binary() // RFC 3516 §4.2
    {
        var fetch = Parse<FetchCommand>("t FETCH 1 (BINARY[1]<0.100> BINARY.PEEK[1.2] BINARY.SIZE[1] BINARY[])\r\n");
        Assert.Equal([1], Assert.IsType<BinaryAttribute>(fetch.Attributes[0]).Part);
        Assert.Equal(new Partial(0, 100), ((BinaryAttribute)fetch.Attributes[0]).Partial);
        Assert.True(((BinaryAttribute)fetch.Attributes[1]).Peek);
        Assert.Equal([1], Assert.IsType<BinarySizeAttribute>(fetch.Attributes[2]).Part);
        Assert.Empty(((BinaryAttribute)fetch.Attributes[3]).Part);
    }

    [Fact]
    public void Fetch_preview_savedate_objectid() // RFC 8970 §3.1, RFC 8514, RFC 8474 §5
    {
        Assert.Equal([new PreviewAttribute(false)], Parse<FetchCommand>("D1 FETCH 1 (PREVIEW)\r\n").Attributes);
        Assert.Equal([new PreviewAttribute(true)], Parse<FetchCommand>("E1 FETCH 1:4 (PREVIEW (LAZY))\r\n").Attributes);
        Assert.Equal([new SimpleAttribute(FetchItem.EmailId), new SimpleAttribute(FetchItem.ThreadId), new SimpleAttribute(FetchItem.SaveDate)],
            Parse<FetchCommand>("3 FETCH 1:* (EMAILID THREADID SAVEDATE)\r\n").Attributes);
    }

    [Fact]
    public void Store() // RFC 9051 §6.4.6
    {
        var store = Parse<StoreCommand>("A003 STORE 2:4 +FLAGS (\\Deleted)\r\n");
        Assert.Equal((StoreMode.Add, false, (ulong?)null), (store.Mode, store.Silent, store.UnchangedSince));
        Assert.Equal(["\\Deleted"], store.Flags);
        var bare = Parse<StoreCommand>("a STORE 1 -FLAGS.SILENT \\Seen $Forwarded\r\n");
        Assert.Equal((StoreMode.Remove, true), (bare.Mode, bare.Silent));
        Assert.Equal(["\\Seen", "$Forwarded"], bare.Flags);
        Assert.Empty(Parse<StoreCommand>("a STORE 1 FLAGS ()\r\n").Flags);
    }

    [Fact]
    public void Store_unchangedsince() // RFC 7162 §3.1.3
    {
        var store = Parse<StoreCommand>("a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n");
        Assert.True(store.IsUid);
        Assert.Equal(12121230045ul, store.UnchangedSince);
        Assert.Equal("6,4,8", store.Set.ToString());
    }

    [Fact]
    public void Copy_and_move() // RFC 9051 §6.4.7, RFC 6851 §4.1
    {
        var copy = Parse<CopyCommand>("A003 COPY 2:4 MEETING\r\n");
        Assert.Equal(("2:4", "MEETING", false), (copy.Set.ToString(), copy.Mailbox, copy.IsUid));
        var move = Parse<MoveCommand>("a UID MOVE 42:69 foo\r\n");
        Assert.Equal(("42:69", "foo", true), (move.Set.ToString(), move.Mailbox, move.IsUid));
    }

    [Fact]
    public void Sort() // RFC 5256 §3
    {
        var a282 = Parse<SortCommand>("A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n");
        Assert.Equal([new SortCriterion(SortKey.Subject, false)], a282.Criteria);
        Assert.Equal("UTF-8", a282.Charset);
        var a283 = Parse<SortCommand>("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n");
        Assert.Equal([new SortCriterion(SortKey.Subject, false), new SortCriterion(SortKey.Date, true)], a283.Criteria);
        var a284 = Parse<SortCommand>("A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"\r\n");
        Assert.Equal(new TextKey(TextScope.Text, "not in mailbox"), a284.Search);
        var esort = Parse<SortCommand>("A285 UID SORT RETURN (MIN MAX) (DATE) UTF-8 UNDELETED\r\n");
        Assert.Equal((true, SearchReturnOptions.Min | SearchReturnOptions.Max), (esort.IsUid, esort.Return));
    }

    [Fact]
    public void Thread() // RFC 5256 §3
    {
        var t = Parse<ThreadCommand>("A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n");
        Assert.Equal(("ORDEREDSUBJECT", "UTF-8"), (t.Algorithm, t.Charset));
        Assert.Equal(new DateKey(DateField.Internal, DateComparison.Since, new DateOnly(2000, 3, 5)), t.Search);
        Assert.Equal("REFERENCES", Parse<ThreadCommand>("A284 UID THREAD REFERENCES US-ASCII TEXT \"gewp\"\r\n").Algorithm);
    }
}
