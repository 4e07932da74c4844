using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// Admits a request under <c>/api</c> only with <c>Authorization: Bearer &lt;FeedHub:Admin:ApiKey&gt;</c>,
/// before routing, so no admin endpoint (nor a wrong path or method) answers anything else without it.
/// With no key configured, the admin API is closed. Wrong keys count towards <see cref="KeyGuesses"/>.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptionsMonitor<AdminOptions> options, IProblemDetailsService problems, KeyGuesses guesses)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var configured = options.CurrentValue.ApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "The admin API is disabled", "Set FeedHub:Admin:ApiKey to enable it.");
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        var address = context.Connection.RemoteIpAddress;
        if (presented is not null && guesses.Exhausted(address))
        {
            context.Response.Headers.RetryAfter = "60";
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, "Too many wrong keys", "This address presented too many wrong keys; wait a minute.");
            return;
        }

        if (presented is null || !AdminKey.Matches(presented, configured))
        {
            if (presented is not null)
            {
                guesses.Wrong(address);
            }

            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"FeedHub admin\"";
            await RefuseAsync(
                context,
                StatusCodes.Status401Unauthorized,
                presented is null ? "An API key is required" : "The API key is not valid",
                "Send Authorization: Bearer <FeedHub:Admin:ApiKey>.");
            return;
        }

        await next(context);
    }

    private async Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

}
