using AkkaImap.Server.Configuration;

namespace AkkaImap.Server.Sasl;

/// <summary>
/// The mechanism names, which are switched on (<c>auth.*</c>), and the factory the
/// AUTHENTICATE handler uses. PLAIN and LOGIN carry the password itself, so the handler offers
/// them only where plaintext login is allowed (TLS or a trusted network).
/// </summary>
public static class SaslMechanisms
{
    public const string Plain = "PLAIN";
    public const string Login = "LOGIN";
    public const string CramMd5 = "CRAM-MD5";
    public const string Ntlm = "NTLM";
    public const string ScramSha256 = "SCRAM-SHA-256";

    /// <summary>True for mechanisms that send the password in the clear (RFC 4616 §4).</summary>
    public static bool SendsPassword(string name) => name is Plain or Login;

    /// <summary>The names switched on, in the order to advertise them (AUTH=…).</summary>
    public static IReadOnlyList<string> Enabled(AuthSettings auth, bool plaintextAllowed)
    {
        var names = new List<string>();
        if (auth.Plain && plaintextAllowed) names.Add(Plain);
        if (auth.Login && plaintextAllowed) names.Add(Login);
        if (auth.CramMd5) names.Add(CramMd5);
        if (auth.Ntlm) names.Add(Ntlm);
        if (auth.ScramSha256) names.Add(ScramSha256);
        return names;
    }

    /// <summary>True when <paramref name="name"/> (upper case, as the parser gives it) is switched on, whatever the transport.</summary>
    public static bool IsOn(string name, AuthSettings auth) => name switch
    {
        Plain => auth.Plain,
        Login => auth.Login,
        CramMd5 => auth.CramMd5,
        Ntlm => auth.Ntlm,
        ScramSha256 => auth.ScramSha256,
        _ => false,
    };

    /// <summary>
    /// A fresh server for <paramref name="name"/>, or null when unknown or switched off.
    /// <paramref name="hostName"/> names this server in CRAM-MD5 challenges and NTLM target
    /// info; <paramref name="ntlmDomain"/> is the NTLM target name (the post office a bare user name belongs to).
    /// </summary>
    public static ISaslServer? Create(string name, AuthSettings auth, string hostName, string ntlmDomain)
    {
        if (!IsOn(name, auth)) return null;
        return name switch
        {
            Plain => new PlainServer(),
            Login => new LoginServer(),
            CramMd5 => CramMd5Server.Create(hostName),
            Ntlm => NtlmServer.Create(ntlmDomain, hostName),
            _ => ScramSha256Server.Create(),
        };
    }
}
