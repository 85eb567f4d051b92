using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// Message bodies cross the owner region by reference above <see cref="InlineLimit"/>: the session
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
        requests.Any(r => r.Content.Length > InlineLimit)
            ? CommandOutcome.Await(StageAsync(context.Store, requests), send)
            : send(requests);

    private static async Task<IReadOnlyList<AppendRequest>> StageAsync(IMailStore store, IReadOnlyList<AppendRequest> requests)
    {
        var staged = new AppendRequest[requests.Count];
        for (int i = 0; i < staged.Length; i++)
        {
            var request = requests[i];
            staged[i] = request.Content.Length > InlineLimit
                ? request with { Content = ReadOnlyMemory<byte>.Empty, StagedBodyId = await store.StageMessageAsync(request.Content).ConfigureAwait(false) }
                : request;
        }
        return staged;
    }
}
