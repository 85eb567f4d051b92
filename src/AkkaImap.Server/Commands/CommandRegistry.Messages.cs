using AkkaImap.Protocol.Commands;

namespace AkkaImap.Server.Commands;

// The message commands of RFC 9051 §6.4.5-§6.4.9 and MOVE (RFC 6851). The parser gives one command
// type for both forms (IsUid), so one entry serves FETCH and UID FETCH. The session holds untagged
// EXPUNGE back while a UsesSequenceNumbers command runs (RFC 9051 §7.5.1); for UID FETCH/STORE/COPY
// that is merely conservative, since their sequence numbers are resolved when they start.
public sealed partial class CommandRegistry
{
    static partial void AddMessageCommands(CommandRegistry registry) => registry
        .Add("FETCH", CommandStates.Selected, new FetchHandler(), CommandFlags.UsesSequenceNumbers)
        .Add("STORE", CommandStates.Selected, new StoreHandler(), CommandFlags.UsesSequenceNumbers)
        .Add("COPY", CommandStates.Selected, new CopyHandler(), CommandFlags.UsesSequenceNumbers)
        // MOVE writes its own EXPUNGEs (RFC 6851 §4.3); the flag only holds back other sessions' ones after it.
        .Add("MOVE", CommandStates.Selected, new MoveHandler(), CommandFlags.UsesSequenceNumbers);
}
