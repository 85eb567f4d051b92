using System.Collections.Concurrent;
using System.Reflection;
using AkkaImap.Protocol.Search;
using AkkaImap.Server.Commands.Searching;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Search;

/// <summary>
/// The store reads of a search: cheap keys decide first, message bytes are read only for messages
/// still undecided, and only the header when no BODY/TEXT key needs the rest.
/// </summary>
public sealed class SearchRunnerTests : SearchTestKit
{
    [Fact]
    public async Task Body_is_read_only_for_messages_the_cheap_keys_leave_undecided()
    {
        var (store, calls) = await CountingFixtureAsync();

        // Only message 4 is LARGER 1000: the others are decided by their size, and only its body is read.
        var found = await RunAsync(store, new AndKey([new SizeKey(true, 1000), new TextKey(TextScope.Body, "x")]));
        Assert.Equal([4u], found);
        Assert.Equal(1, calls.GetValueOrDefault(MessagesRead));

        calls.Clear();
        found = await RunAsync(store, new OrKey(new FlagKey(@"\Seen", true), new TextKey(TextScope.Body, "report")));
        Assert.Equal([1u, 3u], found);
        // Message 1 is decided by \Seen in the view and never reaches the store; the other four
        // are read in one query.
        Assert.Equal(4, calls.GetValueOrDefault(MessagesRead));
        Assert.Equal(1, calls.GetValueOrDefault("ReadMessagesAsync"));
    }

    [Fact]
    public async Task Envelope_keys_read_no_message_bytes_and_other_headers_read_the_undecided_in_one_query()
    {
        var (store, calls) = await CountingFixtureAsync();

        Assert.Equal(new uint[] { 2 }, await RunAsync(store, new HeaderKey("From", "müller")));
        Assert.Equal(0, calls.GetValueOrDefault(MessagesRead));
        Assert.Equal(1, calls.GetValueOrDefault("GetMessagesAsync"));

        Assert.Equal(new uint[] { 3 }, await RunAsync(store, new HeaderKey("X-Priority", "1")));
        Assert.Equal(5, calls.GetValueOrDefault(MessagesRead));
        Assert.Equal(1, calls.GetValueOrDefault("ReadMessagesAsync"));
        Assert.Equal(0, calls.GetValueOrDefault("ReadMessageAsync"));
    }

    [Fact]
    public async Task A_message_too_large_to_read_whole_has_only_its_header_read_for_a_header_key()
    {
        await AddFixtureAsync();
        var attachment = new string('a', 300 * 1024);
        await AppendAsync("INBOX", [new AppendRequest(Bytes($"Subject: big\r\nX-Priority: 1\r\n\r\n{attachment}\r\n"))]);
        var (store, calls) = CountingStore.Wrap(Store);

        Assert.Equal(new uint[] { 3, 6 }, await RunAsync(store, new HeaderKey("X-Priority", "1")));
        Assert.Equal(5, calls.GetValueOrDefault("ReadMessagesAsync:messages"));
        Assert.Equal(1, calls.GetValueOrDefault("ReadMessageAsync:header"));
    }

    private async Task<(IMailStore Store, ConcurrentDictionary<string, int> Calls)> CountingFixtureAsync()
    {
        await AddFixtureAsync();
        return CountingStore.Wrap(Store);
    }

    /// <summary>Runs the worker part of a search over every message of INBOX, as the handler would after the view left all undecided.</summary>
    private async Task<uint[]> RunAsync(IMailStore store, SearchKey criteria)
    {
        var folder = await FolderAsync("INBOX");
        var rows = await Store.GetMessageFlagsAsync(folder.Id);
        var candidates = rows.Select((row, i) => new SearchCandidate((uint)i + 1, row)).ToList();
        var scope = new SearchScope((uint)rows.Count, rows[^1].Uid, new HashSet<uint>(), DateTimeOffset.UtcNow);
        var undecided = candidates.Where(c => SearchEvaluator.Evaluate(criteria, c, scope) == Truth.Unknown).ToList();
        var decided = candidates.Where(c => SearchEvaluator.Evaluate(criteria, c, scope) == Truth.True);
        var result = await SearchRunner.RunAsync(store, folder.Id, criteria, undecided, scope);
        return [.. decided.Concat(result.Matches).Select(c => c.Msn).Order()];
    }

    /// <summary>Messages whose bytes were read, one by one or several at a time.</summary>
    private const string MessagesRead = "messages read";

    /// <summary>The real store, counting calls by method name, and <see cref="MessagesRead"/>.</summary>
    public class CountingStore : DispatchProxy
    {
        private IMailStore _inner = null!;

        public ConcurrentDictionary<string, int> Calls { get; } = new();

        public static (IMailStore Store, ConcurrentDictionary<string, int> Calls) Wrap(IMailStore inner)
        {
            var proxy = Create<IMailStore, CountingStore>();
            var control = (CountingStore)(object)proxy;
            control._inner = inner;
            return (proxy, control.Calls);
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(method);
            Calls.AddOrUpdate(method.Name, 1, (_, n) => n + 1);
            int read = method.Name switch
            {
                "ReadMessageAsync" => 1,
                "ReadMessagesAsync" when args is [_, IReadOnlyCollection<uint> uids, ..] => uids.Count,
                _ => 0,
            };
            Calls.AddOrUpdate(MessagesRead, read, (_, n) => n + read);
            if (method.Name == "ReadMessagesAsync")
            {
                Calls.AddOrUpdate(method.Name + ":messages", read, (_, n) => n + read);
            }
            if (method.Name == "ReadMessageAsync" && args is [_, _, long offset, long length, ..] && length > 0)
            {
                Assert.Equal(0, offset);
                Calls.AddOrUpdate(method.Name + ":header", 1, (_, n) => n + 1);
            }
            return method.Invoke(_inner, args);
        }
    }
}
