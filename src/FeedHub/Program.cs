using FeedHub.Hosting;

FeedHubApplication.Build(args).Run();

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
