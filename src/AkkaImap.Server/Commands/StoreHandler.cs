using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands.Fetching;
using AkkaImap.Server.Sessions;
using FetchItem = AkkaImap.Protocol.Responses.FetchItem;
using StoreMode = AkkaImap.Storage.StoreMode;

namespace AkkaImap.Server.Commands;

/// <summary>
/// STORE and UID STORE (RFC 9051 §6.4.6, §6.4.9): FLAGS, +FLAGS, -FLAGS and their .SILENT forms,
/// through the folder's owner so every other session of the folder hears of the change. New
/// keywords are created on first use (PERMANENTFLAGS has \*); \Recent is ignored (RFC 3501
/// §2.3.2). Each message whose flags changed is reported with <c>* n FETCH (FLAGS ...)</c> (with
/// UID for UID STORE) unless .SILENT. UNCHANGEDSINCE (RFC 7162 §3.1.3) only once CONDSTORE is on.
/// </summary>
internal sealed class StoreHandler : ICommandHandler<StoreCommand>
{
    public CommandOutcome Handle(StoreCommand command, SessionContext context)
    {
        string verb = command.IsUid ? "UID STORE" : "STORE";
        bool condStore = command.UnchangedSince is not null ? context.EnableCondStore() : context.IsEnabled("CONDSTORE");
        if (command.UnchangedSince is not null && !condStore)
        {
            return CommandOutcome.Bad("UNCHANGEDSINCE requires CONDSTORE", ResponseCode.ClientBug);
        }
        if (!AppendHandler.TryFlags(command.Flags, out var flags, out var keywords, out var badFlag))
        {
            return CommandOutcome.Bad($"Invalid flag {badFlag}", ResponseCode.ClientBug);
        }
        if (!MessageSets.TryResolve(context, command.Set, command.IsUid, out var messages, out var refusal))
        {
            return refusal;
        }
        var view = context.Selected!;
        if (view.ReadOnly)
        {
            return context.ReadOnlyRefusal();
        }
        if (messages.Count == 0)
        {
            return CommandOutcome.Ok($"{verb} completed");
        }
        var mode = command.Mode switch
        {
            Protocol.Commands.StoreMode.Add => StoreMode.Add,
            Protocol.Commands.StoreMode.Remove => StoreMode.Remove,
            _ => StoreMode.Replace,
        };
        var uids = messages.Select(m => m.Uid).ToArray();
        var request = new StoreFlags(view.FolderId, uids, mode, flags, keywords, command.UnchangedSince);
        return context.AskSelected(request, reply => reply switch
        {
            FlagsStored stored => Stored(command, stored, context, verb, condStore),
            AccountCommandFailed failed => CommandOutcome.No(failed.Text, failed.Code.ToResponseCode()),
            _ => CommandOutcome.ServerBug(),
        });
    }

    private static CommandOutcome Stored(StoreCommand command, FlagsStored stored, SessionContext context, string verb, bool condStore)
    {
        if (context.Selected is not { } view)
        {
            return CommandOutcome.Ok($"{verb} completed");
        }
        foreach (var update in view.ApplyFlags(stored.Changed))
        {
            switch (update)
            {
                case ViewKeywordsDefined defined:
                    MessageSets.WriteKeywords(context, defined.Keywords);
                    break;
                // RFC 9051 §6.4.6: .SILENT means no untagged FETCH for the flags this command set.
                case ViewFlagsFetched fetched when !command.Silent || condStore:
                    var items = new List<FetchItem>(3);
                    if (command.IsUid) items.Add(new UidItem(fetched.Message.Uid));
                    if (!command.Silent) items.Add(new FlagsItem(ViewResponses.ToSystemFlags(fetched.Message.Flags), fetched.Message.Keywords));
                    // RFC 7162 §3.1.3: with CONDSTORE even a silent STORE reports the new MODSEQ.
                    if (condStore) items.Add(new ModSeqItem(fetched.Message.ModSeq));
                    context.Write(new FetchResponse(fetched.Msn, items));
                    break;
            }
        }
        if (stored.Modified.Count > 0)
        {
            // RFC 7162 §3.1.3: the messages that failed UNCHANGEDSINCE, as UIDs or sequence numbers.
            var numbers = command.IsUid ? stored.Modified : stored.Modified.Select(view.MsnOf).Where(n => n > 0);
            return CommandOutcome.Ok($"Conditional {verb} failed for some messages", new ModifiedCode(SequenceSetFormatter.Format(numbers.Order())));
        }
        return CommandOutcome.Ok($"{verb} completed");
    }
}
