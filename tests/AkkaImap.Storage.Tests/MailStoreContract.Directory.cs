using System.Security.Cryptography;
using System.Text;

namespace AkkaImap.Storage.Tests;

public abstract partial class MailStoreContract
{
    [Fact]
    public async Task New_mailbox_gets_the_default_folders_with_special_uses_all_subscribed()
    {
        var account = await NewAccountAsync();

        var folders = await Store.ListFoldersAsync(account.Owner);

        Assert.Equal(
            new[] { ("Archive", @"\Archive"), ("Drafts", @"\Drafts"), ("INBOX", (string?)null), ("Junk", @"\Junk"), ("Sent", @"\Sent"), ("Trash", @"\Trash") },
            folders.Select(f => (f.Name, f.SpecialUse)).ToArray());
        Assert.All(folders, f => Assert.True(f.Subscribed));
        Assert.All(folders, f => Assert.False(f.NoSelect));
    }

    [Fact]
    public async Task Logins_and_post_office_names_are_case_insensitive()
    {
        var account = await NewAccountAsync("Alice@Example.COM");

        Assert.Equal("alice@example.com", account.Login);
        Assert.Equal(account.Id, (await Store.FindAccountAsync("ALICE@example.com"))?.Id);
        Assert.NotNull(await Store.FindPostOfficeAsync("EXAMPLE.com"));
        var duplicate = await Assert.ThrowsAsync<StoreException>(() => Store.AddAccountAsync("alice@EXAMPLE.com", "x"));
        Assert.Equal(StoreError.AlreadyExists, duplicate.Error);
    }

    [Fact]
    public async Task Adding_a_mailbox_to_an_unknown_post_office_is_refused()
    {
        var e = await Assert.ThrowsAsync<StoreException>(() => Store.AddAccountAsync("bob@nowhere.test", "pw"));
        Assert.Equal(StoreError.NotFound, e.Error);
        var bad = await Assert.ThrowsAsync<StoreException>(() => Store.AddAccountAsync("no-at-sign", "pw"));
        Assert.Equal(StoreError.NotAllowed, bad.Error);
    }

    [Fact]
    public async Task Password_verifies_right_and_rejects_wrong_and_unknown()
    {
        var account = await NewAccountAsync(password: "s3cret pässword");

        Assert.Equal(account.Id, (await Store.VerifyPasswordAsync("ALICE@example.com", "s3cret pässword"))?.Id);
        Assert.Null(await Store.VerifyPasswordAsync("alice@example.com", "s3cret password"));
        Assert.Null(await Store.VerifyPasswordAsync("nobody@example.com", "s3cret pässword"));

        Assert.True(await Store.SetPasswordAsync("alice@example.com", "new one"));
        Assert.Null(await Store.VerifyPasswordAsync("alice@example.com", "s3cret pässword"));
        Assert.NotNull(await Store.VerifyPasswordAsync("alice@example.com", "new one"));
    }

