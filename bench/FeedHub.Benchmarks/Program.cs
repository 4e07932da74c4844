BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(FeedHub.Benchmarks.ParseBenchmarks).Assembly).Run(args);
