using FeedHub.Hosting;
using FeedHub.Storage;

// A command rather than the server (to be folded into FeedHub's command line).
if (args is ["storage", "copy-to-postgres", .. var copyArgs])
{
    return await StorageCopyCommand.RunAsync(copyArgs, Console.Error, CancellationToken.None);
}

try
{
    FeedHubApplication.Build(args).Run();
    return 0;
}
catch (Exception e) when (StartupProblem.Describe(e) is { Count: > 0 } problems)
{
    // A configuration mistake is the operator's to fix: say which key and why, without a stack trace.
    Console.Error.WriteLine("FeedHub cannot start:");
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"  {problem}");
    }

    return 1;
}

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
