using FeedHub.Admin.Dashboard;

namespace FeedHub.Admin;

internal static class AdminSetup
{
    /// <summary>The operator's surface: the admin API (behind <c>FeedHub:Admin:ApiKey</c>), its OpenAPI document, and the dashboard.</summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<AdminOptions>(AdminOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.ApiKey) || o.ApiKey.Length >= AdminOptions.MinimumKeyLength,
                $"FeedHub:Admin:ApiKey must be at least {AdminOptions.MinimumKeyLength} characters.");
        builder.Services.AddSingleton<SourceCatalog>();
        builder.Services.AddSingleton<KeyGuesses>();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<DashboardPages>();
        builder.Services.AddDashboard();
        builder.Services.AddAdminOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => AdminJson.Configure(json.SerializerOptions));
        return builder;
    }
}
