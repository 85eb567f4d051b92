using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AkkaImap.Host;

/// <summary>
/// The data folder (<c>akka-imap.storage.path</c>) holds every mailbox and the TLS key: it is 0700
/// and its files 0600 whatever the umask the operator's shell or service manager set (SPEC.md,
/// Files). The process umask becomes 077 before anything is created in it, so files that SQLite
/// makes on its own later (-wal, -shm, journals) are private from their first byte too.
/// </summary>
internal static class DataFolder
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates (or tightens) <paramref name="path"/> and what is in it; call before anything opens a file there.</summary>
    /// <exception cref="OperatorException">The folder cannot be created.</exception>
    public static void Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        RestrictUmask();
        try
        {
            Directory.CreateDirectory(path, PrivateFolder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is UnauthorizedAccessException ? "Permission denied" : ex.Message.TrimEnd('.');
            throw new OperatorException($"cannot create the data folder {path} ({reason}); create it for the user that runs akkaimap, or fix akka-imap.storage.path");
        }

        // A folder made by an earlier version, or by hand, is tightened too: the store's files and
        // those of its subfolders (tls/). What the umask now covers needs no deeper walk.
        Tighten(path, PrivateFolder);
        foreach (var file in Directory.EnumerateFiles(path))
        {
            Tighten(file, PrivateFile);
        }

        foreach (var folder in Directory.EnumerateDirectories(path))
        {
            Tighten(folder, PrivateFolder);
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                Tighten(file, PrivateFile);
            }
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void Tighten(string path, UnixFileMode mode)
    {
        try
        {
            if (File.GetUnixFileMode(path) != mode)
            {
                File.SetUnixFileMode(path, mode);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not ours (another user's store opened by root, say): whoever owns it keeps its mode.
        }
    }

    private static void RestrictUmask()
    {
        try
        {
            _ = umask(0b000_111_111); // 077
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without umask: the explicit modes above still apply to what we create.
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint umask(uint mask);
}
