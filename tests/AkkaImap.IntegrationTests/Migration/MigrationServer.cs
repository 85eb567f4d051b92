using AkkaImap.IntegrationTests.Infrastructure;

namespace AkkaImap.IntegrationTests.Migration;

/// <summary>A running server with one mailbox per import, export or backup test (the class shares it).</summary>
public sealed class MigrationServer : ServerFixture
{
    public override IReadOnlyDictionary<string, string> Users { get; } =
        new[] { "alice", "bob", "mia", "mo", "eli", "dave", "erin", "ida", "gina", "kim" }
            .ToDictionary(name => $"{name}@example.com", name => $"{name}-Secret-7");

    /// <summary>A scratch folder of this class (removed with the server's).</summary>
    public string Scratch(string name)
    {
        var path = Path.Combine(Folder, "scratch", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
