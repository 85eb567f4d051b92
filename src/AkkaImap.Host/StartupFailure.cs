using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace AkkaImap.Host;

/// <summary>
/// The one line for a start-up failure that AkkaImap did not word itself (Akka.NET's, the runtime's):
/// the innermost cause, without the layers of "One or more errors occurred"; the cluster's remoting
/// port in use named like an IMAP port in use.
/// </summary>
internal static partial class StartupFailure
{
    public static string Describe(Exception error)
    {
        var chain = Chain(error).ToList();
        var inUse = chain.OfType<SocketException>().Any(e => e.SocketErrorCode == SocketError.AddressAlreadyInUse);
        var bind = chain.Select(e => RemotingBind().Match(e.Message)).FirstOrDefault(m => m.Success);
        if (inUse && bind is not null)
        {
            var (host, port) = (bind.Groups["host"].Value, bind.Groups["port"].Value);
            return $"the cluster's remoting port {port} on {host} is in use — stop the other server or choose another akka.remote.dot-netty.tcp.port";
        }

        var innermost = chain.Last(e => e is not AggregateException);
        var cause = innermost.Message.ReplaceLineEndings(" ").Replace(" See InnerException for details.", string.Empty, StringComparison.Ordinal);
        return $"start-up failed: {cause}";
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? current = error; current is not null;
             current = current is AggregateException { InnerExceptions.Count: > 0 } many ? many.InnerExceptions[0] : current.InnerException)
        {
            yield return current;
        }
    }

    [GeneratedRegex(@"Failed to bind to \[?(?<host>[^\]\s]+):(?<port>\d+)\]?")]
    private static partial Regex RemotingBind();
}
