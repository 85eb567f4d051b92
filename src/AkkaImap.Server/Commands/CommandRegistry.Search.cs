using AkkaImap.Protocol.Commands;

namespace AkkaImap.Server.Commands;

// SEARCH and UID SEARCH (RFC 9051 §6.4.4) with ESEARCH, SEARCHRES and WITHIN; SORT and THREAD
// (RFC 5256), which take SEARCH's keys.
public sealed partial class CommandRegistry
{
    static partial void AddSearchCommands(CommandRegistry registry)
    {
        // One command type serves both forms, so UID SEARCH is flagged too: it then holds queued
        // EXPUNGEs back as SEARCH must (RFC 9051 §7.5.1), which the RFC also allows for UID commands.
        registry.Add("SEARCH", CommandStates.Selected, new SearchHandler(), CommandFlags.UsesSequenceNumbers);
        registry.Add("SORT", CommandStates.Selected, new SortHandler(), CommandFlags.UsesSequenceNumbers);
        registry.Add("THREAD", CommandStates.Selected, new ThreadHandler(), CommandFlags.UsesSequenceNumbers);
    }
}
