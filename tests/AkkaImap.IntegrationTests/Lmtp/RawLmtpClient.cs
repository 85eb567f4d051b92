using System.Net.Sockets;
using System.Text;

namespace AkkaImap.IntegrationTests.Lmtp;

/// <summary>An LMTP client over a plain socket, for what no library sends: pipelined batches, broken input, a hang-up mid-message.</summary>
public sealed class RawLmtpClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StringBuilder _pending = new();
    private readonly byte[] _buffer = new byte[8192];

    private RawLmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _stream.ReadTimeout = 30_000;
    }

    /// <summary>Connects, reads the greeting and says LHLO.</summary>
    public static async Task<RawLmtpClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var client = new RawLmtpClient(tcp);
        await client.ReadRepliesAsync(1);
        await client.SendAsync("LHLO client.test\r\n");
        await client.ReadRepliesAsync(1);
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads <paramref name="count"/> whole replies (a multi-line reply counts once), each as its lines joined by \n.</summary>
    public async Task<List<string>> ReadRepliesAsync(int count)
    {
        var replies = new List<string>();
        var current = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (replies.Count < count)
        {
            var text = _pending.ToString();
            int eol = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (eol < 0)
            {
                int n = await _stream.ReadAsync(_buffer, timeout.Token);
                if (n == 0)
                {
                    throw new IOException($"connection closed after {string.Join(" | ", replies)}");
                }
                _pending.Append(Encoding.ASCII.GetString(_buffer, 0, n));
                continue;
            }
            string line = text[..eol];
            _pending.Remove(0, eol + 2);
            current.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                replies.Add(string.Join("\n", current));
                current.Clear();
            }
        }
        return replies;
    }

    /// <summary>True when the server closed the connection (reads 0 bytes) before anything else came.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return _pending.Length == 0 && await _stream.ReadAsync(_buffer, timeout.Token) == 0;
    }

    public void Dispose() => _tcp.Dispose();
}
