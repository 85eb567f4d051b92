using System.Text;
using AkkaImap.Protocol.Model;

namespace AkkaImap.Storage.Mime;

/// <summary>
/// A compact binary form of the FETCH metadata computed at append time (envelope, body
/// structure, part tree). Written once, read on every FETCH, so it is denser and faster than
/// JSON. Every blob starts with a format byte so the layout can evolve.
/// </summary>
internal static class ModelCodec
{
    private const byte Format = 1;
    private const byte SingleTag = 0, MultiTag = 1;

    public static byte[] Write(Envelope envelope) => Encode(w => WriteEnvelope(w, envelope));
    public static byte[] Write(BodyPart body) => Encode(w => WriteBody(w, body));
    public static byte[] Write(MimePartNode node) => Encode(w => WriteNode(w, node));

    public static Envelope ReadEnvelope(byte[] data) => Decode(data, ReadEnvelope);
    public static BodyPart ReadBody(byte[] data) => Decode(data, ReadBody);
    public static MimePartNode ReadParts(byte[] data) => Decode(data, ReadNode);

    private static byte[] Encode(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            write(w);
        }
        return stream.ToArray();
    }

    private static T Decode<T>(byte[] data, Func<BinaryReader, T> read)
    {
        using var r = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        var format = r.ReadByte();
        if (format != Format) throw new InvalidDataException($"unknown metadata format {format}");
        return read(r);
    }

    private static void WriteString(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteEnvelope(BinaryWriter w, Envelope e)
    {
        WriteString(w, e.Date);
        WriteString(w, e.Subject);
        foreach (var list in new[] { e.From, e.Sender, e.ReplyTo, e.To, e.Cc, e.Bcc })
        {
            w.Write7BitEncodedInt(list?.Count ?? -1);
            foreach (var a in list ?? [])
            {
                WriteString(w, a.Name);
                WriteString(w, a.Adl);
                WriteString(w, a.Mailbox);
                WriteString(w, a.Host);
            }
        }
        WriteString(w, e.InReplyTo);
        WriteString(w, e.MessageId);
    }

    private static Envelope ReadEnvelope(BinaryReader r)
    {
        var date = ReadString(r);
        var subject = ReadString(r);
        var lists = new IReadOnlyList<Address>?[6];
        for (var i = 0; i < lists.Length; i++)
        {
            var count = r.Read7BitEncodedInt();
            if (count < 0) continue;
            var list = new Address[count];
            for (var j = 0; j < count; j++) list[j] = new Address(ReadString(r), ReadString(r), ReadString(r), ReadString(r));
            lists[i] = list;
        }
        return new Envelope(date, subject, lists[0], lists[1], lists[2], lists[3], lists[4], lists[5], ReadString(r), ReadString(r));
    }

    private static void WritePairs(BinaryWriter w, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        w.Write7BitEncodedInt(pairs.Count);
        foreach (var (k, v) in pairs)
        {
            w.Write(k);
            w.Write(v);
        }
    }

    private static KeyValuePair<string, string>[] ReadPairs(BinaryReader r)
    {
        var pairs = new KeyValuePair<string, string>[r.Read7BitEncodedInt()];
        for (var i = 0; i < pairs.Length; i++) pairs[i] = new(r.ReadString(), r.ReadString());
        return pairs;
    }

    private static void WriteBody(BinaryWriter w, BodyPart body)
    {
        switch (body)
        {
            case MultiPart m:
                w.Write(MultiTag);
                w.Write(m.MediaSubtype);
                w.Write7BitEncodedInt(m.Parts.Count);
                foreach (var p in m.Parts) WriteBody(w, p);
                break;
            case SinglePart s:
                w.Write(SingleTag);
                w.Write(s.MediaType);
                w.Write(s.MediaSubtype);
                WriteString(w, s.Id);
                WriteString(w, s.Description);
                w.Write(s.Encoding);
                w.Write(s.Size);
                w.Write(s.Lines);
                WriteString(w, s.Md5);
                w.Write(s.MessageEnvelope is not null);
                if (s.MessageEnvelope is not null) WriteEnvelope(w, s.MessageEnvelope);
                w.Write(s.MessageBody is not null);
                if (s.MessageBody is not null) WriteBody(w, s.MessageBody);
                break;
            default:
                throw new ArgumentException($"unknown body part {body.GetType().Name}");
        }
        WritePairs(w, body.Parameters);
        w.Write(body.Disposition is not null);
        if (body.Disposition is { } d)
        {
            w.Write(d.Type);
            WritePairs(w, d.Parameters);
        }
        w.Write7BitEncodedInt(body.Languages.Count);
        foreach (var l in body.Languages) w.Write(l);
        WriteString(w, body.Location);
    }

    private static BodyPart ReadBody(BinaryReader r)
    {
        BodyPart body;
        if (r.ReadByte() == MultiTag)
        {
            var subtype = r.ReadString();
            var parts = new BodyPart[r.Read7BitEncodedInt()];
            for (var i = 0; i < parts.Length; i++) parts[i] = ReadBody(r);
            body = new MultiPart(subtype, parts);
        }
        else
        {
            body = new SinglePart(r.ReadString(), r.ReadString())
            {
                Id = ReadString(r),
                Description = ReadString(r),
                Encoding = r.ReadString(),
                Size = r.ReadInt64(),
                Lines = r.ReadInt64(),
                Md5 = ReadString(r),
                MessageEnvelope = r.ReadBoolean() ? ReadEnvelope(r) : null,
                MessageBody = r.ReadBoolean() ? ReadBody(r) : null,
            };
        }
        var parameters = ReadPairs(r);
        var disposition = r.ReadBoolean() ? new ContentDisposition(r.ReadString(), ReadPairs(r)) : null;
        var languages = new string[r.Read7BitEncodedInt()];
        for (var i = 0; i < languages.Length; i++) languages[i] = r.ReadString();
        return body with { Parameters = parameters, Disposition = disposition, Languages = languages, Location = ReadString(r) };
    }

    private static void WriteNode(BinaryWriter w, MimePartNode n)
    {
        w.Write7BitEncodedInt64(n.HeaderStart);
        w.Write7BitEncodedInt64(n.BodyStart);
        w.Write7BitEncodedInt64(n.End);
        w.Write(n.ContentType);
        WriteString(w, n.Encoding);
        w.Write7BitEncodedInt(n.Children.Count);
        foreach (var child in n.Children) WriteNode(w, child);
        w.Write(n.Message is not null);
        if (n.Message is not null) WriteNode(w, n.Message);
    }

    private static MimePartNode ReadNode(BinaryReader r)
    {
        var headerStart = r.Read7BitEncodedInt64();
        var bodyStart = r.Read7BitEncodedInt64();
        var end = r.Read7BitEncodedInt64();
        var contentType = r.ReadString();
        var encoding = ReadString(r);
        var children = new MimePartNode[r.Read7BitEncodedInt()];
        for (var i = 0; i < children.Length; i++) children[i] = ReadNode(r);
        var message = r.ReadBoolean() ? ReadNode(r) : null;
        return new MimePartNode(headerStart, bodyStart, end, contentType, encoding, children, message);
    }
}
