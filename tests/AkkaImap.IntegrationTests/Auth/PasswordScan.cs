using System.Text;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>
/// The store keeps only derived secrets and the log never a password (issue 5, SPEC.md Security):
/// no file of the data folder and no line the server printed holds a password, in UTF-8 or UTF-16LE.
/// </summary>
public static class PasswordScan
{
    public static void AssertNowhere(ServerFixture server, IEnumerable<string> passwords)
    {
        var needles = passwords
            .SelectMany(p => new[] { ("UTF-8 " + p, Encoding.UTF8.GetBytes(p)), ("UTF-16LE " + p, Encoding.Unicode.GetBytes(p)) })
            .ToList();
        var files = Directory.EnumerateFiles(server.DataPath, "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        // A control that the scan sees the store's contents (WAL included): the user names are there.
        var control = Encoding.UTF8.GetBytes(server.Users.Keys.First().Split('@')[0]);
        var controlSeen = false;
        foreach (var file in files)
        {
            // The server still runs: share the file as SQLite and the WAL keep writing it.
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }

            controlSeen |= bytes.AsSpan().IndexOf(control) >= 0;
            foreach (var (name, needle) in needles)
            {
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{name} found in {file}");
            }
        }

        Assert.True(controlSeen, "no file of the data folder holds a user name: the scan reads nothing");

        var output = Encoding.UTF8.GetBytes(server.Output);
        Assert.False(string.IsNullOrEmpty(server.Output));
        foreach (var (name, needle) in needles)
        {
            Assert.True(output.AsSpan().IndexOf(needle) < 0, $"{name} found in the server's output");
        }
    }
}
