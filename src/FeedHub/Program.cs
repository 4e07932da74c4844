using FeedHub.Admin;
using FeedHub.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddFeedHubCore()
    .AddStorage()
    .AddParsing()
    .AddSources()
    .AddPolling()
    .AddAdmin();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAdminAuthentication();
app.MapHealthChecks("/healthz");
app.MapAdminApi();
app.Run();

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
