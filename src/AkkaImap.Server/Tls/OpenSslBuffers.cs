using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;

namespace AkkaImap.Server.Tls;

/// <summary>
/// Lets OpenSSL free a TLS connection's record buffers while it is idle. OpenSSL keeps a read
/// buffer and a write buffer of about 16.7 KB each for every connection's whole life unless
/// <c>SSL_MODE_RELEASE_BUFFERS</c> is set, and .NET's SslStream on Linux does not set it: they
/// were 33 of the 42 KB an idle TLS connection cost (bench/README.md, issue 17). With the mode
/// set, OpenSSL allocates them while a record is read or written and frees them after.
/// SslStream does not expose its <c>SSL*</c>; its private security context is that handle on
/// Linux (.NET 10). It is used only when everything matches what is expected: the field and its
/// handle type, and exactly one libssl mapped into the process (the one the runtime loaded), whose
/// <c>SSL_ctrl</c> is called. Anything else leaves the connection as SslStream made it.
/// </summary>
internal static class OpenSslBuffers
{
    private const int SslCtrlMode = 33;          // SSL_CTRL_MODE (ssl.h)
    private const long ModeReleaseBuffers = 0x10; // SSL_MODE_RELEASE_BUFFERS (ssl.h)

    private static readonly FieldInfo? ContextField =
        typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly Lazy<SslCtrl?> Ctrl = new(FindSslCtrl);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslCtrl(nint ssl, int cmd, nint larg, nint parg);

    /// <summary>
    /// Sets <c>SSL_MODE_RELEASE_BUFFERS</c> on <paramref name="ssl"/>'s OpenSSL connection; true
    /// when OpenSSL reports the mode set. Call it after the handshake, before any read or write.
    /// </summary>
    public static bool TryRelease(SslStream ssl)
    {
        if (!OperatingSystem.IsLinux() || ContextField?.GetValue(ssl) is not SafeHandle { IsInvalid: false } handle
            || handle.GetType().Name != "SafeSslHandle" || Ctrl.Value is not { } ctrl)
        {
            return false;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return (ctrl(handle.DangerousGetHandle(), SslCtrlMode, (nint)ModeReleaseBuffers, 0) & (nint)ModeReleaseBuffers) != 0;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    // The libssl already mapped: a second, different one would not know the runtime's SSL objects.
    private static SslCtrl? FindSslCtrl()
    {
        try
        {
            var mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).StartsWith("libssl.so", StringComparison.Ordinal))
                .Select(fields => fields[5])
                .Distinct()
                .ToList();
            if (mapped.Count != 1) return null;
            var library = NativeLibrary.Load(mapped[0]);
            return NativeLibrary.TryGetExport(library, "SSL_ctrl", out var export)
                ? Marshal.GetDelegateForFunctionPointer<SslCtrl>(export)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }
}
