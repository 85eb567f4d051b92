namespace AkkaImap.Host;

/// <summary>
/// Something the operator must fix. The CLI prints <see cref="Exception.Message"/> as one line on
/// stderr and exits with <see cref="ExitCode"/>; no stack trace, since nothing is broken in the code
/// (<c>serve</c> logs the one of <paramref name="innerException"/>, if any, at debug level).
/// </summary>
internal sealed class OperatorException(string message, int exitCode = 1, Exception? innerException = null) : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;
}
