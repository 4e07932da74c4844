using FeedHub.Hosting;
using FeedHub.Storage;

// Copying a store opens both stores itself, before any host is built.
if (args is ["storage", "copy-to-postgres", .. var copyArgs])
{
    return await StorageCopyCommand.RunAsync(copyArgs, Console.Error, CancellationToken.None);
}

return await FeedHubCommandLine.RunAsync(args, Console.Out, Console.Error, errorIsTerminal: !Console.IsErrorRedirected);

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
