using System.Reflection;
using System.Text;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Tests.Sessions;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Messages;

/// <summary>
/// The session fixture plus what message-command tests need: messages appended through the
/// account (as a client's APPEND would), a signed-in session with a folder selected, and a store
/// wrapper that counts message reads.
/// </summary>
public abstract class MessageTestKit : SessionTestKit
{
    /// <summary>A multipart/mixed message: text, a base64 attachment and a forwarded message/rfc822.</summary>
    protected const string Multipart =
        "From: Alice <alice@example.com>\r\n" +
        "To: Bob <bob@example.com>\r\n" +
        "Subject: Test\r\n" +
        "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n" +
        "Message-ID: <1@example.com>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"XX\"\r\n" +
        "\r\n" +
        "preamble\r\n" +
        "--XX\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n" +
        "\r\n" +
        "Hello Bob.\r\n" +
        "--XX\r\n" +
        "Content-Type: application/octet-stream; name=\"a.bin\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "\r\n" +
        "AAECAwQF\r\n" +
        "--XX\r\n" +
        "Content-Type: message/rfc822\r\n" +
        "\r\n" +
        "From: Carol <carol@example.com>\r\n" +
        "Subject: Inner\r\n" +
        "\r\n" +
        "Inner body.\r\n" +
        "--XX--\r\n";

    protected const string Simple = "From: Alice <alice@example.com>\r\nSubject: hi\r\n\r\nhello\r\n";

    protected static readonly DateTimeOffset Received = new(2024, 3, 5, 10, 20, 30, TimeSpan.FromHours(2));

    /// <summary>Appends messages to <paramref name="folder"/> through the account; returns their UIDs.</summary>
    protected async Task<IReadOnlyList<uint>> AppendAsync(string folder, params AppendRequest[] messages) =>
        (await AppendThroughAccountAsync(folder, messages)).Messages.Select(m => m.Uid).ToArray();

    protected static AppendRequest Message(string text, MessageFlags flags = MessageFlags.None, params string[] keywords) =>
        new(Encoding.UTF8.GetBytes(text), flags, keywords, Received);

    protected Task<IReadOnlyList<uint>> AppendTextsAsync(params string[] texts) =>
        AppendAsync("INBOX", texts.Select(t => Message(t)).ToArray());

    /// <summary>A signed-in session with <paramref name="folder"/> selected (or examined).</summary>
    protected Client Selected(string folder = "INBOX", bool examine = false, IStore? store = null)
    {
        ClaimRecent(folder);
        var client = store is null ? Connect() : ConnectWith(store);
        client.LogIn();
        var lines = client.Run("s", $"{(examine ? "EXAMINE" : "SELECT")} {folder}");
        Assert.StartsWith("s OK", lines[^1]);
        return client;
    }

    /// <summary>The responses of one command as the client reads them, CRLF-joined.</summary>
    protected static string Text(Client client, string tag, string command) =>
        string.Join("\r\n", client.Run(tag, command));

    private Client ConnectWith(IStore store)
    {
        var probe = CreateTestProbe();
        var services = new SessionServices(Settings, store, Region, Workers, CommandRegistry.CreateDefault());
        var client = new Client(probe, Sys.ActorOf(SessionActor.Props(services, Trusted, probe.Ref)));
        client.Greeting = client.ReadLine();
        return client;
    }

    /// <summary>An <see cref="IStore"/> that forwards every call and counts the message reads.</summary>
    public class CountingStore : DispatchProxy
    {
        private IStore _inner = null!;
        private int _reads;
        private int _wholeReads;
        private int _prefixReads;

        /// <summary>Calls of GetMessage(s)Async and ReadMessage(s)Async so far (from any thread).</summary>
        public int MessageReads => Volatile.Read(ref _reads);

        /// <summary>Calls of ReadMessage(s)Async so far: reads of whole messages or ranges of one.</summary>
        public int WholeReads => Volatile.Read(ref _wholeReads);

        /// <summary>Calls of ReadMessagePrefixesAsync so far: reads of several messages' headers.</summary>
        public int PrefixReads => Volatile.Read(ref _prefixReads);

        public static (IStore Store, CountingStore Counter) Wrap(IStore inner)
        {
            var proxy = Create<IStore, CountingStore>();
            var counter = (CountingStore)(object)proxy;
            counter._inner = inner;
            return (proxy, counter);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name is nameof(IMailStore.GetMessagesAsync) or nameof(IMailStore.GetMessageAsync) or nameof(IMailStore.ReadMessageAsync) or nameof(IMailStore.ReadMessagesAsync))
            {
                Interlocked.Increment(ref _reads);
            }
            if (targetMethod.Name is nameof(IMailStore.ReadMessageAsync) or nameof(IMailStore.ReadMessagesAsync))
            {
                Interlocked.Increment(ref _wholeReads);
            }
            else if (targetMethod.Name is nameof(IMailStore.ReadMessagePrefixesAsync))
            {
                Interlocked.Increment(ref _prefixReads);
            }
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
