namespace AkkaImap.Server.Sessions;

/// <summary>The IMAP connection states of RFC 9051 §3 (IDLE and the busy wait are behaviours within them).</summary>
public enum SessionState
{
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}
