namespace AkkaImap.Storage;

/// <summary>
/// The store's schema is newer than this build knows (a newer AkkaImap wrote it): opening it is
/// refused, since this build would misread or damage tables it does not know.
/// </summary>
public sealed class StoreVersionException(int found, int known)
    : Exception($"the store has schema version {found}, this AkkaImap knows up to {known}; run a newer AkkaImap")
{
    public int Found { get; } = found;
    public int Known { get; } = known;
}
