using Akka.Actor;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Telemetry;
using AkkaImap.Storage;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AkkaImap.Host.Telemetry;

/// <summary>
/// The server's OpenTelemetry: with <c>telemetry.prometheus.port</c> set, a meter provider over the
/// server's, the store's and this node's meters plus the .NET runtime and process instruments,
/// served as Prometheus text with the health checks (<see cref="TelemetryEndpoint"/>); with
/// <c>telemetry.otlp.endpoint</c> set, a tracer provider exporting the command, owner and store
/// spans over OTLP. Started before the actor system, so <c>/health/ready</c> answers (503) while
/// the server is still starting.
/// </summary>
internal sealed class ServerTelemetry : IAsyncDisposable
{
    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The exporter's queue and batches. A busy server makes about 2.8 spans per command, 3,500 a
    /// second at 1,300 commands a second: the SDK's default queue (2,048, a batch of 512) holds half a
    /// second of them and drops whatever comes while the exporter thread waits for its CPU. This
    /// one holds several seconds, and sends them in fewer, larger requests; a span waits at most a
    /// second when the server is quiet.
    /// </summary>
    private static BatchExportProcessorOptions<System.Diagnostics.Activity> ExportBatching => new()
    {
        MaxQueueSize = 16384,
        MaxExportBatchSize = 2048,
        ScheduledDelayMilliseconds = 1000,
    };

    private static readonly (string OTel, string Prometheus)[] Renamed =
    [
        ("dotnet.assembly.count", "dotnet.assemblies"),
        ("dotnet.process.cpu.count", "dotnet.process.cpus"),
        ("dotnet.thread_pool.thread.count", "dotnet.thread_pool.threads"),
        ("dotnet.timer.count", "dotnet.timers"),
        ("process.thread.count", "process.threads"),
        ("process.unix.file_descriptor.count", "process.unix.file_descriptors"),
        ("process.windows.handle.count", "process.windows.handles"),
    ];

    private readonly MeterProvider? _meters;
    private readonly TracerProvider? _tracer;
    private readonly NodeGauges? _node;
    private TelemetryEndpoint? _endpoint;

    private ServerTelemetry(Readiness readiness, MeterProvider? meters, NodeGauges? node, TracerProvider? tracer)
    {
        Readiness = readiness;
        _meters = meters;
        _node = node;
        _tracer = tracer;
    }

    public Readiness Readiness { get; }

    /// <summary>Where the endpoint listens; null when <c>telemetry.prometheus.port</c> is off.</summary>
    public System.Net.IPEndPoint? Endpoint => _endpoint?.LocalEndPoint;

    /// <exception cref="OperatorException">The endpoint's port or address cannot be bound (one line).</exception>
    public static ServerTelemetry Start(ImapSettings settings, IStore store)
    {
        var t = settings.Telemetry;
        var version = typeof(ServerTelemetry).Assembly.GetName().Version?.ToString(3);
        TracerProvider? tracer = null;
        if (t.OtlpEndpoint is { } otlp)
        {
            var http = t.OtlpProtocol == "http/protobuf";
            tracer = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(r => r.AddService("akkaimap", serviceVersion: version, serviceInstanceId: Environment.MachineName))
                .AddSource(ImapTracing.SourceName, StoreTelemetry.Name)
                // A trace is kept or dropped whole: the owner's and store's spans follow the command's.
                .SetSampler(new ParentBasedSampler(t.SampleRatio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(t.SampleRatio)))
                .AddOtlpExporter(o =>
                {
                    o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                    o.Endpoint = http && otlp.AbsolutePath is "" or "/" ? new Uri(otlp, "v1/traces") : otlp;
                    o.BatchExportProcessorOptions = ExportBatching;
                })
                .Build();
        }

        var readiness = new Readiness(store);
        if (t.PrometheusPort is not { } port)
        {
            return new ServerTelemetry(readiness, null, null, tracer);
        }

        var node = new NodeGauges(settings.Storage.Path);
        var reader = PrometheusTextReader.Create();
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(ImapMetrics.MeterName, StoreTelemetry.Name, NodeGauges.MeterName)
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation();
        // Prometheus keeps _count for histograms and summaries (promtool flags a gauge named so):
        // the runtime's and process' counts of things are named after the things instead.
        foreach (var (otel, prometheus) in Renamed)
        {
            builder.AddView(otel, prometheus);
        }
        var meters = builder
            .AddReader(reader)
            .Build();
        var telemetry = new ServerTelemetry(readiness, meters, node, tracer);
        try
        {
            telemetry._endpoint = TelemetryEndpoint.Start(t.PrometheusBind, port, async ct =>
            {
                await node.RefreshAsync(ct).ConfigureAwait(false);
                return reader.Scrape(ScrapeTimeout);
            }, readiness);
        }
        catch (Server.Transport.ListenerBindException ex)
        {
            telemetry.DisposeProviders();
            throw new OperatorException(ex.Message);
        }
        return telemetry;
    }

    /// <summary>The actor system and owner region are up: cluster and shard gauges and readiness follow them.</summary>
    public void Attach(ActorSystem system, IActorRef region)
    {
        Readiness.Attach(system);
        if (_node is not null)
        {
            _node.Attach(system, region);
            DeadLetterCounting.Start(system);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_endpoint is not null)
        {
            await _endpoint.DisposeAsync().ConfigureAwait(false);
        }
        DisposeProviders();
    }

    private void DisposeProviders()
    {
        _meters?.Dispose();
        _node?.Dispose();
        if (_tracer is not null)
        {
            // Spans still batched go out now, but an unreachable collector does not hold up the stop.
            _tracer.Shutdown((int)FlushTimeout.TotalMilliseconds);
            _tracer.Dispose();
        }
    }
}
