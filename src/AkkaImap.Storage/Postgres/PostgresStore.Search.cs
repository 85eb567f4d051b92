using AkkaImap.Storage.Search;

namespace AkkaImap.Storage.Postgres;

public sealed partial class PostgresStore
{
    public Task<IndexedMatches?> SearchIndexAsync(long folderId, IndexedField field, string value, CancellationToken ct = default) =>
        Task.FromResult<IndexedMatches?>(null);
}
