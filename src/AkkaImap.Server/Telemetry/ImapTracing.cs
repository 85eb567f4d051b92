using System.Diagnostics;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Telemetry;

/// <summary>
/// The server's spans (activity source <see cref="SourceName"/>): one per IMAP command in the
/// session (<c>IMAP SELECT</c>: command, result, account id; never the user name or mail content),
/// a child per round trip to an owner (<c>owner SelectFolder</c> in the session, and the owner's
/// own <c>owner SelectFolder</c> span below it, which the trace context in
/// <see cref="Accounts.AccountEnvelope.TraceParent"/> joins across nodes), and the store's spans
/// (<see cref="Storage.StoreTelemetry"/>) below those. Actors share threads, so a span is never
/// left as <see cref="Activity.Current"/>: it is made current only while its command's code runs.
/// With nobody listening (no OTLP endpoint) every call here is a null check.
/// </summary>
public static class ImapTracing
{
    public const string SourceName = "AkkaImap";

    public const string AccountIdTag = "akkaimap.account.id";

    // Span names made once per command or message type, not per span.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> CommandSpanNames = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> OwnerSpanNames = new();

    private static string OwnerSpanName(object command) => OwnerSpanNames.GetOrAdd(command.GetType(), static t => "owner " + t.Name);

    internal static readonly ActivitySource Source = new(SourceName, typeof(ImapTracing).Assembly.GetName().Version?.ToString(3));

    /// <summary>Starts the span of one command (a root: a command is where a trace begins); null when nobody listens.</summary>
    internal static Activity? StartCommand(string command, long? accountId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var caller = Activity.Current;
        var span = Source.StartActivity(CommandSpanNames.GetOrAdd(command, static c => "IMAP " + c), ActivityKind.Server, parentContext: default);
        Activity.Current = caller;
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("imap.command", command);
            if (accountId is { } id) span.SetTag(AccountIdTag, id);
        }
        return span;
    }

    /// <summary>Ends a command's span with its result (OK, NO, BAD).</summary>
    internal static void EndCommand(Activity? span, StatusKind result, long? accountId)
    {
        if (span is null)
        {
            return;
        }
        if (span.IsAllDataRequested)
        {
            span.SetTag("imap.result", ImapMetrics.ResultName(result));
            // LOGIN and AUTHENTICATE learn the account on the way.
            if (accountId is { } id && span.GetTagItem(AccountIdTag) is null) span.SetTag(AccountIdTag, id);
        }
        if (result != StatusKind.Ok) span.SetStatus(ActivityStatusCode.Error, ImapMetrics.ResultName(result));
        Stop(span);
    }

    /// <summary>A child of <paramref name="parent"/> for one round trip to an owner; null when the command is not traced.</summary>
    internal static Activity? StartOwnerCall(Activity? parent, object command)
    {
        if (parent is null)
        {
            return null;
        }
        var caller = Activity.Current;
        var span = Source.StartActivity(OwnerSpanName(command), ActivityKind.Client, parent.Context);
        Activity.Current = caller;
        return span;
    }

    /// <summary>The W3C traceparent of <paramref name="span"/> to carry across the shard region (null: not traced).</summary>
    internal static string? TraceParent(Activity? span) => span?.Id;

    /// <summary>
    /// The owner's span for a request that carries a trace (<paramref name="traceParent"/>), made
    /// current for the rest of the caller's async method (store spans hang below it).
    /// </summary>
    internal static Activity? StartOwnerWork(string? traceParent, object command, Storage.OwnerKind ownerKind)
    {
        if (traceParent is null || !Source.HasListeners() || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent))
        {
            return null;
        }
        var span = Source.StartActivity(OwnerSpanName(command), ActivityKind.Server, parent);
        if (span is { IsAllDataRequested: true }) span.SetTag("akkaimap.owner.kind", OwnerKindName(ownerKind));
        return span;
    }

    // Enum.ToString allocates each time; the owner's kind was named per request even when untraced.
    private static string OwnerKindName(Storage.OwnerKind kind) => kind switch
    {
        Storage.OwnerKind.Account => nameof(Storage.OwnerKind.Account),
        Storage.OwnerKind.PublicFolders => nameof(Storage.OwnerKind.PublicFolders),
        _ => kind.ToString(),
    };

    /// <summary>Ends a span without leaving its parent current on this thread.</summary>
    internal static void Stop(Activity? span)
    {
        if (span is null)
        {
            return;
        }
        var caller = Activity.Current;
        span.Stop();
        Activity.Current = caller == span ? null : caller;
    }

    /// <summary>Runs <paramref name="body"/> with <paramref name="span"/> current, then restores what was.</summary>
    internal static T InSpan<T>(Activity? span, Func<T> body)
    {
        if (span is null)
        {
            return body();
        }
        var caller = Activity.Current;
        Activity.Current = span;
        try
        {
            return body();
        }
        finally
        {
            Activity.Current = caller;
        }
    }
}
