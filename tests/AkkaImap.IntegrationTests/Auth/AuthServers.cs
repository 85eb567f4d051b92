using AkkaImap.IntegrationTests.Infrastructure;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>Every SASL mechanism on: the CLI stores CRAM-MD5 contexts and NT hashes for the users.</summary>
public sealed class AllMechanismsServer : ServerFixture
{
    protected override string ExtraSettings => "auth { cram-md5 = on, ntlm = on }";
}

/// <summary>The defaults: CRAM-MD5 and NTLM off (SPEC.md), so neither is advertised nor accepted.</summary>
public sealed class DefaultMechanismsServer : ServerFixture;

/// <summary>The password mechanisms that are on by default switched off.</summary>
public sealed class PasswordMechanismsOffServer : ServerFixture
{
    protected override string ExtraSettings => "auth { plain = off, login = off, scram-sha-256 = off, cram-md5 = on }";
}

/// <summary>A lockout after three failures, long enough that only <c>mailbox unlock</c> lifts it in a test.</summary>
public sealed class LockoutServer : ServerFixture
{
    protected override string ExtraSettings => "auth { lockout { failures = 3, window = 1m, duration = 1h } }";
}
