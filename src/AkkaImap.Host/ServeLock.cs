using System.Globalization;
using System.Text;

namespace AkkaImap.Host;

/// <summary>
/// One <c>akkaimap serve</c> per embedded store (SPEC.md, Operator interface): <c>serve</c> holds
/// an OS lock on <c>serve.lock</c> in the data folder for as long as it runs, and writes its pid
/// there so that a second one can say which process to stop. Admin commands do not take it: they
/// work beside the running server.
/// </summary>
/// <remarks>
/// The lock is a record lock (<see cref="FileStream.Lock"/>, fcntl on Linux), which the kernel drops
/// when the process ends however it ends, kill -9 included: no stale lock to clean up. Not
/// <see cref="FileShare.None"/> (flock): that would also stop the second process from reading the
/// pid. Nothing else in this process opens the file, since closing any descriptor of it would
/// release a POSIX record lock.
/// </remarks>
internal sealed class ServeLock : IDisposable
{
    public const string FileName = "serve.lock";

    private readonly FileStream _file;

    private ServeLock(FileStream file) => _file = file;

    /// <summary>Takes the lock of <paramref name="dataFolder"/> (which must exist) or says who holds it.</summary>
    /// <exception cref="OperatorException">Another serve runs on this folder, or the lock file cannot be made.</exception>
    public static ServeLock Acquire(string dataFolder)
    {
        var path = Path.Combine(dataFolder, FileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is UnauthorizedAccessException ? "Permission denied" : ex.Message.TrimEnd('.');
            throw new OperatorException($"cannot create {path} ({reason}); run akkaimap serve as the user that owns akka-imap.storage.path {dataFolder}");
        }

        try
        {
            // macOS has no FileStream.Lock; a second server there fails later, on the port.
            if (!OperatingSystem.IsMacOS())
            {
                file.Lock(0, 1);
            }
        }
        catch (IOException)
        {
            var holder = ReadPid(file);
            file.Dispose();
            throw new OperatorException(
                $"akka-imap.storage.path {dataFolder} is in use by another akkaimap serve{(holder is null ? "" : $" (pid {holder})")}: stop it first, or point storage.path elsewhere");
        }

        var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        file.SetLength(0);
        file.Write(pid);
        file.Flush();
        return new ServeLock(file);
    }

    /// <summary>Clears the pid (a stopped server names no process) and releases the lock.</summary>
    public void Dispose()
    {
        try
        {
            _file.SetLength(0);
        }
        catch (IOException)
        {
            // The lock goes with the descriptor anyway.
        }

        _file.Dispose();
    }

    private static int? ReadPid(FileStream file)
    {
        try
        {
            var buffer = new byte[32];
            file.Position = 0;
            var read = file.Read(buffer);
            return int.TryParse(Encoding.ASCII.GetString(buffer, 0, read).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
