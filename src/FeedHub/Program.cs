using FeedHub.Hosting;

return await FeedHubCommandLine.RunAsync(args, Console.Out, Console.Error, errorIsTerminal: !Console.IsErrorRedirected);

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
