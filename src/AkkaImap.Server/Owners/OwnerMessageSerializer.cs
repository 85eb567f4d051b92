using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;

namespace AkkaImap.Server.Owners;

/// <summary>
/// The serializer bound to <see cref="IOwnerMessage"/>: everything sessions and owner entities say
/// to each other, which crosses the shard region (and the network in cluster mode). JSON written by
/// source-generated code (no reflection, no type names from the wire: the manifest is one of a fixed
/// list), so an unknown manifest is refused rather than instantiated.
/// </summary>
public sealed class OwnerMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The name the serializer is bound under in <c>akka.actor.serializers</c>.</summary>
    public const string Name = "akkaimap-owner";

    /// <summary>The binding as HOCON, for actor systems not built through Akka.Hosting (tests, tools).</summary>
    public const string Hocon = """
        akka.actor.serializers.akkaimap-owner = "AkkaImap.Server.Owners.OwnerMessageSerializer, AkkaImap.Server"
        akka.actor.serialization-bindings { "AkkaImap.Server.Accounts.IOwnerMessage, AkkaImap.Server" = akkaimap-owner }
        """;

    private static readonly (Type Type, string Manifest, JsonTypeInfo Info)[] Types =
    [
        (typeof(AccountEnvelope), "env", OwnerJson.Default.AccountEnvelope),
        (typeof(OwnerRequest), "req", OwnerJson.Default.OwnerRequest),
        (typeof(FolderSelected), "selected", OwnerJson.Default.FolderSelected),
        (typeof(SnapshotRows), "rows", OwnerJson.Default.SnapshotRows),
        (typeof(MessagesAppended), "appended", OwnerJson.Default.MessagesAppended),
        (typeof(FlagsStored), "stored", OwnerJson.Default.FlagsStored),
        (typeof(MessagesCopied), "copied", OwnerJson.Default.MessagesCopied),
        (typeof(MessagesMoved), "moved", OwnerJson.Default.MessagesMoved),
        (typeof(Expunged), "expunged", OwnerJson.Default.Expunged),
        (typeof(FolderCreated), "created", OwnerJson.Default.FolderCreated),
        (typeof(FolderDeleted), "deleted", OwnerJson.Default.FolderDeleted),
        (typeof(FolderRenamed), "renamed", OwnerJson.Default.FolderRenamed),
        (typeof(SubscriptionChanged), "subscribed", OwnerJson.Default.SubscriptionChanged),
        (typeof(AccountCommandFailed), "failed", OwnerJson.Default.AccountCommandFailed),
        (typeof(PublicFolderDenied), "denied", OwnerJson.Default.PublicFolderDenied),
        (typeof(FolderRightsSet), "rights-set", OwnerJson.Default.FolderRightsSet),
        (typeof(SubscriberCount), "count", OwnerJson.Default.SubscriberCount),
        (typeof(FolderInSync), "in-sync", OwnerJson.Default.FolderInSync),
        (typeof(FolderEvent), "event", OwnerJson.Default.FolderEvent),
        (typeof(SubscriptionEnded), "ended", OwnerJson.Default.SubscriptionEnded),
        (typeof(Resubscribed), "resubscribed", OwnerJson.Default.Resubscribed),
        (typeof(OwnerReply), "reply", OwnerJson.Default.OwnerReply),
    ];

    private static readonly Dictionary<Type, (string Manifest, JsonTypeInfo Info)> ByType =
        Types.ToDictionary(t => t.Type, t => (t.Manifest, t.Info));

    private static readonly Dictionary<string, JsonTypeInfo> ByManifest =
        Types.ToDictionary(t => t.Manifest, t => t.Info, StringComparer.Ordinal);

    public override int Identifier => 7143;

    public override string Manifest(object o) => Find(o.GetType()).Manifest;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, Find(obj.GetType()).Info);

    public override object FromBinary(byte[] bytes, string manifest) =>
        ByManifest.TryGetValue(manifest, out var info)
            ? JsonSerializer.Deserialize(bytes, info) ?? throw new SerializationException($"empty {manifest}")
            : throw new SerializationException($"unknown owner message manifest {manifest}");

    private static (string Manifest, JsonTypeInfo Info) Find(Type type) =>
        ByType.TryGetValue(type, out var found) ? found : throw new SerializationException($"{type.Name} has no owner message manifest");
}

[JsonSerializable(typeof(AccountEnvelope))]
[JsonSerializable(typeof(OwnerRequest))]
[JsonSerializable(typeof(FolderSelected))]
[JsonSerializable(typeof(SnapshotRows))]
[JsonSerializable(typeof(MessagesAppended))]
[JsonSerializable(typeof(FlagsStored))]
[JsonSerializable(typeof(MessagesCopied))]
[JsonSerializable(typeof(MessagesMoved))]
[JsonSerializable(typeof(Expunged))]
[JsonSerializable(typeof(FolderCreated))]
[JsonSerializable(typeof(FolderDeleted))]
[JsonSerializable(typeof(FolderRenamed))]
[JsonSerializable(typeof(SubscriptionChanged))]
[JsonSerializable(typeof(AccountCommandFailed))]
[JsonSerializable(typeof(PublicFolderDenied))]
[JsonSerializable(typeof(FolderRightsSet))]
[JsonSerializable(typeof(SubscriberCount))]
[JsonSerializable(typeof(FolderInSync))]
[JsonSerializable(typeof(FolderEvent))]
[JsonSerializable(typeof(SubscriptionEnded))]
[JsonSerializable(typeof(Resubscribed))]
[JsonSerializable(typeof(OwnerReply))]
internal sealed partial class OwnerJson : JsonSerializerContext;
