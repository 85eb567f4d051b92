namespace AkkaImap.Protocol.Commands;

// RFC 9051 §6.1: commands valid in any state.

public sealed record CapabilityCommand(string Tag) : ImapCommand(Tag);

public sealed record NoopCommand(string Tag) : ImapCommand(Tag);

public sealed record LogoutCommand(string Tag) : ImapCommand(Tag);

/// <summary>ID (RFC 2971): null parameters for <c>ID NIL</c>; a null value for a NIL value.</summary>
public sealed record IdCommand(string Tag, IReadOnlyList<KeyValuePair<string, string?>>? Parameters) : ImapCommand(Tag);

/// <summary>COMPRESS mechanism (RFC 4978); only DEFLATE is defined.</summary>
public sealed record CompressCommand(string Tag, string Mechanism) : ImapCommand(Tag);
