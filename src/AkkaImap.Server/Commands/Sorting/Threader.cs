using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Search;

namespace AkkaImap.Server.Commands.Sorting;

/// <summary>
/// THREAD's two algorithms (RFC 5256 §2): ORDEREDSUBJECT groups by base subject, REFERENCES follows
/// Message-ID/References/In-Reply-To links (the algorithm of RFC 5256 §2.2, after Zawinski) and
/// then joins threads of one base subject. Dates are sent dates; ties go by sequence number.
/// Pure: tests drive it with hand-built entries. <paramref name="numberOf"/> gives what the
/// response names (sequence number, or UID for UID THREAD).
/// </summary>
internal static class Threader
{
    public static IReadOnlyList<ThreadNode> OrderedSubject(IReadOnlyList<SortEntry> entries, Func<SortEntry, uint> numberOf)
    {
        var sorted = entries.OrderBy(e => e.BaseSubject, Casemap.Instance).ThenBy(e => e.SentDate.UtcDateTime).ThenBy(e => e.Msn).ToList();
        var threads = new List<(SortEntry First, ThreadNode Node)>();
        for (int i = 0; i < sorted.Count;)
        {
            int end = i + 1;
            while (end < sorted.Count && BaseSubject.CompareAsciiCasemap(sorted[end].BaseSubject, sorted[i].BaseSubject) == 0)
            {
                end++;
            }
            // The first message is the parent; every later one with that subject is its child.
            var children = sorted.Skip(i + 1).Take(end - i - 1).Select(e => ThreadNode.Leaf(numberOf(e))).ToList();
            threads.Add((sorted[i], new ThreadNode(numberOf(sorted[i]), children)));
            i = end;
        }
        return [.. threads.OrderBy(t => t.First.SentDate.UtcDateTime).ThenBy(t => t.First.Msn).Select(t => t.Node)];
    }

    public static IReadOnlyList<ThreadNode> References(IReadOnlyList<SortEntry> entries, Func<SortEntry, uint> numberOf)
    {
        // (1) Containers by message id, linked along each References chain.
        var byId = new Dictionary<string, Container>(StringComparer.Ordinal);
        Container For(string id)
        {
            if (!byId.TryGetValue(id, out var container))
            {
                container = new Container();
                byId[id] = container;
            }
            return container;
        }
        foreach (var entry in entries.OrderBy(e => e.Msn))
        {
            // (1A) A message without a Message-ID, or with one already taken, gets an id of its own.
            var id = entry.MessageId is { } messageId && !(byId.TryGetValue(messageId, out var taken) && taken.Message is not null)
                ? messageId
                : "\0" + entry.Msn;
            var own = For(id);
            own.Message = entry;
            // (1B) Each reference is the parent of the next, unless a link exists or it would loop.
            for (int i = 0; i + 1 < entry.References.Count; i++)
            {
                var parent = For(entry.References[i]);
                var child = For(entry.References[i + 1]);
                if (child.Parent is null && parent != child && !parent.IsDescendantOf(child))
                {
                    child.SetParent(parent);
                }
            }
            // (1C) The last reference is this message's parent; a parent it had before is replaced.
            var last = entry.References.Count > 0 ? For(entry.References[^1]) : null;
            if (last is not null && (last == own || last.IsDescendantOf(own)))
            {
                last = null;
            }
            own.SetParent(last);
        }
        // (2) The root set; (3) the id table is no longer needed.
        var roots = byId.Values.Where(c => c.Parent is null).ToList();
        // (4) Dummies without children go; those with children give them up, except a root with several.
        roots = Prune(roots, atRoot: true);
        foreach (var root in roots)
        {
            root.Parent = null;
        }
        SortSiblings(roots);
        // (5) Threads whose roots share a base subject are joined.
        roots = GroupBySubject(roots);
        // (6) Every set of siblings in sent-date order, the roots too.
        SortSiblings(roots);
        return [.. roots.Select(r => Node(r, numberOf))];
    }

    private static List<Container> Prune(List<Container> siblings, bool atRoot)
    {
        var kept = new List<Container>();
        foreach (var container in siblings)
        {
            container.Children = Prune(container.Children, atRoot: false);
            foreach (var child in container.Children)
            {
                child.Parent = container;
            }
            if (container.Message is null)
            {
                if (container.Children.Count == 0)
                {
                    continue;
                }
                if (!atRoot || container.Children.Count == 1)
                {
                    foreach (var child in container.Children)
                    {
                        child.Parent = container.Parent;
                    }
                    kept.AddRange(container.Children);
                    continue;
                }
            }
            kept.Add(container);
        }
        return kept;
    }

