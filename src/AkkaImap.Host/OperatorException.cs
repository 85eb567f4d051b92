namespace AkkaImap.Host;

/// <summary>
/// Something the operator must fix. The CLI prints <see cref="Exception.Message"/> as one line on
/// stderr and exits with <see cref="ExitCode"/>; no stack trace, since nothing is broken in the code.
/// </summary>
internal sealed class OperatorException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
