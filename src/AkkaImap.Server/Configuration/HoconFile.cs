using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Configuration;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// Parses the operator's configuration file so that every mistake is one line naming where it is.
/// Akka's HOCON parser is lenient where a mistake matters: it takes a missing closing brace, an
/// extra one or an unclosed string as if nothing were wrong, hangs on an unclosed list, and
/// reports other errors by character position only. So the brackets and strings are checked here
/// first, Akka's positions become line and column, and only the blocks this server reads may
/// appear at the top level.
/// </summary>
public static partial class HoconFile
{
    /// <summary>Top-level blocks an operator's file may hold: ours, Akka's, and the IMAP dispatcher's tuning (reference.conf, threads).</summary>
    public static readonly IReadOnlyList<string> TopLevelBlocks = [ImapSettings.Path, "akka", ImapDispatcher.Id];

    // Akka's parser gives up on nothing it can hang on once the brackets balance; this is a last guard.
    private static readonly TimeSpan ParseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Parses <paramref name="text"/>, the content of <paramref name="source"/> (named in errors).</summary>
    /// <exception cref="SettingsException">Not valid HOCON, or a top-level key this server does not read.</exception>
    public static Config Parse(string text, string source)
    {
        if (FindUnbalanced(text) is { } mistake)
        {
            throw Error(source, text, mistake.Offset, mistake.Problem);
        }

        var config = ParseWithAkka(text, source);
        CheckTopLevel(config);
        return config;
    }

    /// <summary>1-based line and column of a character offset (a CR LF counts as one line break).</summary>
    public static (int Line, int Column) Locate(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }

    private static Config ParseWithAkka(string text, string source)
    {
        var parsing = Task.Run(() => ConfigurationFactory.ParseString(text));
        try
        {
            if (!parsing.Wait(ParseTimeout))
            {
                throw new SettingsException($"{source}: not valid HOCON: the parser did not finish; look for an unclosed list, string or block");
            }

            return parsing.Result;
        }
        catch (AggregateException wrapped) when (wrapped.InnerException is { } ex)
        {
            var first = ex.Message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? ex.GetType().Name;
            var position = AkkaPosition().Match(first);
            if (position.Success && int.TryParse(position.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset < text.Length)
            {
                throw Error(source, text, offset, Unexpected(text, offset));
            }

            if (ex is NullReferenceException)
            {
                // What Akka's parser throws on an include it cannot follow.
                throw new SettingsException($"{source}: not valid HOCON: include is not supported; put the settings in this file");
            }

            throw new SettingsException($"{source}: not valid HOCON: {first.TrimEnd(':', ' ')}");
        }
    }

    private static string Unexpected(string text, int offset)
    {
        var lineEnd = text.IndexOf('\n', offset);
        var rest = text[offset..(lineEnd < 0 ? text.Length : lineEnd)].TrimEnd('\r').Trim();
        var near = rest.Length > 40 ? rest[..40] + "…" : rest;
        var before = text[..offset].TrimEnd();
        return rest.StartsWith(',') && before.EndsWith('}')
            ? $"unexpected \"{near}\": a comma after a closing }} is not accepted; put the next setting on its own line"
            : $"unexpected \"{near}\"";
    }

    private static void CheckTopLevel(Config config)
    {
        if (config.Root is not { } root || !root.IsObject())
        {
            return;
        }

        foreach (var (name, value) in root.GetObject().Items)
        {
            if (TopLevelBlocks.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            var allowed = $"only {ImapSettings.Path}, akka and {ImapDispatcher.Id} are allowed";
            var hint = Spelling.Nearest(name, TopLevelBlocks) is { } near
                ? $"; did you mean {near}?"
                : value.IsObject() ? string.Empty : $"; write it inside {ImapSettings.Path} {{ }}";
            throw new SettingsException($"{name}: unknown top-level {(value.IsObject() ? "block" : "setting")}; {allowed}{hint}");
        }
    }

    private static SettingsException Error(string source, string text, int offset, string problem)
    {
        var (line, column) = Locate(text, offset);
        return new SettingsException($"{source} line {line}, column {column}: not valid HOCON: {problem}");
    }

    /// <summary>
    /// The first bracket or string that is not closed, or a closing bracket with nothing to close;
    /// null when they balance. Comments (# and //), quoted and triple-quoted strings and
    /// substitutions (${...}) are skipped as HOCON defines them.
    /// </summary>
    private static (int Offset, string Problem)? FindUnbalanced(string text)
    {
        var open = new Stack<(char Bracket, int Offset)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '#' || (c == '/' && At(text, i, "//")))
            {
                i = EndOfLine(text, i);
                continue;
            }

            if (At(text, i, "\"\"\""))
            {
                var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                if (end < 0)
                {
                    return (i, "this \"\"\" string is never closed; add the closing \"\"\"");
                }

                // HOCON: extra quotes right before the closing """ belong to the string.
                i = end + 3;
                while (i < text.Length && text[i] == '"')
                {
                    i++;
                }

                continue;
            }

            if (c == '"')
            {
                var end = EndOfQuoted(text, i);
                if (end < 0)
                {
                    return (i, $"the string {Snippet(text, i)} is not closed on its line; add the closing \"");
                }

                i = end + 1;
                continue;
            }

            if (c == '$' && At(text, i, "${"))
            {
                var close = text.IndexOf('}', i);
                var lineEnd = EndOfLine(text, i);
                if (close < 0 || close > lineEnd)
                {
                    return (i, $"the substitution {Snippet(text, i)} is not closed on its line; add the closing }}");
                }

                i = close + 1;
                continue;
            }

            switch (c)
            {
                case '{' or '[':
                    open.Push((c, i));
                    break;
                case '}' or ']' when open.Count == 0:
                    return (i, $"unexpected \"{c}\": no {(c == '}' ? "block" : "list")} is open here; remove it");
                case '}' or ']':
                    var (bracket, at) = open.Pop();
                    var expected = bracket == '{' ? '}' : ']';
                    if (c != expected)
                    {
                        var (line, column) = Locate(text, at);
                        return (i, $"\"{c}\" where the {bracket} at line {line}, column {column} needs its {expected}; add the {expected} first");
                    }

                    break;
            }

            i++;
        }

        if (open.Count > 0)
        {
            var (bracket, at) = open.Pop();
            var closer = bracket == '{' ? '}' : ']';
            return (at, $"the {bracket} of \"{LineOf(text, at)}\" is never closed; add the missing {closer}");
        }

        return null;
    }

    /// <summary>The offset of the closing quote of the string opening at <paramref name="start"/>, or -1 when the line ends first.</summary>
    private static int EndOfQuoted(string text, int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '"':
                    return i;
                case '\n':
                    return -1;
            }
        }

        return -1;
    }

    private static bool At(string text, int offset, string what) =>
        string.CompareOrdinal(text, offset, what, 0, what.Length) == 0;

    private static int EndOfLine(string text, int offset)
    {
        var end = text.IndexOf('\n', offset);
        return end < 0 ? text.Length : end;
    }

    private static string LineOf(string text, int offset)
    {
        var start = offset == 0 ? 0 : text.LastIndexOf('\n', offset - 1) + 1;
        var line = text[start..EndOfLine(text, offset)].Trim();
        return line.Length > 40 ? line[..40] + "…" : line;
    }

    private static string Snippet(string text, int offset)
    {
        var rest = text[offset..EndOfLine(text, offset)].TrimEnd('\r').TrimEnd();
        return rest.Length > 30 ? rest[..30] + "…" : rest;
    }

    [GeneratedRegex(@"at position (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex AkkaPosition();
}
