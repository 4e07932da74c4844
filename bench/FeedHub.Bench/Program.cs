using FeedHub.Bench;

// One executable, several roles: the harness itself (run) and the processes it starts and measures.
return args.FirstOrDefault() switch
{
    "run" => await Harness.RunAsync(args[1..]),
    "upstream" => await Upstream.RunAsync(args[1..]),
    "static" => await StaticServer.RunAsync(args[1..]),
    "empty" => await EmptyApp.RunAsync(args[1..]),
    "fetch-loop" => await FetchLoop.RunAsync(args[1..]),
    "pipeline-loop" => await PipelineLoop.RunAsync(args[1..]),
    "ingest-split" => await Harness.IngestSplitAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FeedHub.Bench run [--quick] [--only B1,B3] [--repo DIR]   (see bench/run.sh)");
    return 2;
}
