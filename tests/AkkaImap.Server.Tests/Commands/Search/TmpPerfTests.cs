using System.Diagnostics;
using System.Text;
using AkkaImap.Storage;
using Xunit;
using Xunit.Abstractions;

namespace AkkaImap.Server.Tests.Commands.Search;

public sealed class TmpPerfTests(ITestOutputHelper output) : SearchTestKit
{
    [Fact]
    public async Task Perf()
    {
        var folder = await FolderAsync("INBOX");
        var sw = Stopwatch.StartNew();
        for (int b = 0; b < 40; b++)
        {
            var batch = Enumerable.Range(0, 500).Select(i => new AppendRequest(Encoding.ASCII.GetBytes(
                $"From: User {b}-{i} <u{b}x{i}@example.com>\r\nTo: someone@example.org\r\nSubject: message {b} {i}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nbody text {i}\r\n"))).ToList();
            await Store.AppendAsync(folder.Id, batch);
        }
        output.WriteLine($"append {sw.ElapsedMilliseconds} ms");
        var client = InInbox();
        foreach (var q in new[] { "FROM zzz", "FROM u7x42@", "SUBJECT \"message 3 \"", "BODY nomatch", "SEEN", "HEADER X-Foo a" })
        {
            sw.Restart();
            var lines = client.Run("a", "SEARCH " + q);
            output.WriteLine($"{q}: {sw.ElapsedMilliseconds} ms, {lines[0][..Math.Min(60, lines[0].Length)]}");
        }
    }
}
