using System.Text.Json.Nodes;
using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Proxy;

/// <summary>
/// deploy/docker-compose.yml, deploy/haproxy/haproxy.cfg, deploy/cluster/akkaimap.conf and
/// deploy/k8s/: HAProxy's own check passes on the shipped config, the YAML reads as YAML (python3's
/// yaml), the pieces agree with each other, and the AkkaImap configurations pass
/// <c>akkaimap config check</c> with what their entrypoints append. Docker and Kubernetes themselves
/// are not run here.
/// </summary>
public sealed class ClusterDeployFilesTests
{
    private static readonly string Deploy = Path.Combine(AkkaImapExecutable.RepositoryRoot, "deploy");

    private static string HaproxyConfig => Path.Combine(Deploy, "haproxy", "haproxy.cfg");

    /// <summary>Every YAML document of <paramref name="file"/>, read by python3's yaml and handed over as JSON.</summary>
    private static async Task<JsonArray> YamlAsync(string file)
    {
        var result = await ExternalTool.RunAsync("python3",
            ["-c", "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]))", file]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!.AsArray();
    }

    private static async Task<CliResult> ConfigCheckAsync(string text)
    {
        var folder = Directory.CreateTempSubdirectory("akkaimap-deploy-").FullName;
        try
        {
            var file = Path.Combine(folder, "akkaimap.conf");
            await File.WriteAllTextAsync(file, text);
            return await AkkaImapExecutable.RunAsync("config", "check", "--config", file);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_shipped_haproxy_cfg_passes_haproxy_c()
    {
        var result = await PrivateHaproxy.CheckAsync(HaproxyConfig);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Configuration file is valid", result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task Haproxy_sends_PROXY_v2_to_every_node_on_143_and_993_and_checks_health_ready()
    {
        var lines = (await File.ReadAllLinesAsync(HaproxyConfig)).Select(l => l.Trim()).ToList();
        var servers = lines.Where(l => l.StartsWith("server ", StringComparison.Ordinal)).ToList();

        Assert.Equal(6, servers.Count);
        Assert.All(servers, s => Assert.Contains(" send-proxy-v2", s));
        Assert.Equal(3, servers.Count(s => s.Contains(":143 ", StringComparison.Ordinal)));
        Assert.Equal(3, servers.Count(s => s.Contains(":993 ", StringComparison.Ordinal)));
        Assert.Contains("bind :143", lines);
        Assert.Contains("bind :993", lines);
        Assert.Equal(2, lines.Count(l => l == "option httpchk GET /health/ready"));
    }

    [Fact]
    public async Task The_compose_file_has_postgres_three_nodes_and_haproxy_at_the_address_the_nodes_trust()
    {
        var compose = (await YamlAsync(Path.Combine(Deploy, "docker-compose.yml")))[0]!;
        var services = compose["services"]!.AsObject();

        Assert.Equal(["akkaimap-1", "akkaimap-2", "akkaimap-3", "haproxy", "migrate", "postgres"], services.Select(s => s.Key).Order());
        var haproxy = services["haproxy"]!;
        Assert.Equal(["143:143", "993:993"], haproxy["ports"]!.AsArray().Select(p => p!.GetValue<string>()));
        var address = haproxy["networks"]!["mail"]!["ipv4_address"]!.GetValue<string>();
        var nodeConfig = await File.ReadAllTextAsync(Path.Combine(Deploy, "cluster", "akkaimap.conf"));
        Assert.Contains($"proxy-protocol.trusted-networks = [\"{address}\"]", nodeConfig);

        for (var n = 1; n <= 3; n++)
        {
            var node = services[$"akkaimap-{n}"]!;
            Assert.Equal($"akkaimap-{n}", node["hostname"]!.GetValue<string>());
            Assert.Contains("/health/ready", node["healthcheck"]!["test"]!.ToJsonString());
            Assert.Contains($"akka.tcp://akkaimap@akkaimap-{n}:4053", nodeConfig);
        }
    }

    [Fact]
    public async Task The_node_configuration_passes_config_check_with_what_the_entrypoint_appends()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Deploy, "cluster", "akkaimap.conf"));
        text += "akka.remote.dot-netty.tcp.public-hostname = \"akkaimap-1\"\n" +
                "akka-imap.storage.postgresql.connection-string = \"Host=postgres;Database=akkaimap;Username=akkaimap;Password=x\"\n";

        var result = await ConfigCheckAsync(text);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("akka-imap.proxy-protocol.trusted-networks = [\"172.30.0.10/32\"]", result.StdoutLines);
        Assert.Contains("akka-imap.storage.provider = postgresql", result.StdoutLines);
    }

    [Fact]
    public async Task The_k8s_manifests_are_a_statefulset_with_readiness_on_health_ready_a_headless_and_an_imap_service()
    {
        var docs = await K8sManifestsAsync();

        Assert.Equal(["ConfigMap", "Service", "Service", "StatefulSet"], docs.Select(d => d["kind"]!.GetValue<string>()).Order());
        var set = docs.Single(d => d["kind"]!.GetValue<string>() == "StatefulSet");
        Assert.Equal("akkaimap-remoting", set["spec"]!["serviceName"]!.GetValue<string>());
        var container = set["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("/health/ready", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());

        var services = docs.Where(d => d["kind"]!.GetValue<string>() == "Service").ToDictionary(d => d["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("None", services["akkaimap-remoting"]["spec"]!["clusterIP"]!.GetValue<string>());
        Assert.Equal([143, 993], services["akkaimap-imap"]["spec"]!["ports"]!.AsArray().Select(p => p!["port"]!.GetValue<int>()));

        // The configuration in the ConfigMap, with what the pod's command appends and a certificate
        // where the tls Secret would be mounted, passes config check.
        var scratch = Directory.CreateTempSubdirectory("akkaimap-k8s-").FullName;
        try
        {
            var openssl = await ExternalTool.RunAsync("openssl",
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=mail.example.com", "-days", "2",
                 "-keyout", Path.Combine(scratch, "tls.key"), "-out", Path.Combine(scratch, "tls.crt")]);
            Assert.True(openssl.ExitCode == 0, openssl.ToString());
            var config = docs.Single(d => d["kind"]!.GetValue<string>() == "ConfigMap")["data"]!["akkaimap.conf"]!.GetValue<string>();
            config = config.Replace("/etc/akkaimap/tls/", scratch + "/", StringComparison.Ordinal) +
                     "akka.remote.dot-netty.tcp.public-hostname = \"akkaimap-0.akkaimap-remoting\"\n" +
                     "akka.management.http.hostname = \"akkaimap-0.akkaimap-remoting\"\n" +
                     "akka-imap.storage.postgresql.connection-string = \"Host=db;Database=akkaimap;Username=akkaimap;Password=x\"\n";

            var result = await ConfigCheckAsync(config);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("akka-imap.proxy-protocol.trusted-networks = []", result.StdoutLines);
            Assert.Contains("# cluster membership: Cluster Bootstrap, contact points from akka.discovery.method = config (service akkaimap), at least 3 before a new cluster forms", result.StdoutLines);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task The_k8s_pods_find_each_other_by_cluster_bootstrap_over_their_stable_names()
    {
        var docs = await K8sManifestsAsync();
        var set = docs.Single(d => d["kind"]!.GetValue<string>() == "StatefulSet")["spec"]!;
        var replicas = set["replicas"]!.GetValue<int>();
        var config = docs.Single(d => d["kind"]!.GetValue<string>() == "ConfigMap")["data"]!["akkaimap.conf"]!.GetValue<string>();
        var container = set["template"]!["spec"]!["containers"]![0]!;
        var port = container["ports"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "management")!["containerPort"]!.GetValue<int>();

        // Discovery instead of seed nodes: every pod's management endpoint by its stable name in the
        // headless Service, all of them before the first cluster forms, the pods started together.
        Assert.DoesNotContain("seed-nodes", config, StringComparison.Ordinal);
        Assert.Contains("method = config", config, StringComparison.Ordinal);
        for (var n = 0; n < replicas; n++)
        {
            Assert.Contains($"\"akkaimap-{n}.{set["serviceName"]!.GetValue<string>()}:{port}\"", config, StringComparison.Ordinal);
        }
        Assert.Contains($"http {{ port = {port}, bind-hostname = \"0.0.0.0\" }}", config, StringComparison.Ordinal);
        Assert.Contains($"required-contact-point-nr = {replicas}", config, StringComparison.Ordinal);
        Assert.Equal("Parallel", set["podManagementPolicy"]!.GetValue<string>());
        // Each pod knows itself among them by the name the entrypoint appends.
        Assert.Contains("akka.management.http.hostname = \"%s.akkaimap-remoting\"", container["command"]!.AsArray().Last()!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<List<JsonNode>> K8sManifestsAsync()
    {
        var docs = new List<JsonNode>();
        foreach (var file in Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Order())
        {
            docs.AddRange((await YamlAsync(file)).Select(d => d!));
        }

        return docs;
    }
}
