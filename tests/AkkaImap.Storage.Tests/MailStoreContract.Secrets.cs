using System.Text;
using AkkaImap.Storage.Secrets;

namespace AkkaImap.Storage.Tests;

public abstract partial class MailStoreContract
{
    [Fact]
    public async Task CRAM_MD5_and_NTLM_secrets_are_stored_only_when_asked_for()
    {
        await NewAccountAsync("alice@example.com", "pw");
        await Store.AddAccountAsync("bob@example.com", "tanstaaftanstaaf", PasswordSecrets.CramMd5 | PasswordSecrets.Ntlm);

        Assert.Null(await Store.GetCramMd5ContextAsync("alice@example.com"));
        Assert.Null(await Store.GetNtHashAsync("alice@example.com"));
        Assert.Equal(PasswordSecrets.None, (await Store.FindAccountAsync("alice@example.com"))!.StoredSecrets);
        var cram = await Store.GetCramMd5ContextAsync("BOB@example.com");
        Assert.Equal("b913a602c7eda7a495b4e6e7334d3890",
            Convert.ToHexStringLower(cram!.Compute("<1896.697170952@postoffice.reston.mci.net>"u8)));
        Assert.Equal(NtHash.FromPassword("tanstaaftanstaaf"), await Store.GetNtHashAsync("bob@example.com"));
        Assert.Equal(PasswordSecrets.CramMd5 | PasswordSecrets.Ntlm, (await Store.ListAccountsAsync("example.com")).Single(a => a.UserName == "bob").StoredSecrets);
    }

    [Fact]
    public async Task Setting_a_password_replaces_the_extra_secrets_with_exactly_those_asked_for()
    {
        await NewAccountAsync("alice@example.com", "old");
        Assert.True(await Store.SetPasswordAsync("alice@example.com", "Password", PasswordSecrets.Ntlm));

        Assert.Null(await Store.GetCramMd5ContextAsync("alice@example.com"));
        Assert.Equal("a4f49c406510bdcab6824ee7c30fd852", Convert.ToHexStringLower((await Store.GetNtHashAsync("alice@example.com"))!));

        // The plain overload (no mechanisms on) drops them again.
        Assert.True(await Store.SetPasswordAsync("alice@example.com", "Password"));
        Assert.Null(await Store.GetNtHashAsync("alice@example.com"));
        Assert.False(await Store.SetPasswordAsync("nobody@example.com", "x", PasswordSecrets.Ntlm));
    }

    [Fact]
    public async Task Switching_a_mechanism_off_drops_its_secrets_from_every_mailbox()
    {
        await NewAccountAsync("alice@example.com");
        await Store.SetPasswordAsync("alice@example.com", "pw", PasswordSecrets.CramMd5 | PasswordSecrets.Ntlm);
        var version = await Store.GetDirectoryVersionAsync();

        Assert.Equal(1, await Store.DropPasswordSecretsAsync(PasswordSecrets.CramMd5));

        Assert.Null(await Store.GetCramMd5ContextAsync("alice@example.com"));
        Assert.NotNull(await Store.GetNtHashAsync("alice@example.com"));
        Assert.Equal(PasswordSecrets.Ntlm, (await Store.FindAccountAsync("alice@example.com"))!.StoredSecrets);
        Assert.True(await Store.GetDirectoryVersionAsync() > version);
        Assert.Equal(0, await Store.DropPasswordSecretsAsync(PasswordSecrets.CramMd5));
    }

    [Fact]
    public async Task Extra_secrets_survive_a_restart_and_hold_no_plaintext()
    {
        const string password = "Plaintext-Canary-4410";
        await NewAccountAsync("alice@example.com", "x");
        await Store.SetPasswordAsync("alice@example.com", password, PasswordSecrets.CramMd5 | PasswordSecrets.Ntlm);
        await ReopenAsync();

        Assert.NotNull(await Store.GetCramMd5ContextAsync("alice@example.com"));
        Assert.NotNull(await Store.GetNtHashAsync("alice@example.com"));
        foreach (var file in StoreFiles(DataFolder))
        {
            var bytes = ReadShared(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(password)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(password)));
        }
    }
}
