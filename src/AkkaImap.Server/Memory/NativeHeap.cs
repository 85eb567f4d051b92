using System.Runtime.InteropServices;

namespace AkkaImap.Server.Memory;

/// <summary>
/// glibc's allocator serves SQLite's and OpenSSL's large buffers (a message body read from the
/// store is assembled in one native buffer first). By default it raises its mmap threshold to the
/// size of the largest block freed, after which megabyte-sized buffers come from its arenas and
/// stay there when freed: the process keeps its peak. Fixing the threshold at 128 KiB (its
/// starting value) makes every larger block a mapping of its own, returned when freed.
/// <para>
/// Below that size, each thread's arena keeps a pad of <see cref="TopPadBytes"/> free at its top
/// instead of glibc's 128 KiB. With the small pad the SQLite writer's arena gave back, after every
/// append, the few hundred KiB that deflating the full-text index's folded text takes (zlib's
/// window and hash tables, freed again at once), then faulted them in afresh at the next append:
/// 15 page faults per command of the mixed load, a tenth of the server's CPU under
/// <c>CompressionNative_DeflateInit2_</c> (bench/README.md, "page faults"). Set before any thread
/// allocates (the first thing <c>akkaimap</c> does): set once the store's threads ran, it changed nothing.
/// </para>
/// </summary>
public static class NativeHeap
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int TopPad = -2; // M_TOP_PAD
    private const int TopPadBytes = 16 * 1024 * 1024;
    private static int _applied;

    /// <summary>Once per process, on Linux with glibc; anywhere else a no-op.</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _applied, 1) == 1)
        {
            return;
        }

        try
        {
            // Setting either also switches off glibc's dynamic adjustment of both.
            _ = Mallopt(MmapThreshold, 128 * 1024);
            _ = Mallopt(TrimThreshold, 128 * 1024);
            _ = Mallopt(TopPad, TopPadBytes);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another C library (musl): its allocator returns large blocks by itself.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);
}
