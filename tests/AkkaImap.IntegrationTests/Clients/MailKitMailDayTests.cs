using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>
/// A user's ordinary day with MailKit's ImapClient against the real executable: every step is
/// what a desktop client does, and every assertion is what its user would see.
/// </summary>
public sealed class MailKitMailDayTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_new_mailbox_lists_its_standard_folders_with_special_uses()
    {
        using var client = await server.ConnectAsync("bob@example.com");
        var personal = Root(client);
        var names = (await personal.GetSubfoldersAsync(false)).Select(f => f.FullName).ToList();

        Assert.Contains("INBOX", names);
        foreach (var name in new[] { "Drafts", "Sent", "Trash", "Junk", "Archive" })
        {
            Assert.Contains(name, names);
        }

        Assert.Equal("Sent", client.GetFolder(SpecialFolder.Sent)?.FullName);
        Assert.Equal("Trash", client.GetFolder(SpecialFolder.Trash)?.FullName);
        Assert.Equal("Junk", client.GetFolder(SpecialFolder.Junk)?.FullName);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Append_select_fetch_store_search_copy_move_expunge()
    {
        using var client = await server.ConnectAsync();
        var project = await CreateAsync(Root(client), "Project-" + Guid.NewGuid().ToString("N")[..6]);

        var withAttachment = MessageWithAttachment("Quarterly report", "Please find the report attached.");
        var plain = PlainMessage("Lunch?", "Shall we meet at noon?");
        var firstUid = await project.AppendAsync(withAttachment, MessageFlags.None);
        var secondUid = await project.AppendAsync(plain, MessageFlags.Seen);
        Assert.NotNull(firstUid);
        Assert.NotNull(secondUid);
        Assert.True(secondUid.Value.Id > firstUid.Value.Id);

        await project.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(2, project.Count);

        var summaries = await project.FetchAsync(0, -1,
            MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure | MessageSummaryItems.Flags | MessageSummaryItems.Size | MessageSummaryItems.InternalDate);
        var report = summaries.Single(s => s.UniqueId == firstUid.Value);
        Assert.Equal("Quarterly report", report.Envelope?.Subject);
        Assert.Equal("alice@example.com", report.Envelope!.From.Mailboxes.Single().Address);
        Assert.True(report.Body is BodyPartMultipart);
        var attachment = report.Attachments.Single();
        Assert.Equal("report.pdf", attachment.FileName);
        Assert.False(report.Flags!.Value.HasFlag(MessageFlags.Seen));
        Assert.True(summaries.Single(s => s.UniqueId == secondUid.Value).Flags!.Value.HasFlag(MessageFlags.Seen));

        // A section fetch: the attachment's bytes, decoded by MailKit, are exactly what was sent.
        var part = (MimePart)await project.GetBodyPartAsync(firstUid.Value, attachment);
        using (var decoded = new MemoryStream())
        {
            await part.Content!.DecodeToAsync(decoded);
            Assert.Equal(AttachmentBytes, decoded.ToArray());
        }

        var whole = await project.GetMessageAsync(firstUid.Value);
        Assert.Equal("Please find the report attached.", whole.TextBody?.Trim());

        await project.AddFlagsAsync(firstUid.Value, MessageFlags.Flagged, true);
        Assert.Equal([firstUid.Value], await project.SearchAsync(SearchQuery.Flagged));
        Assert.Equal([secondUid.Value], await project.SearchAsync(SearchQuery.SubjectContains("lunch")));
        Assert.Equal([firstUid.Value], await project.SearchAsync(SearchQuery.BodyContains("report attached")));
        Assert.Equal([firstUid.Value], await project.SearchAsync(SearchQuery.NotSeen));

        var archive = client.GetFolder(SpecialFolder.Archive) ?? throw new InvalidOperationException("no \\Archive folder");
        var copied = await project.CopyToAsync(firstUid.Value, archive);
        Assert.NotNull(copied);
        var trash = client.GetFolder(SpecialFolder.Trash) ?? throw new InvalidOperationException("no \\Trash folder");
        var moved = await project.MoveToAsync(secondUid.Value, trash);
        Assert.NotNull(moved);
        Assert.Equal(1, project.Count);

        await project.AddFlagsAsync(firstUid.Value, MessageFlags.Deleted, true);
        await project.ExpungeAsync();
        Assert.Equal(0, project.Count);

        var archiveStatus = await Status(archive);
        Assert.True(archiveStatus >= 1);
        await project.CloseAsync();
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Rename_and_delete_a_folder_with_a_child()
    {
        using var client = await server.ConnectAsync();
        var root = Root(client);
        var name = "Trips-" + Guid.NewGuid().ToString("N")[..6];
        var trips = await CreateAsync(root, name);
        var child = await CreateAsync(trips, "2026");
        await child.AppendAsync(PlainMessage("Tickets", "Seat 12A"));

        await trips.RenameAsync(root, name + "-old");
        var renamedChild = await client.GetFolderAsync(name + "-old/2026");
        await renamedChild.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, renamedChild.Count);
        await renamedChild.CloseAsync();

        await renamedChild.DeleteAsync();
        var renamed = await client.GetFolderAsync(name + "-old");
        await renamed.DeleteAsync();
        var names = (await root.GetSubfoldersAsync(false)).Select(f => f.FullName).ToList();
        Assert.DoesNotContain(name, names);
        Assert.DoesNotContain(name + "-old", names);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_second_client_idling_on_the_inbox_hears_of_a_new_message()
    {
        using var watcher = await server.ConnectAsync("bob@example.com");
        var inbox = watcher.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var before = inbox.Count;
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.CountChanged += (_, _) => arrived.TrySetResult(inbox.Count);

        using var done = new CancellationTokenSource();
        var idle = watcher.IdleAsync(done.Token);

        using (var sender = await server.ConnectAsync("bob@example.com"))
        {
            await sender.Inbox.AppendAsync(PlainMessage("Ping", "Are you there?"));
            await sender.DisconnectAsync(true);
        }

        Assert.Equal(before + 1, await arrived.Task.WaitAsync(Generous));
        done.Cancel();
        await idle;
        await watcher.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_the_right_one_then_works()
    {
        using var client = new ImapClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", server.Port, MailKit.Security.SecureSocketOptions.None);
        await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => client.AuthenticateAsync("alice@example.com", "wrong"));
        await client.AuthenticateAsync("ALICE@Example.com", server.Users["alice@example.com"]);
        Assert.True(client.IsAuthenticated);
        await client.DisconnectAsync(true);
    }

    private static IMailFolder Root(ImapClient client) => client.GetFolder(client.PersonalNamespaces[0]);

    private static async Task<IMailFolder> CreateAsync(IMailFolder parent, string name) =>
        await parent.CreateAsync(name, true) ?? throw new InvalidOperationException($"CREATE {name} returned no folder");

    private static async Task<int> Status(IMailFolder folder)
    {
        await folder.StatusAsync(StatusItems.Count);
        return folder.Count;
    }

    private static readonly byte[] AttachmentBytes = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();

    private static MimeMessage MessageWithAttachment(string subject, string text)
    {
        var builder = new BodyBuilder { TextBody = text };
        builder.Attachments.Add("report.pdf", AttachmentBytes, new ContentType("application", "pdf"));
        var message = new MimeMessage { Subject = subject, Body = builder.ToMessageBody() };
        message.From.Add(new MailboxAddress("Alice", "alice@example.com"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.com"));
        return message;
    }

    internal static MimeMessage PlainMessage(string subject, string text)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = text } };
        message.From.Add(new MailboxAddress("Alice", "alice@example.com"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.com"));
        return message;
    }
}
