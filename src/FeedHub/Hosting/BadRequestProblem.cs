using Microsoft.AspNetCore.Diagnostics;

namespace FeedHub.Hosting;

/// <summary>
/// A request the framework could not read (truncated JSON, a form field of the wrong type) answers
/// with a problem that says what was wrong, where the framework alone answered a bare 400. Binding
/// throws for this (<see cref="RouteHandlerOptions.ThrowOnBadRequest"/>), and the exception ends here,
/// handled, so it is not logged as a server error.
/// </summary>
internal sealed class BadRequestProblem(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = "The request could not be read",
                Detail = bad.InnerException is { } cause ? $"{bad.Message} {cause.Message}" : bad.Message,
            },
        });
    }
}
