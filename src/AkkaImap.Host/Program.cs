using AkkaImap.Host.Cli;

return await AkkaImapCli.RunAsync(args);
