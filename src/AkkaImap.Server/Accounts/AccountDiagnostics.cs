namespace AkkaImap.Server.Accounts;

/// <summary>Diagnostics: replies <see cref="SubscriberCount"/>, the sessions that have the folder selected.</summary>
public sealed record CountSubscribers(long FolderId) : IAccountCommand;

public sealed record SubscriberCount(int Count) : IOwnerMessage;
