using System.Diagnostics;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Durability;

/// <summary>
/// A server (IMAP and LMTP) whose data folder is a small tmpfs of its own, so the test can fill the disk for real
/// (ENOSPC from the kernel, SQLITE_FULL from SQLite). Mounting needs root, as CI has; the tmpfs
/// is unmounted when the class is done. <see cref="FillerPath"/> is a file the test writes into
/// it to leave little room, and deletes to free space again.
/// </summary>
public sealed class DiskFullServer : ServerFixture, IAsyncLifetime
{
    private const string Size = "24m";
    private bool _mounted;

    public DiskFullServer()
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException(
                $"DiskFullTests mounts a tmpfs and needs root (CI runs as root); it runs as {Environment.UserName}");
        }

        Directory.CreateDirectory(DataPath);
        Run("mount", "-t", "tmpfs", "-o", $"size={Size},mode=0700", "akkaimap-diskfull", DataPath);
        _mounted = true;
    }

    public int LmtpPort { get; } = FreePort();

    protected override string ExtraSettings => $"lmtp {{ enabled = on, port = {LmtpPort} }}";

    public string FillerPath => Path.Combine(DataPath, "filler");

    /// <summary>Bytes free on the tmpfs.</summary>
    public long FreeBytes => new DriveInfo(DataPath).AvailableFreeSpace;

    /// <summary>Writes the filler so that about <paramref name="leave"/> bytes stay free.</summary>
    public void FillLeaving(long leave)
    {
        var size = FreeBytes - leave;
        using var filler = new FileStream(FillerPath, FileMode.Create, FileAccess.Write);
        var block = new byte[64 * 1024];
        Random.Shared.NextBytes(block);
        for (long written = 0; written < size; written += block.Length)
        {
            filler.Write(block, 0, (int)Math.Min(block.Length, size - written));
        }
    }

    /// <summary>
    /// Grows the filler until the file system refuses another byte: a refused write proves the
    /// disk full at that moment, not for the next one (a failed transaction frees its pages, and
    /// the full-text index pass that shared its batch may be the write that no longer fits).
    /// </summary>
    public void FillRest()
    {
        using var filler = new FileStream(FillerPath, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var size in new[] { 64 * 1024, 4096, 512, 1 })
        {
            var block = new byte[size];
            try
            {
                while (true) filler.Write(block, 0, block.Length);
            }
            catch (IOException)
            {
                // No room for a block of this size: try the next smaller one.
            }
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (_mounted)
            {
                Run("umount", DataPath);
                _mounted = false;
            }

            await DisposeAsync();
        }
    }

    private static void Run(string tool, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"{tool} did not start");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }
    }
}
