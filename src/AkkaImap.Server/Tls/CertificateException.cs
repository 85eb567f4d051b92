namespace AkkaImap.Server.Tls;

/// <summary>The server certificate cannot be used; the message is one line naming the key and the fix.</summary>
public sealed class CertificateException(string message, Exception? inner = null) : Exception(message, inner);
