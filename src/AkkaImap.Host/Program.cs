using AkkaImap.Host.Cli;

// Before any thread allocates native memory (SQLite, OpenSSL, zlib): see NativeHeap.
AkkaImap.Server.Memory.NativeHeap.Apply();

return await AkkaImapCli.RunAsync(args);
