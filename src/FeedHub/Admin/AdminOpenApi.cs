using Microsoft.OpenApi;

namespace FeedHub.Admin;

/// <summary>
/// The OpenAPI document of FeedHub's HTTP surface, served at <c>/api/openapi.json</c> behind the
/// admin key like the rest of <c>/api</c>. It states that the admin routes take a bearer key.
/// </summary>
internal static class AdminOpenApi
{
    public const string DocumentPath = "/api/openapi.json";

    private const string SchemeName = "AdminKey";

    public static IServiceCollection AddAdminOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "FeedHub",
                    Version = typeof(AdminOpenApi).Assembly.GetName().Version?.ToString(3) ?? "0",
                    Description = "Feeds under /feeds are public. Everything under /api needs Authorization: Bearer <FeedHub:Admin:ApiKey>.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [SchemeName] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "The value of FeedHub:Admin:ApiKey.",
                    },
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true)
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] }];
                }

                return Task.CompletedTask;
            });
        });
}
