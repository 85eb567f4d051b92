using AkkaImap.IntegrationTests.Infrastructure;

namespace AkkaImap.IntegrationTests.Logging;

/// <summary>
/// A server whose users have passwords no other text contains, so that a scan of everything it
/// printed proves none reached the log; dave locks after three failures.
/// </summary>
public class LoggingServer : ServerFixture
{
    public const string WrongPassword = "Wrong-Distinct-Pw-5821";

    public override IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["carol@example.com"] = "Carol-Distinct-Pw-7319",
        ["dave@example.com"] = "Dave-Distinct-Pw-2647",
    };

    protected override string ExtraSettings => "auth.lockout.failures = 3";
}

/// <summary>As <see cref="LoggingServer"/>, logging one JSON object per line.</summary>
public sealed class JsonLoggingServer : LoggingServer
{
    protected override string ExtraSettings => base.ExtraSettings + "\nlogging.format = json";
}
