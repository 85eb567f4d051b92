using System.Net;

namespace AkkaImap.IntegrationTests.Telemetry;

/// <summary>
/// An OTLP/HTTP collector for tests: an <see cref="HttpListener"/> on a free loopback port that
/// accepts what the server's exporter POSTs (answering an empty ExportTraceServiceResponse) and
/// keeps the name of every span, read by walking the protobuf (ExportTraceServiceRequest:
/// resource_spans = 1 → scope_spans = 2 → spans = 2 → name = 5).
/// </summary>
public sealed class OtlpSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<string> _names = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OtlpSink()
    {
        Port = ServerFixtureFreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public int Port { get; }

    /// <summary>The names of the spans received so far, in the order they came.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate) return [.. _names];
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for the names received, or <paramref name="limit"/> passes (then it returns what came).</summary>
    public async Task<IReadOnlyList<string>> WaitAsync(Func<IReadOnlyList<string>, bool> done, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (done(_names)) return [.. _names];
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return Names;
            }
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var names = SpanNames(body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
            TaskCompletionSource changed;
            lock (_gate)
            {
                _names.AddRange(names);
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            changed.TrySetResult();
        }
    }

    private static List<string> SpanNames(byte[] request)
    {
        var names = new List<string>();
        foreach (var (resource, rs, re) in Fields(request, 0, request.Length))
        {
            if (resource != 1) continue;
            foreach (var (scope, ss, se) in Fields(request, rs, re))
            {
                if (scope != 2) continue;
                foreach (var (span, ps, pe) in Fields(request, ss, se))
                {
                    if (span != 2) continue;
                    foreach (var (field, fs, fe) in Fields(request, ps, pe))
                    {
                        if (field != 5) continue;
                        names.Add(System.Text.Encoding.UTF8.GetString(request, fs, fe - fs));
                        break;
                    }
                }
            }
        }
        return names;
    }

    /// <summary>The length-delimited fields of a message between <paramref name="start"/> and <paramref name="end"/>: number, start, end.</summary>
    private static IEnumerable<(int Field, int Start, int End)> Fields(byte[] b, int start, int end)
    {
        var i = start;
        while (i < end)
        {
            var key = Varint(b, ref i);
            switch (key & 7)
            {
                case 0: Varint(b, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint(b, ref i);
                    yield return ((int)(key >> 3), i, i + length);
                    i += length;
                    break;
                default: throw new FormatException($"wire type {key & 7} in an OTLP request");
            }
        }
    }

    private static ulong Varint(byte[] b, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var c = b[i++];
            value |= (ulong)(c & 0x7F) << shift;
            if (c < 0x80) return value;
        }
    }

    private static int ServerFixtureFreePort() => Infrastructure.ServerFixture.FreePort();

    public void Dispose() => _listener.Close();
}
