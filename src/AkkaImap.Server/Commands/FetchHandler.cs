using Akka.Event;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands.Fetching;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;
using StoreMode = AkkaImap.Storage.StoreMode;

namespace AkkaImap.Server.Commands;

/// <summary>
/// FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9; RFC 3501 §6.4.5) with BINARY (RFC 3516),
/// PREVIEW (RFC 8970), SAVEDATE (RFC 8514) and EMAILID/THREADID (RFC 8474). UID, FLAGS and
/// MODSEQ come from the session's <see cref="SelectedFolderView"/> without touching the store;
/// everything else is rendered on the worker pool in chunks of about a quarter of
/// <c>limits.max-unsent-output</c>, the next one only once the client has read the previous one
/// down to the connection's low water (<see cref="CommandOutcome.WhenSent"/>): a client that does not
/// read holds about half of that limit plus one message, however many it asked for. A non-PEEK body fetch in a writable folder first sets \Seen through the
/// account (so other sessions hear of it) and then reports the new FLAGS with the data.
/// </summary>
internal sealed class FetchHandler : ICommandHandler<FetchCommand>
{
    /// <summary>View-only responses between two sends.</summary>
    private const int ViewBatch = 2000;

    /// <summary>Messages per chunk at most, whatever their size (one store query each).</summary>
    private const int MaxChunkMessages = 250;

    /// <summary>
    /// The same for a FETCH of headers alone (a few hundred bytes each, read in one query): the
    /// last 500 headers a client lists when it opens a folder fit in one chunk, one round trip to
    /// a worker instead of two with a wait for the client to read the first in between.
    /// </summary>
    private const int MaxHeaderChunkMessages = 1000;

    /// <summary>The smallest chunk in bytes, so that a tiny max-unsent-output does not mean a store query per message.</summary>
    private const int MinChunkBytes = 4 * 1024;

    public CommandOutcome Handle(FetchCommand command, SessionContext context)
    {
        if (!FetchPlan.TryCreate(command, context, out var plan, out var refusal)
            || !MessageSets.TryResolve(context, command.Set, command.IsUid, out var messages, out refusal))
        {
            return refusal;
        }
        if (command.ChangedSince is { } since)
        {
            // RFC 7162 §3.1.4.1: only messages whose modseq is above CHANGEDSINCE.
            var view = context.Selected!;
            messages = messages.Where(m => view[m.Msn].ModSeq > since).ToArray();
            if (command.Vanished)
            {
                var changed = messages;
                return CommandOutcome.Await(context.Store.GetVanishedSinceAsync(view.FolderId, since), tombstones =>
                {
                    if (context.Selected is not { } current)
                    {
                        return CommandOutcome.No("The mailbox is no longer selected");
                    }
                    var vanished = Vanished(current, command.Set, tombstones);
                    if (vanished.Count > 0)
                    {
                        context.Write(new VanishedResponse(SequenceSetFormatter.Format(vanished), Earlier: true));
                    }
                    return Fetch(command, plan, changed, context);
                });
            }
        }
        return Fetch(command, plan, messages, context);
    }

    /// <summary>
    /// RFC 7162 §3.2.6: the UIDs of the set among the store's tombstones (expunged above CHANGEDSINCE).
    /// A UID the session still shows is left out: its expunge reaches the client as VANISHED
    /// (without EARLIER) when the session is told of it. <c>$</c> names no expunged message.
    /// </summary>
    private static List<uint> Vanished(SelectedFolderView view, Protocol.Sequences.SequenceSet set, IReadOnlyList<uint> tombstones)
    {
        if (set.IsSaved)
        {
            return [];
        }
        uint star = Math.Max(view.UidNext - 1, view.Count > 0 ? view[view.Count].Uid : 0);
        return [.. tombstones.Where(uid => set.Contains(uid, star) && view.MsnOf(uid) == 0)];
    }

    private static CommandOutcome Fetch(FetchCommand command, FetchPlan plan, IReadOnlyList<MessageRef> messages, SessionContext context)
    {
        if (messages.Count == 0)
        {
            return Done(command, false);
        }
        // RFC 4314 §4: without s, FETCH of a body does not set \Seen (and does not fail).
        if (plan.SetsSeen && !context.Selected!.ReadOnly && (context.Selected.Rights & AclRight.Seen) != 0)
        {
            return MarkSeen(command, plan, messages, context);
        }
        if (!plan.NeedsStore)
        {
            return FromView(command, plan, messages, context);
        }
        return Start(command, plan, messages, [], context);
    }

