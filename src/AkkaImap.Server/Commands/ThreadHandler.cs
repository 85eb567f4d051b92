using Akka.Event;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Commands.Searching;
using AkkaImap.Server.Commands.Sorting;

namespace AkkaImap.Server.Commands;

/// <summary>
/// THREAD and UID THREAD (RFC 5256 §3) with the ORDEREDSUBJECT and REFERENCES algorithms
/// (<see cref="Threader"/>): the search keys are SEARCH's (<see cref="SearchMatcher"/>); envelopes,
/// dates and, for REFERENCES, the References header are read on the worker pool.
/// </summary>
internal sealed class ThreadHandler : ICommandHandler<ThreadCommand>
{
    /// <summary>The algorithms advertised as <c>THREAD=</c>.</summary>
    public static IReadOnlyList<string> Algorithms { get; } = ["ORDEREDSUBJECT", "REFERENCES"];

    public CommandOutcome Handle(ThreadCommand command, SessionContext context)
    {
        if (!Algorithms.Contains(command.Algorithm))
        {
            return CommandOutcome.Bad($"Unknown threading algorithm {command.Algorithm}", ResponseCode.ClientBug);
        }
        if (SearchHandler.Unsupported(command.Search, context.Capabilities) is { } refusal)
        {
            return CommandOutcome.Bad(refusal);
        }
        if (SearchHandler.HasModSeq(command.Search))
        {
            context.EnableCondStore();
        }
        var view = context.Selected!;
        string verb = command.IsUid ? "UID THREAD" : "THREAD";
        bool references = command.Algorithm == "REFERENCES";
        return SearchMatcher.Run(context, command.Search, found =>
        {
            if (found.Error is { } error)
            {
                context.Log.Error(error, "{0} failed in folder {1}", verb, view.FolderId);
                return CommandOutcome.ServerBug();
            }
            var store = context.Store;
            var folderId = view.FolderId;
            Func<SortEntry, uint> numberOf = command.IsUid ? e => e.Uid : e => e.Msn;
            var work = context.RunOnWorkerAsync(async () =>
            {
                var entries = await SortEntry.LoadAsync(store, folderId, found.Messages, references).ConfigureAwait(false);
                var threads = references ? Threader.References(entries, numberOf) : Threader.OrderedSubject(entries, numberOf);
                return (Threads: threads, Lost: entries.Count < found.Messages.Count);
            });
            return CommandOutcome.Await(work, result =>
            {
                context.Write(new ThreadResponse(result.Threads));
                bool lost = found.LostMessages || result.Lost;
                return CommandOutcome.Ok($"{verb} completed", lost ? ResponseCode.ExpungeIssued : null);
            });
        });
    }
}
