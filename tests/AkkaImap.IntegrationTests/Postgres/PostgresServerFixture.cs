using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.Tests.Postgres;

namespace AkkaImap.IntegrationTests.Postgres;

/// <summary>
/// The standard server (<see cref="ServerFixture"/>), on a private PostgreSQL instead of SQLite:
/// <c>storage.provider = postgresql</c> with the connection string of a database of its own. The
/// CLI commands of the fixture (post office, mailboxes) go to PostgreSQL too.
/// </summary>
public sealed class PostgresServerFixture : ServerFixture
{
    private string _connectionString = "";

    public PrivatePostgres Postgres { get; private set; } = null!;

    protected override string ExtraSettings => $$"""
        storage { provider = postgresql, postgresql { connection-string = "{{_connectionString}}", pool-size = 8 } }
        """;

    public override async Task InitializeAsync()
    {
        Postgres = await PrivatePostgres.StartAsync();
        _connectionString = await Postgres.CreateDatabaseAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
    }
}
