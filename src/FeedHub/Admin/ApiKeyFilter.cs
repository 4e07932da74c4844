using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// Admits an admin call only with <c>Authorization: Bearer &lt;FeedHub:Admin:ApiKey&gt;</c>. Keys are
/// compared in constant time (as hashes, so their lengths do not leak either); with no key configured,
/// the admin API is closed.
/// </summary>
internal sealed class ApiKeyFilter(IOptionsMonitor<AdminOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = options.CurrentValue.ApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "The admin API is disabled",
                detail: "Set FeedHub:Admin:ApiKey to enable it.");
        }

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (presented is null || !Matches(presented, configured))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"FeedHub admin\"";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: presented is null ? "An API key is required" : "The API key is not valid",
                detail: "Send Authorization: Bearer <FeedHub:Admin:ApiKey>.");
        }

        return await next(context);
    }

    private static bool Matches(string presented, string configured) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
}
