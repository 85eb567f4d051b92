using AkkaImap.Server.Sessions;

namespace AkkaImap.Server.Commands.Searching;

/// <summary>
/// The SEARCHRES result variable <c>$</c> (RFC 5182 §2.1, RFC 9051 §6.4.4.1), one per session.
/// It is kept as UIDs so that it survives renumbering, and it belongs to the selected view it was
/// saved in: any new SELECT/EXAMINE (a new view) starts with the empty result, and messages
/// expunged from the view drop out of it by themselves, as RFC 5182 §2.1 requires.
/// Read it with <see cref="Resolve"/> wherever a command accepts <c>$</c> (FETCH, STORE, COPY,
/// MOVE, SEARCH, and their UID forms). Used only on the session's thread.
/// </summary>
public sealed class SavedSearch
{
    private SelectedFolderView? _view;
    private uint[] _uids = [];

    /// <summary>SEARCH ... RETURN (SAVE) succeeded: <paramref name="uids"/> become the new <c>$</c>.</summary>
    public void Save(SelectedFolderView view, IEnumerable<uint> uids)
    {
        _view = view;
        _uids = [.. uids.Distinct().Order()];
    }

    /// <summary>A SEARCH with SAVE that ended in NO leaves <c>$</c> empty (RFC 5182 §2.1).</summary>
    public void Clear()
    {
        _view = null;
        _uids = [];
    }

    /// <summary>
    /// The messages of <paramref name="view"/> that <c>$</c> names, ascending (sequence number and UID
    /// order agree). Empty when nothing was saved for this selection; never invalid, so a command
    /// using <c>$</c> by sequence number is not refused (RFC 5182 §2.2).
    /// </summary>
    public IReadOnlyList<MessageRef> Resolve(SelectedFolderView view)
    {
        if (!ReferenceEquals(view, _view) || _uids.Length == 0)
        {
            return [];
        }
        var messages = new List<MessageRef>(_uids.Length);
        foreach (var uid in _uids)
        {
            var msn = view.MsnOf(uid);
            if (msn != 0)
            {
                messages.Add(new MessageRef(msn, uid));
            }
        }
        return messages;
    }
}
