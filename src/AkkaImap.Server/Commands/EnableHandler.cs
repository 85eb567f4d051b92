using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// ENABLE (RFC 5161): turns on the extensions this server implements the effects of: IMAP4rev2
/// (RFC 9051 §6.3.1), CONDSTORE and QRESYNC (RFC 7162 §3.1, §3.2.3; QRESYNC brings CONDSTORE),
/// UTF8=ACCEPT (RFC 6855 §3: UTF-8 names and strings, APPEND's UTF8 item, SEARCH without CHARSET),
/// each only while advertised. Unknown ones are ignored, and
/// <c>* ENABLED</c> lists only what this command newly enabled.
/// </summary>
internal sealed class EnableHandler : ICommandHandler<EnableCommand>
{
    private static readonly IReadOnlyList<string> Supported = ["IMAP4rev2", "CONDSTORE", "QRESYNC", "UTF8=ACCEPT"];

    public CommandOutcome Handle(EnableCommand command, SessionContext context)
    {
        var enabled = new List<string>();
        var advertised = context.Capabilities;
        foreach (var requested in command.Capabilities)
        {
            var capability = Supported.FirstOrDefault(s => string.Equals(s, requested, StringComparison.OrdinalIgnoreCase) && advertised.Contains(s));
            if (capability is not null && !context.IsEnabled(capability))
            {
                context.Enable(capability);
                enabled.Add(capability);
            }
        }
        context.Write(new EnabledResponse(enabled));
        return CommandOutcome.Ok("ENABLE completed");
    }
}
