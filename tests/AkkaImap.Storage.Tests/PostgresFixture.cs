using AkkaImap.Tests.Postgres;

namespace AkkaImap.Storage.Tests;

/// <summary>One private PostgreSQL for every PostgreSQL test class of this assembly.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PrivatePostgres Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PrivatePostgres.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