    /// <summary>
    /// RFC 9051 §6.4.5: BODY[...] (not PEEK), BINARY[...], RFC822 and RFC822.TEXT set \Seen. It is
    /// stored before the data is sent, like Dovecot does, so the FLAGS in the response are final.
    /// </summary>
    private static CommandOutcome MarkSeen(FetchCommand command, FetchPlan plan, IReadOnlyList<MessageRef> messages, SessionContext context)
    {
        var view = context.Selected!;
        var unseen = messages.Where(m => (view[m.Msn].Flags & MessageFlags.Seen) == 0).Select(m => m.Uid).ToArray();
        if (unseen.Length == 0)
        {
            return Start(command, plan, messages, [], context);
        }
        return context.AskSelected(new StoreFlags(view.FolderId, unseen, StoreMode.Add, MessageFlags.Seen, []), reply =>
        {
            var changed = new HashSet<uint>();
            if (reply is FlagsStored stored && context.Selected is { } current)
            {
                foreach (var update in current.ApplyFlags(stored.Changed))
                {
                    if (update is ViewFlagsFetched fetched) changed.Add(fetched.Message.Uid);
                    else if (update is ViewKeywordsDefined defined) MessageSets.WriteKeywords(context, defined.Keywords);
                }
            }
            else
            {
                // The data is still worth sending; the flag will be set by a later fetch.
                context.Log.Warning("FETCH could not set \\Seen: {0}", reply);
            }
            return context.Selected is null ? CommandOutcome.No("The mailbox is no longer selected") : Start(command, plan, messages, changed, context);
        });
    }

    private static CommandOutcome Start(FetchCommand command, FetchPlan plan, IReadOnlyList<MessageRef> messages, HashSet<uint> seenSet, SessionContext context)
    {
        var view = context.Selected!;
        var targets = new FetchTarget[messages.Count];
        for (int i = 0; i < targets.Length; i++)
        {
            var message = messages[i];
            targets[i] = new FetchTarget(message.Msn, view[message.Msn], seenSet.Contains(message.Uid));
        }
        long budget = Math.Max(MinChunkBytes, context.Settings.Limits.MaxUnsentOutput / 4);
        var run = new Run(command, plan, targets, view.FolderId, MaxMessages(plan), budget);
        return Next(run, 0, context);
    }

    /// <summary>FETCH (UID FLAGS) and the like: straight from the view, sent in batches.</summary>
    private static CommandOutcome FromView(FetchCommand command, FetchPlan plan, IReadOnlyList<MessageRef> messages, SessionContext context)
    {
        var view = context.Selected!;
        for (int start = 0; start < messages.Count; start += ViewBatch)
        {
            FetchRenderer.WriteFromView(context.Output, plan, view, messages, start, Math.Min(ViewBatch, messages.Count - start));
            if (start + ViewBatch < messages.Count)
            {
                context.SendNow();
            }
        }
        return Done(command, false);
    }

    /// <summary>Renders the next chunk on a worker, sends it, and goes on until every target is done.</summary>
    private static CommandOutcome Next(Run run, int index, SessionContext context)
    {
        if (index >= run.Targets.Length)
        {
            return Done(run.Command, run.UnknownCte, run.Expunged);
        }
        var chunk = new ArraySegment<FetchTarget>(run.Targets, index, Math.Min(run.ChunkSize, run.Targets.Length - index));
        var store = context.Store;
        bool utf8 = context.Output.Utf8Enabled;
        long budget = run.ChunkBytes;
        var task = context.RunOnWorkerAsync(() => FetchRenderer.RenderAsync(store, run.FolderId, run.Plan, chunk, utf8, budget));
        return CommandOutcome.Await(task, rendered =>
        {
            context.SendNow(rendered.Parts);
            run.UnknownCte |= rendered.UnknownCte;
            run.Expunged |= rendered.Expunged;
            int next = index + rendered.Count;
            // The next chunk asks the store for about as many messages as this one's budget took
            // (twice, for a margin): large bodies then cost a handful of metadata reads per chunk,
            // not 250 (most of which the budget would leave for the chunk after).
            run.ChunkSize = rendered.Count < chunk.Count
                ? Math.Clamp(rendered.Count * 2, 2, MaxMessages(run.Plan))
                : Math.Min(run.ChunkSize * 2, MaxMessages(run.Plan));
            // The next chunk is read and rendered only once this one is (nearly) written.
            return next >= run.Targets.Length ? Next(run, next, context) : CommandOutcome.WhenSent(() => Next(run, next, context));
        });
    }

    private static CommandOutcome Done(FetchCommand command, bool unknownCte, bool expunged = false)
    {
        string verb = command.IsUid ? "UID FETCH" : "FETCH";
        // RFC 3516 §4.2: the decodable parts were sent; the rest could not be.
        if (unknownCte)
        {
            return CommandOutcome.No("Unknown Content-Transfer-Encoding in a requested part", new AtomCode("UNKNOWN-CTE"));
        }
        // RFC 5530 §3: messages another session expunged had no content left to send; the rest
        // was sent, and the client learns why one is missing (a NOOP brings the EXPUNGE). Dovecot
        // answers the same way.
        return expunged
            ? CommandOutcome.Ok($"{verb} completed; some messages were expunged meanwhile", ResponseCode.ExpungeIssued)
            : CommandOutcome.Ok($"{verb} completed");
    }

    private static int MaxMessages(FetchPlan plan) => plan.HeaderOnly ? MaxHeaderChunkMessages : MaxChunkMessages;

    private sealed class Run(FetchCommand command, FetchPlan plan, FetchTarget[] targets, long folderId, int chunkSize, long chunkBytes)
    {
        public FetchCommand Command { get; } = command;
        public FetchPlan Plan { get; } = plan;
        public FetchTarget[] Targets { get; } = targets;
        public long FolderId { get; } = folderId;
        public int ChunkSize { get; set; } = chunkSize;
        public long ChunkBytes { get; } = chunkBytes;
        public bool UnknownCte { get; set; }
        public bool Expunged { get; set; }
    }
}
