using AkkaImap.Fuzz;
using SharpFuzz;

// Under dotnet-libfuzzer (fuzz/driver) this loops over the inputs libFuzzer sends; run by hand
// with a file argument it runs that one input (SharpFuzz's fallback), to reproduce a finding.
Fuzzer.LibFuzzer.Run(input => ProtocolFuzzTarget.Run(input));