    private static List<Container> GroupBySubject(List<Container> roots)
    {
        var table = new Dictionary<string, Container>(Casemap.Instance);
        foreach (var root in roots)
        {
            if (Subject(root) is not { Length: > 0 } subject)
            {
                continue;
            }
            // (5B) A dummy is preferred to a message, and a message that is not a reply to one that is.
            if (!table.TryGetValue(subject, out var held)
                || (root.Message is null && held.Message is not null)
                || (held.Message is { IsReplyOrForward: true } && root.Message is { IsReplyOrForward: false }))
            {
                table[subject] = root;
            }
        }
        var result = new List<Container>();
        var listed = new HashSet<Container>();
        void List(Container c)
        {
            if (listed.Add(c)) result.Add(c);
        }
        foreach (var root in roots)
        {
            if (root.Parent is not null)
            {
                // Joined under a new dummy while an earlier root was merged: the dummy stands here.
                var top = root;
                while (top.Parent is not null) top = top.Parent;
                List(top);
                continue;
            }
            if (Subject(root) is not { Length: > 0 } subject || table[subject] is not { } held || held == root)
            {
                List(root);
                continue;
            }
            if (held.Message is null && root.Message is null)
            {
                // (5C i) Both dummies: one takes the other's children.
                foreach (var child in root.Children.ToList())
                {
                    held.Adopt(child);
                }
            }
            else if (held.Message is null
                || (root.Message is { IsReplyOrForward: true } && held.Message is { IsReplyOrForward: false }))
            {
                // (5C ii) The message joins the dummy's thread; (iii) a reply goes under the message it answers.
                held.Adopt(root);
            }
            else
            {
                // (5C iv) Otherwise both become children of a new dummy, which takes the table's place.
                var dummy = new Container();
                dummy.Adopt(held);
                dummy.Adopt(root);
                table[subject] = dummy;
                int at = result.IndexOf(held);
                if (at >= 0)
                {
                    result[at] = dummy;
                    listed.Remove(held);
                    listed.Add(dummy);
                }
            }
        }
        return result;
    }

    /// <summary>The base subject a root stands for: its message's, or its first child's for a dummy.</summary>
    private static string? Subject(Container container) =>
        container.Message?.BaseSubject ?? (container.Children.Count > 0 ? container.Children[0].Message?.BaseSubject : null);

    private static void SortSiblings(List<Container> siblings)
    {
        foreach (var container in siblings)
        {
            SortSiblings(container.Children);
        }
        siblings.Sort((a, b) =>
        {
            var (da, na) = Key(a);
            var (db, nb) = Key(b);
            int order = da.CompareTo(db);
            return order != 0 ? order : na.CompareTo(nb);
        });
    }

    /// <summary>A container's sent date and sequence number: its message's, or its first child's for a dummy.</summary>
    private static (DateTime Date, uint Msn) Key(Container container)
    {
        for (var c = container; c is not null; c = c.Children.Count > 0 ? c.Children[0] : null)
        {
            if (c.Message is { } message)
            {
                return (message.SentDate.UtcDateTime, message.Msn);
            }
        }
        return (DateTime.MaxValue, uint.MaxValue);
    }

    private static ThreadNode Node(Container container, Func<SortEntry, uint> numberOf) =>
        new(container.Message is { } message ? numberOf(message) : null, [.. container.Children.Select(c => Node(c, numberOf))]);

    private sealed class Container
    {
        public SortEntry? Message { get; set; }
        public Container? Parent { get; set; }
        public List<Container> Children { get; set; } = [];

        public bool IsDescendantOf(Container other)
        {
            for (var p = Parent; p is not null; p = p.Parent)
            {
                if (p == other) return true;
            }
            return false;
        }

        public void SetParent(Container? parent)
        {
            Parent?.Children.Remove(this);
            Parent = parent;
            parent?.Children.Add(this);
        }

        public void Adopt(Container child) => child.SetParent(this);
    }

    private sealed class Casemap : IComparer<string>, IEqualityComparer<string>
    {
        public static Casemap Instance { get; } = new();

        public int Compare(string? x, string? y) => BaseSubject.CompareAsciiCasemap(x ?? "", y ?? "");

        public bool Equals(string? x, string? y) => Compare(x, y) == 0;

        // Equal under i;ascii-casemap means equal after folding ASCII letters.
        public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(string.Create(obj.Length, obj, (span, src) =>
        {
            for (int i = 0; i < src.Length; i++) span[i] = src[i] is >= 'a' and <= 'z' ? (char)(src[i] - 32) : src[i];
        }));
    }
}
