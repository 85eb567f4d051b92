using AkkaImap.Fuzz;
using Xunit;

namespace AkkaImap.Protocol.Tests.Fuzzing;

/// <summary>
/// Replays the fuzzer's committed inputs through the same target the fuzzer runs
/// (fuzz/AkkaImap.Fuzz/ProtocolFuzzTarget.cs): the seed corpus, and every finding saved in
/// fuzz/regressions once it was fixed, so that a fixed crash stays fixed without libFuzzer.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Inputs()
    {
        var root = FindRepositoryRoot();
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "corpus", "regressions" })
        {
            var path = Path.Combine(root, "fuzz", folder);
            if (!Directory.Exists(path)) continue;
            foreach (var file in Directory.GetFiles(path).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(root, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_committed_fuzz_input_runs_without_a_finding(string file)
    {
        var input = File.ReadAllBytes(Path.Combine(FindRepositoryRoot(), file));
        ProtocolFuzzTarget.Run(input);
    }

    [Fact]
    public void The_seed_corpus_is_there()
    {
        Assert.True(Inputs().Count >= 40, "fuzz/corpus should hold the seed inputs");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AkkaImap.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("AkkaImap.sln not found above " + AppContext.BaseDirectory);
    }
}
