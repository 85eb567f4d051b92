using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// Message bodies cross the owner region by reference above <see cref="InlineLimit"/> (one body, or
/// all of a command's together): the session
/// stores them first (<see cref="IMailStore.StageMessageAsync"/>, MIME analysis included) and the
/// APPEND it sends the owner carries the handle, so no message between actors or nodes is larger
/// than a remoting frame allows.
/// </summary>
internal static class MessageStaging
{
    /// <summary>
    /// Bodies up to this size go inline: half of Akka.Remote's default frame (128,000 bytes), which
    /// leaves room for the rest of the message and its serialization.
    /// </summary>
    public const int InlineLimit = 64 * 1024;

    /// <summary>Stages the large bodies of <paramref name="requests"/>, if any, then continues with the requests to send.</summary>
    public static CommandOutcome Then(SessionContext context, IReadOnlyList<AppendRequest> requests, Func<IReadOnlyList<AppendRequest>, CommandOutcome> send) =>
        ToStage(requests) is { Count: > 0 } stage
            ? CommandOutcome.Await(StageAsync(context.Store, requests, stage), send)
            : send(requests);

    /// <summary>
    /// The requests whose bodies go by reference: every one over <see cref="InlineLimit"/>, then the
    /// largest of the others until those left inline fit in <see cref="InlineLimit"/> together. A
    /// MULTIAPPEND (or a COPY of many messages into public folders) of bodies each under the limit
    /// is still one message to the owner: 30 bodies of 20 KB were 600 KB, which Akka.Remote discards
    /// between nodes (over its 128,000-byte frame), leaving the command to time out.
    /// </summary>
    internal static IReadOnlySet<int> ToStage(IReadOnlyList<AppendRequest> requests)
    {
        var stage = new HashSet<int>();
        long inline = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            if (requests[i].Content.Length > InlineLimit) stage.Add(i);
            else inline += requests[i].Content.Length;
        }
        foreach (var i in Enumerable.Range(0, requests.Count).Where(i => !stage.Contains(i)).OrderByDescending(i => requests[i].Content.Length))
        {
            if (inline <= InlineLimit) break;
            stage.Add(i);
            inline -= requests[i].Content.Length;
        }
        return stage;
    }

    /// <summary>
    /// Stages the bodies together (<see cref="IMailStore.StageMessagesAsync"/>: one commit on the
    /// SQLite store). One after another, each waited for a commit of its own: a MULTIAPPEND of 250
    /// bodies of 2 KB was some 220 commits in a row.
    /// </summary>
    private static async Task<IReadOnlyList<AppendRequest>> StageAsync(IMailStore store, IReadOnlyList<AppendRequest> requests, IReadOnlySet<int> stage)
    {
        var order = stage.Order().ToArray();
        var ids = await store.StageMessagesAsync(order.Select(i => requests[i].Content).ToArray()).ConfigureAwait(false);
        var staged = requests.ToArray();
        for (int k = 0; k < order.Length; k++)
        {
            staged[order[k]] = requests[order[k]] with { Content = ReadOnlyMemory<byte>.Empty, StagedBodyId = ids[k] };
        }
        return staged;
    }
}
