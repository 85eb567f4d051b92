using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// COMPRESS DEFLATE (RFC 4978): OK, then the session tells the connection, which deflates both
/// directions from the byte after the OK's CRLF (and after the command's CRLF for the client).
/// A second COMPRESS is NO [COMPRESSIONACTIVE] (§3); another mechanism is BAD, as is COMPRESS
/// when <c>compress-level</c> is 0 (not offered).
/// </summary>
internal sealed class CompressHandler : ICommandHandler<CompressCommand>
{
    public CommandOutcome Handle(CompressCommand command, SessionContext context)
    {
        if (context.Settings.CompressLevel == 0)
        {
            return CommandOutcome.Bad("COMPRESS is not offered here");
        }
        if (!string.Equals(command.Mechanism, "DEFLATE", StringComparison.OrdinalIgnoreCase))
        {
            return CommandOutcome.Bad("Unknown compression mechanism: only DEFLATE is offered");
        }
        if (context.CompressionActive)
        {
            return CommandOutcome.No("DEFLATE is already active", ResponseCode.CompressionActive);
        }
        return CommandOutcome.Ok("DEFLATE active").ThenCompress();
    }
}
