using System.Reflection;
using Akka.Configuration;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Host;

/// <summary>
/// The effective configuration: the operator's <c>--config</c> file layered over the built-in
/// reference.conf (embedded in this assembly). <see cref="Config"/> is also the actor system's
/// configuration, so a file may set <c>akka.*</c> keys beside <c>akka-imap</c>.
/// </summary>
internal sealed record HostConfig(Config Config, ImapSettings Settings, string? File)
{
    private static readonly Lazy<Config> Reference = new(LoadReference);

    /// <summary>The built-in defaults (hocon/reference.conf).</summary>
    public static Config ReferenceConfig => Reference.Value;

    /// <summary>Loads <paramref name="file"/> (or only the defaults when null) and validates it.</summary>
    /// <exception cref="OperatorException">The file is missing or unreadable.</exception>
    /// <exception cref="SettingsException">Not HOCON (with line and column), a top-level block other than akka-imap and akka, or a bad value.</exception>
    public static HostConfig Load(string? file) => Load(file, overrides: null);

    /// <summary>As <see cref="Load(string?)"/>, with <paramref name="overrides"/> taking precedence over the file.</summary>
    public static HostConfig Load(string? file, Config? overrides)
    {
        var config = ReferenceConfig;
        string? baseDirectory = null;
        if (file is not null)
        {
            var path = Path.GetFullPath(file);
            if (!System.IO.File.Exists(path))
            {
                throw new OperatorException($"--config {file}: file not found");
            }

            config = HoconFile.Parse(ReadText(path), path).WithFallback(config);
            baseDirectory = Path.GetDirectoryName(path);
            file = path;
        }

        if (overrides is not null)
        {
            config = overrides.WithFallback(config);
        }

        return new HostConfig(config, ImapSettings.FromConfig(config, baseDirectory), file);
    }

    private static string ReadText(string path)
    {
        try
        {
            return System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OperatorException($"--config {path}: cannot read it: {ex.Message}");
        }
    }

    private static Config LoadReference()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("reference.conf")
            ?? throw new InvalidOperationException("reference.conf is not embedded in " + Assembly.GetExecutingAssembly().GetName().Name);
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
