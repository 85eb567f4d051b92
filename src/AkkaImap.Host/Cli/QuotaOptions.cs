using System.CommandLine;
using System.Globalization;
using AkkaImap.Server.Configuration;
using AkkaImap.Storage;

namespace AkkaImap.Host.Cli;

/// <summary>
/// <c>--quota-storage SIZE|none|default</c> and <c>--quota-messages N|none|default</c> (RFC 9208
/// STORAGE and MESSAGE), shared by <c>mailbox set</c> and <c>postoffice set</c>.
/// </summary>
internal sealed class QuotaOptions
{
    public Option<string> Storage { get; } = new("--quota-storage")
    {
        Description = "Storage limit such as 2G or 500M; none for no limit; default for the post office's",
        HelpName = "SIZE|none|default",
    };

    public Option<string> Messages { get; } = new("--quota-messages")
    {
        Description = "Most messages; none for no limit; default for the post office's",
        HelpName = "N|none|default",
    };

    public void AddTo(Command command)
    {
        command.Add(Storage);
        command.Add(Messages);
    }

    /// <summary>The change the options ask for; null when neither was given.</summary>
    public QuotaChange? Read(ParseResult parsed)
    {
        var storage = parsed.GetValue(Storage);
        var messages = parsed.GetValue(Messages);
        if (storage is null && messages is null)
        {
            return null;
        }
        return new QuotaChange(
            storage is not null, storage is null ? null : Parse("--quota-storage", storage, size: true),
            messages is not null, messages is null ? null : Parse("--quota-messages", messages, size: false));
    }

    private static long? Parse(string option, string text, bool size)
    {
        var value = text.Trim().ToLowerInvariant();
        if (value == "none")
        {
            return QuotaChange.Unlimited;
        }
        if (value == "default")
        {
            return null;
        }
        if (size ? SettingValues.TryParseSize(value, out var bytes) && bytes >= 0
                 : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out bytes))
        {
            return bytes;
        }
        throw new OperatorException(size
            ? $"{option}: expected a size such as 2G or 500M, none or default, got \"{text}\""
            : $"{option}: expected a number of messages, none or default, got \"{text}\"", 2);
    }

    /// <summary>How a limit reads in <c>mailbox list</c> and the confirmations.</summary>
    public static string Describe(long? limit, bool size) => limit switch
    {
        null => "default",
        QuotaChange.Unlimited => "none",
        { } n => size ? SettingValues.FormatSize(n) : n.ToString(CultureInfo.InvariantCulture),
    };
}
