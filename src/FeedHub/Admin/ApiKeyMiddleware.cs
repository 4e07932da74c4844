using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// Admits a request under <c>/api</c> only with <c>Authorization: Bearer &lt;FeedHub:Admin:ApiKey&gt;</c>,
/// before routing, so no admin endpoint (nor a wrong path or method) answers anything else without it.
/// With no key configured, the admin API is closed. A client address that has presented
/// <see cref="AdminOptions.KeyGuessesPerMinute"/> wrong keys is refused for the rest of the minute,
/// without its key being checked, so guessing cannot go faster than that.
/// </summary>
internal sealed partial class ApiKeyMiddleware(RequestDelegate next, IOptionsMonitor<AdminOptions> options, IProblemDetailsService problems, ILogger<ApiKeyMiddleware> logger)
{
    private readonly PartitionedRateLimiter<string> _guesses = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.CurrentValue.KeyGuessesPerMinute,
            Window = TimeSpan.FromMinutes(1),
        }));

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
        var address = context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
        if (presented is not null && _guesses.GetStatistics(address) is { CurrentAvailablePermits: 0 })
        {
            context.Response.Headers.RetryAfter = "60";
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, "Too many wrong keys", "This address presented too many wrong keys; wait a minute.");
            return;
        }

        if (presented is null || !AdminKey.Matches(presented, configured))
        {
            if (presented is not null)
            {
                using var guess = _guesses.AttemptAcquire(address);
                if (_guesses.GetStatistics(address) is { CurrentAvailablePermits: 0 })
                {
                    LogGuessing(address, options.CurrentValue.KeyGuessesPerMinute);
                }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Address} presented {Limit} wrong admin keys within a minute; its keys are refused unchecked until the minute is out")]
    private partial void LogGuessing(string address, int limit);
}
