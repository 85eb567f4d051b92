using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.Tests.Postgres;

namespace AkkaImap.IntegrationTests.Postgres;

/// <summary>
/// A private PostgreSQL with a database for one server fixture, and the settings that put the
/// server's store there (<c>storage.provider = postgresql</c>). The fixture's CLI commands (post
/// office, mailboxes) then go to PostgreSQL too.
/// </summary>
public sealed class PostgresForServer : IAsyncDisposable
{
    private PostgresForServer(PrivatePostgres postgres, string connectionString)
    {
        Postgres = postgres;
        ConnectionString = connectionString;
    }

    public PrivatePostgres Postgres { get; }

    public string ConnectionString { get; }

    /// <summary>HOCON inside <c>akka-imap { }</c>.</summary>
    public string Settings => $$"""
        storage { provider = postgresql, postgresql { connection-string = "{{ConnectionString}}", pool-size = 8 } }
        """;

    public static async Task<PostgresForServer> StartAsync()
    {
        var postgres = await PrivatePostgres.StartAsync();
        try
        {
            return new PostgresForServer(postgres, await postgres.CreateDatabaseAsync());
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Postgres.DisposeAsync();
}

/// <summary>The standard server (<see cref="ServerFixture"/>) on a private PostgreSQL instead of SQLite.</summary>
public sealed class PostgresServerFixture : ServerFixture
{
    private PostgresForServer? _postgres;

    public PrivatePostgres Postgres => _postgres!.Postgres;

    /// <summary>The server's database, for tests that look at what it wrote.</summary>
    public string ConnectionString => _postgres!.ConnectionString;

    protected override string ExtraSettings => _postgres!.Settings;

    public override async Task InitializeAsync()
    {
        _postgres = await PostgresForServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
