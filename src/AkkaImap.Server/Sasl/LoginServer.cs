using System.Text;

namespace AkkaImap.Server.Sasl;

/// <summary>
/// LOGIN (draft-murchison-sasl-login-00): the server asks <c>Username:</c> then
/// <c>Password:</c>, the client answers each. Some clients send the user name as an initial
/// response (§2 allows it), which skips the first challenge.
/// </summary>
public sealed class LoginServer : ISaslServer
{
    private static readonly byte[] UserNamePrompt = Encoding.ASCII.GetBytes("Username:");
    private static readonly byte[] PasswordPrompt = Encoding.ASCII.GetBytes("Password:");

    private enum State { New, WantUser, WantPassword, Done }

    private State _state;
    private string _user = "";

    public string Name => SaslMechanisms.Login;

    public SaslStep Start(byte[]? initialResponse)
    {
        if (_state != State.New) throw SaslText.OutOfTurn(Name);
        if (initialResponse is null || initialResponse.Length == 0)
        {
            _state = State.WantUser;
            return new SaslStep.Challenge(UserNamePrompt);
        }
        return OnUser(initialResponse);
    }

    public SaslStep Step(ReadOnlySpan<byte> response)
    {
        switch (_state)
        {
            case State.WantUser:
                return OnUser(response);
            case State.WantPassword:
                _state = State.Done;
                if (!SaslText.TryUtf8(response, out var password) || password.Length == 0)
                    return SaslText.Malformed("Malformed LOGIN password");
                return new SaslStep.CheckPassword(_user, password);
            default:
                throw SaslText.OutOfTurn(Name);
        }
    }

    public SaslStep ProvideSecret(SaslSecret? secret) => throw SaslText.OutOfTurn(Name);

    private SaslStep OnUser(ReadOnlySpan<byte> response)
    {
        if (!SaslText.TryUtf8(response, out _user) || _user.Length == 0)
        {
            _state = State.Done;
            return SaslText.Malformed("Malformed LOGIN user name");
        }
        _state = State.WantPassword;
        return new SaslStep.Challenge(PasswordPrompt);
    }
}
