namespace FeedHub.Bench;

/// <summary>The baseline of B5: an empty ASP.NET Core app, built with the default builder as FeedHub is.</summary>
internal static class EmptyApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var app = WebApplication.CreateBuilder(args).Build();
        app.MapGet("/", () => "empty");
        await app.RunAsync();
        return 0;
    }
}
