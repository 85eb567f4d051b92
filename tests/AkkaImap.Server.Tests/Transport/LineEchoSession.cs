using System.Text;
using Akka.Actor;
using AkkaImap.Server.Transport;

namespace AkkaImap.Server.Tests.Transport;

/// <summary>
/// A test-only session: greets, echoes each line as "ECHO line", and understands a few commands
/// that drive the transport: STARTTLS, QUIT, THROW, INFO, DISPATCHER, BIG n. Closes when the
/// client half-closes (<see cref="ClientInputEnded"/>), as every session must.
/// </summary>
internal sealed class LineEchoSession : UntypedActor
{
    private readonly IActorRef _connection;
    private readonly List<byte> _buffer = [];
    private ConnectionInfo _info;
    private bool _awaitingTls;

    public LineEchoSession(ConnectionInfo info, IActorRef connection)
    {
        _info = info;
        _connection = connection;
    }

    public static SessionPropsFactory Factory { get; } = (info, connection) => Props.Create(() => new LineEchoSession(info, connection));

    protected override void PreStart() => Say("* OK hello");

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientData when _awaitingTls:
                // Plaintext sent before the client saw our OK to STARTTLS: never acted on (CVE-2011-0411).
                break;
            case ClientData data:
                _buffer.AddRange(data.Data.ToArray());
                HandleLines();
                break;
            case TlsEstablished:
                _awaitingTls = false;
                _info = _info with { IsTls = true, CanStartTls = false };
                break;
            case ClientInputEnded:
                // Every line received is answered already: close, as a session must.
                _connection.Tell(Close.Instance);
                break;
            case ConnectionClosed:
                Context.Stop(Self);
                break;
        }
    }

    private void HandleLines()
    {
        int end;
        while (!_awaitingTls && (end = _buffer.IndexOf((byte)'\n')) >= 0)
        {
            var line = Encoding.ASCII.GetString(_buffer.GetRange(0, end).ToArray()).TrimEnd('\r');
            _buffer.RemoveRange(0, end + 1);
            Handle(line);
        }
    }

    private void Handle(string line)
    {
        var words = line.Split(' ');
        switch (words[0])
        {
            case "STARTTLS":
                // The OK travels with the switch, as the real session sends it: told apart, the
                // connection could write the OK and take the client's ClientHello as plaintext
                // before the switch reached it (this session would then drop it, and the handshake
                // would wait for it forever).
                _connection.Tell(new StartTls(Encoding.ASCII.GetBytes("OK begin TLS\r\n")));
                _awaitingTls = true;
                _buffer.Clear();
                break;
            case "QUIT":
                Say("BYE");
                _connection.Tell(Close.Instance);
                break;
            case "THROW":
                throw new InvalidOperationException("test session failure");
            case "INFO":
                Say($"INFO tls={_info.IsTls} starttls={_info.CanStartTls} trusted={_info.IsTrustedNetwork} endpoint={_info.EndpointName}");
                break;
            case "DISPATCHER":
                Say("DISPATCHER " + Context.Props.Dispatcher);
                break;
            case "BIG":
                // Many small writes in a row, as a FETCH answer makes them.
                var count = int.Parse(words[1]);
                for (var i = 0; i < count; i++)
                {
                    Say($"line {i} {new string('x', 60)}");
                }

                Say("END");
                break;
            default:
                Say("ECHO " + line);
                break;
        }
    }

    private void Say(string line) => _connection.Tell(Send.Ascii(line + "\r\n"));
}
