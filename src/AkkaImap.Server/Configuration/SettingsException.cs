namespace AkkaImap.Server.Configuration;

/// <summary>
/// Bad configuration. <see cref="Exception.Message"/> is one line for the operator, naming the key
/// and the fix, e.g. <c>akka-imap.port: expected a number from 1 to 65535, got "abc"</c>.
/// </summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
