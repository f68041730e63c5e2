using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Digest.Benchmarks -- --filter '*'   (results: docs/benchmarks.md)
BenchmarkSwitcher.FromAssembly(typeof(Digest.Benchmarks.PerMessageBenchmarks).Assembly).Run(args);
