using AkkaImap.Protocol.Responses;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// A mailbox's quota as RFC 9208 §5.1 shows it: one quota root, <c>""</c>, holding every folder of
/// the mailbox, with STORAGE (units of 1024 octets, use rounded up) and MESSAGE for the resources
/// that have a limit. Public folders have no quota root.
/// </summary>
internal static class QuotaResources
{
    public const string Root = "";

    /// <summary>The resources with a limit; empty when the mailbox has none (then there is no quota root).</summary>
    public static IReadOnlyList<QuotaResource> Of(MailboxQuota quota)
    {
        var resources = new List<QuotaResource>(2);
        if (quota.StorageLimit is { } storage)
        {
            resources.Add(new QuotaResource("STORAGE", (ulong)((quota.StorageUsed + 1023) / 1024), (ulong)(storage / 1024)));
        }
        if (quota.MessageLimit is { } messages)
        {
            resources.Add(new QuotaResource("MESSAGE", (ulong)quota.MessagesUsed, (ulong)messages));
        }
        return resources;
    }
}
