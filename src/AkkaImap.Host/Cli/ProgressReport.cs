namespace AkkaImap.Host.Cli;

/// <summary>
/// Progress of a long admin command: a bar redrawn in place on a terminal, and on anything else
/// (a log, a pipe) one plain line per tenth of the work, so a log stays short and readable.
/// </summary>
internal sealed class ProgressReport(string verb, string unit)
{
    private const int BarWidth = 30;
    private readonly bool _terminal = !Console.IsOutputRedirected;
    private long _lastDraw;
    private int _lastTenth;
    private bool _drawn;

    /// <summary><paramref name="detail"/> follows the figures ("12 already there").</summary>
    public void Report(long done, long total, string detail = "")
    {
        if (_terminal)
        {
            var now = Environment.TickCount64;
            if (done < total && now - _lastDraw < 100) return;
            _lastDraw = now;
            var share = total == 0 ? 1.0 : Math.Min(1.0, (double)done / total);
            var filled = (int)(share * BarWidth);
            Console.Write($"\r{verb} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {share,4:P0} {done}/{total} {unit}{detail}   ");
            _drawn = true;
            return;
        }
        var tenth = total == 0 ? 10 : (int)Math.Min(10, done * 10 / total);
        if (tenth <= _lastTenth) return;
        _lastTenth = tenth;
        Console.WriteLine($"{verb}: {(total == 0 ? 100 : done * 100 / total)}% ({done} of {total} {unit}){detail}");
    }

    /// <summary>Ends the bar's line, so what follows starts on a line of its own.</summary>
    public void Done()
    {
        if (_drawn) Console.WriteLine();
        _drawn = false;
    }
}