    [Fact]
    public async Task Password_is_never_stored_in_plain_text()
    {
        const string password = "Plaintext-Canary-7781";
        await NewAccountAsync("alice@example.com", password);
        await NewAccountAsync("bob@example.com", password);
        await Store.SetPasswordAsync("bob@example.com", password + "2");

        var utf8 = Encoding.UTF8.GetBytes(password);
        var utf16 = Encoding.Unicode.GetBytes(password);
        var files = StoreFiles(DataFolder).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            Assert.True(bytes.AsSpan().IndexOf(utf8) < 0, $"{file} contains the password (UTF-8)");
            Assert.True(bytes.AsSpan().IndexOf(utf16) < 0, $"{file} contains the password (UTF-16)");
        }
    }

    [Fact]
    public async Task Scram_material_is_salted_per_user_and_follows_rfc_7677()
    {
        await NewAccountAsync("alice@example.com", "same");
        await NewAccountAsync("bob@example.com", "same");
        var a = await Store.GetScramCredentialsAsync("alice@example.com");
        var b = await Store.GetScramCredentialsAsync("bob@example.com");
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.NotEqual(a.Salt, b.Salt);
        Assert.NotEqual(a.StoredKey, b.StoredKey);
        Assert.Equal(4096, a.Iterations);

        // RFC 7677 §3 example: user "user", password "pencil"; the server signature it shows
        // must come out of the stored ServerKey.
        var rfc = Scram.Derive("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        const string authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        var serverSignature = HMACSHA256.HashData(rfc.ServerKey, Encoding.ASCII.GetBytes(authMessage));
        Assert.Equal("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Convert.ToBase64String(serverSignature));
    }

    [Fact]
    public async Task Account_locks_after_the_failure_limit_within_the_window_and_unlocks()
    {
        await NewAccountAsync();
        var policy = new LockoutPolicy(3, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1));
        var t0 = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        await Store.RecordLoginFailureAsync("alice@example.com", t0, policy);
        var second = await Store.RecordLoginFailureAsync("alice@example.com", t0.AddMinutes(1), policy);
        Assert.False(second!.IsLocked(t0.AddMinutes(1)));
        var third = await Store.RecordLoginFailureAsync("alice@example.com", t0.AddMinutes(2), policy);
        Assert.True(third!.IsLocked(t0.AddMinutes(2)));
        Assert.Equal(t0.AddMinutes(2).AddHours(1), third.LockedUntil);

        await ReopenAsync();
        Assert.True((await Store.GetLockoutAsync("alice@example.com"))!.IsLocked(t0.AddMinutes(3)));
        Assert.False((await Store.GetLockoutAsync("alice@example.com"))!.IsLocked(t0.AddHours(2)));

        Assert.True(await Store.UnlockAsync("alice@example.com"));
        Assert.Equal(LockoutState.None, await Store.GetLockoutAsync("alice@example.com"));
    }

    [Fact]
    public async Task Failures_outside_the_window_start_a_new_count_and_success_clears_it()
    {
        await NewAccountAsync();
        var policy = new LockoutPolicy(3, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1));
        var t0 = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        await Store.RecordLoginFailureAsync("alice@example.com", t0, policy);
        await Store.RecordLoginFailureAsync("alice@example.com", t0.AddMinutes(1), policy);
        var late = await Store.RecordLoginFailureAsync("alice@example.com", t0.AddMinutes(30), policy);
        Assert.Equal(1, late!.ConsecutiveFailures);
        Assert.False(late.IsLocked(t0.AddMinutes(30)));

        await Store.RecordLoginSuccessAsync("alice@example.com");
        Assert.Equal(0, (await Store.GetLockoutAsync("alice@example.com"))!.ConsecutiveFailures);
        Assert.Null(await Store.RecordLoginFailureAsync("nobody@example.com", t0, policy));
    }

    [Fact]
    public async Task Directory_version_grows_with_every_admin_change_seen_by_another_instance()
    {
        var cli = await OpenAsync();
        var seen = new List<long> { await Store.GetDirectoryVersionAsync() };
        async Task Step(Func<Task> change)
        {
            await change();
            seen.Add(await Store.GetDirectoryVersionAsync());
        }

        await Step(() => cli.AddPostOfficeAsync("example.com", false));
        await Step(() => cli.SetPostOfficePublicFoldersAsync("example.com", true));
        await Step(() => cli.AddAccountAsync("alice@example.com", "pw"));
        await Step(() => cli.SetPasswordAsync("alice@example.com", "pw2"));
        await Step(() => cli.UnlockAsync("alice@example.com"));
        await Step(() => cli.RemoveAccountAsync("alice@example.com"));
        await Step(() => cli.RemovePostOfficeAsync("example.com"));

        for (var i = 1; i < seen.Count; i++) Assert.True(seen[i] > seen[i - 1], $"step {i} did not bump the version: {string.Join(",", seen)}");
    }

    [Fact]
    public async Task Post_office_with_mailboxes_is_removed_only_when_forced_and_takes_their_mail()
    {
        var account = await NewAccountAsync();
        await AppendAsync((await FolderAsync(account, "INBOX")).Id, Simple("one"));
        Assert.True((await Store.FindPostOfficeAsync("example.com"))!.Created <= DateTimeOffset.UtcNow);

        var e = await Assert.ThrowsAsync<StoreException>(() => Store.RemovePostOfficeAsync("example.com"));
        Assert.Equal(StoreError.NotEmpty, e.Error);
        Assert.Single(await Store.ListAccountsAsync("example.com"));

        Assert.True(await Store.RemovePostOfficeAsync("example.com", force: true));
        Assert.Empty(await Store.ListPostOfficesAsync());
        Assert.Null(await Store.FindAccountAsync("alice@example.com"));
        Assert.Empty(await Store.ListFoldersAsync(account.Owner));
        Assert.Equal(0, await CountBlobsAsync(Store));
        Assert.False(await Store.RemovePostOfficeAsync("example.com"));
    }

    [Fact]
    public async Task Accounts_are_listed_per_post_office_and_removal_deletes_their_data()
    {
        var alice = await NewAccountAsync("alice@example.com");
        await NewAccountAsync("bob@example.com");
        await NewAccountAsync("carol@other.org");
        await AppendAsync((await FolderAsync(alice, "INBOX")).Id, Simple("hi"));

        Assert.Equal(new[] { "alice@example.com", "bob@example.com" }, (await Store.ListAccountsAsync("example.com")).Select(a => a.Login));
        var refused = await Assert.ThrowsAsync<StoreException>(() => Store.RemoveAccountAsync("alice@example.com"));
        Assert.Equal(StoreError.NotEmpty, refused.Error);
        Assert.NotNull(await Store.FindAccountAsync("alice@example.com"));
        Assert.True(await Store.RemoveAccountAsync("bob@example.com"));
        Assert.True(await Store.RemoveAccountAsync("alice@example.com", force: true));

        Assert.Null(await Store.VerifyPasswordAsync("alice@example.com", "correct horse"));
        Assert.Empty(await Store.ListFoldersAsync(alice.Owner));
        Assert.Equal(0, await CountBlobsAsync(Store));
        Assert.False(await Store.RemoveAccountAsync("alice@example.com"));
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
