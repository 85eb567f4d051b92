namespace AkkaImap.Server.Accounts;

// Messages between the region and its account actors, and diagnostics; not for sessions.

/// <summary>Diagnostics: replies the number of sessions that have the folder selected (an int).</summary>
internal sealed record CountSubscribers(long FolderId) : IAccountCommand;

/// <summary>To the parent: idle with nothing selected; stop me when convenient.</summary>
internal sealed record AccountIdle
{
    public static AccountIdle Instance { get; } = new();
}

/// <summary>From the parent, after <see cref="AccountIdle"/>: stop now unless a session selected a folder since.</summary>
internal sealed record StopAccount
{
    public static StopAccount Instance { get; } = new();
}

/// <summary>To the parent, instead of stopping: a session selected a folder meanwhile.</summary>
internal sealed record AccountBusy
{
    public static AccountBusy Instance { get; } = new();
}
