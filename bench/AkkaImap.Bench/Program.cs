using AkkaImap.Bench;

// akkaimap-bench VERB --option value ...: see bench/README.md.
var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: akkaimap-bench fill|mixed|idle|idle-cpu|large|protocol|report [--host H] [--port P] [--user TEMPLATE] [--password PW] [--pid PID] [--out FILE] ...");
    return 2;
}

try
{
    return options.Verb switch
    {
        "fill" => await Fill.RunAsync(options),
        "mixed" => await Mixed.RunAsync(options),
        "idle" => await Idle.RunAsync(options),
        "idle-cpu" => await IdleCpu.RunAsync(options),
        "large" => await Large.RunAsync(options),
        "protocol" => await Protocol.RunAsync(options),
        "report" => Report.Run(options),
        _ => 2,
    };
}
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
{
    Console.Error.WriteLine($"{options.Verb} failed: {e.Message}");
    return 1;
}
