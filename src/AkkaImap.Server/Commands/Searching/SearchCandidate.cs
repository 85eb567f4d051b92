using AkkaImap.Protocol.Search;
using AkkaImap.Storage;
using AkkaImap.Storage.Search;

namespace AkkaImap.Server.Commands.Searching;

/// <summary>Three-valued logic: a key that needs data not loaded yet is <see cref="Unknown"/>.</summary>
internal enum Truth : byte
{
    False,
    True,
    Unknown,
}

/// <summary>
/// One message under evaluation. <see cref="State"/> comes from the selected view (flags, modseq);
/// <see cref="Info"/> (dates, size, envelope) and <see cref="Content"/> (parsed header and text
/// parts) are loaded by the worker only for messages the cheaper data could not decide, and
/// released after each batch so a 100,000-message search never holds them all.
/// </summary>
internal sealed class SearchCandidate(uint msn, MessageFlagState state)
{
    public uint Msn { get; private set; } = msn;

    public uint Uid => State.Uid;

    public MessageFlagState State { get; private set; } = state;

    /// <summary>
    /// Points this candidate at another message of the view: the session evaluates the whole view
    /// with one object and allocates a candidate only for a message it cannot decide.
    /// </summary>
    public void MoveTo(uint msn, MessageFlagState state)
    {
        Msn = msn;
        State = state;
    }

    public MessageInfo? Info { get; set; }

    public MessageText? Content { get; set; }
}

/// <summary>
/// What every key of one SEARCH is evaluated against: the view's size and last UID (for <c>*</c>),
/// the UIDs of the saved result <c>$</c>, the moment the search started (OLDER/YOUNGER), and the
/// full-text index's answers to its text keys (<see cref="SearchRunner"/> looks them up).
/// </summary>
internal sealed record SearchScope(uint Count, uint LastUid, IReadOnlySet<uint> SavedUids, DateTimeOffset Now)
{
    public IReadOnlyDictionary<SearchKey, IndexedMatches>? Indexed { get; init; }
}
