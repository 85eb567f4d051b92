using AkkaImap.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// <see cref="NativeRows"/> keeps its statements prepared per connection. A kept statement must not
/// hold a read open between uses, must read what was written since, must not be shared by two
/// reads at once, and must be finalized when its connection closes: a statement left over keeps
/// SQLite's connection open as a "zombie", and with it the write-ahead log that the last
/// connection's close removes.
/// </summary>
public sealed class NativeRowsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-store-tests", Guid.NewGuid().ToString("N"));
    private readonly string _path;

    public NativeRowsTests()
    {
        Directory.CreateDirectory(_folder);
        _path = Path.Combine(_folder, "t.db");
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort: temp folder */ }
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private static List<long> Values(SqliteConnection c, long least)
    {
        using var r = new NativeRows(c, "SELECT v FROM t WHERE v >= @l ORDER BY v", ("@l", least));
        var values = new List<long>();
        while (r.Read()) values.Add(r.Int64(0));
        return values;
    }

    [Fact]
    public void A_kept_statement_reads_what_was_written_since_and_holds_no_read_between_uses()
    {
        using var reader = Open();
        using var writer = Open();
        writer.Exec("PRAGMA journal_mode=WAL");
        writer.Exec("CREATE TABLE t(v INTEGER)");
        writer.Exec("INSERT INTO t VALUES (1), (2), (3)");

        // Stopped after one row: the statement goes back to the cache mid-read.
        using (var r = new NativeRows(reader, "SELECT v FROM t WHERE v >= @l ORDER BY v", ("@l", 1L)))
            Assert.True(r.Read());
        writer.Exec("INSERT INTO t VALUES (4)");
        // A statement kept mid-read would still hold its snapshot: a checkpoint could not copy the
        // whole log, and the read below would not see 4.
        using (var checkpoint = writer.Cmd("PRAGMA wal_checkpoint(TRUNCATE)"))
        using (var result = checkpoint.ExecuteReader())
        {
            Assert.True(result.Read());
            Assert.Equal(0L, result.GetInt64(0)); // not busy
        }

        Assert.Equal([2L, 3L, 4L], Values(reader, 2));
        Assert.Equal([3L, 4L], Values(reader, 3));
    }

    [Fact]
    public void Two_reads_of_the_same_sql_at_once_each_have_a_statement()
    {
        using var c = Open();
        c.Exec("CREATE TABLE t(v INTEGER)");
        c.Exec("INSERT INTO t VALUES (1), (2)");
        Assert.Equal([1L, 2L], Values(c, 0)); // the statement is now kept

        using var outer = new NativeRows(c, "SELECT v FROM t WHERE v >= @l ORDER BY v", ("@l", 1L));
        var seen = new List<string>();
        while (outer.Read()) seen.Add($"{outer.Int64(0)}: {string.Join(",", Values(c, outer.Int64(0)))}");

        Assert.Equal(["1: 1,2", "2: 2"], seen);
    }

    [Fact]
    public void Closing_the_connection_finalizes_its_kept_statements()
    {
        var c = Open();
        c.Exec("PRAGMA journal_mode=WAL");
        c.Exec("CREATE TABLE t(v INTEGER)");
        c.Exec("INSERT INTO t VALUES (1)");
        Assert.Equal([1L], Values(c, 0));
        Assert.True(File.Exists(_path + "-wal"));

        c.Dispose();

        // The last connection's close checkpoints and removes the log; a statement left prepared
        // would have kept the connection (and the log) open.
        Assert.False(File.Exists(_path + "-wal"));
    }
}
