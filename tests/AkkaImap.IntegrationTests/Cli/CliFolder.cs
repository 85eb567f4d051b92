namespace AkkaImap.IntegrationTests.Cli;

/// <summary>
/// A scratch folder with a config file whose <c>storage.path</c> is the relative "data", so runs
/// also prove that the path is resolved against the config file's folder. Shared by a test class.
/// </summary>
public sealed class CliFolder : IDisposable
{
    public CliFolder()
    {
        Path = Directory.CreateTempSubdirectory("akkaimap-cli-").FullName;
        ConfigFile = Write("akkaimap.conf", "akka-imap.storage.path = data\n");
    }

    public string Path { get; }

    public string ConfigFile { get; }

    public string DataPath => System.IO.Path.Combine(Path, "data");

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
