using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.AdminChanges;

/// <summary>
/// The standard server with mailboxes that the tests change through the CLI while it runs (each
/// test its own, as the server is shared by the class): dave is removed, frank gets a new
/// password; post office switch.org (public folder Board, mailbox hank) has its public folders
/// switched off, and quit.org (mailbox ivan) is removed.
/// </summary>
public class AdminChangeServer : ServerFixture, IAsyncLifetime
{
    public const string Dave = "dave@example.com";
    public const string Frank = "frank@example.com";
    public const string SwitchOffice = "switch.org";
    public const string Hank = "hank@switch.org";
    public const string QuitOffice = "quit.org";
    public const string Ivan = "ivan@quit.org";
    public const string OtherPassword = "other-Secret-9";

    public override IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["alice@example.com"] = "alice-Secret-1",
        ["bob@example.com"] = "bob-Secret-2",
        [Dave] = "dave-Secret-4",
        [Frank] = "frank-Secret-5",
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await CliAsync("", "postoffice", "add", SwitchOffice, "--public-folders");
        await CliAsync(OtherPassword + "\n", "mailbox", "add", Hank, "--password-stdin");
        await CliAsync("", "publicfolder", "add", SwitchOffice, "Board");
        await CliAsync("", "postoffice", "add", QuitOffice);
        await CliAsync(OtherPassword + "\n", "mailbox", "add", Ivan, "--password-stdin");
    }

    /// <summary>The password of any mailbox of this server.</summary>
    public string PasswordOf(string login) => Users.TryGetValue(login, out var password) ? password : OtherPassword;
}

/// <summary>The same server and mailboxes on a private PostgreSQL.</summary>
public sealed class PostgresAdminChangeServer : AdminChangeServer
{
    private Postgres.PostgresForServer? _postgres;

    protected override string ExtraSettings => _postgres!.Settings;

    public override async Task InitializeAsync()
    {
        _postgres = await Postgres.PostgresForServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
