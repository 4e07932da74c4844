using Microsoft.Net.Http.Headers;

namespace FeedHub.Hosting;

/// <summary>
/// A request body in a charset .NET knows but will not read (UTF-7, by any of its names) is refused
/// with 415 here, once for every form and JSON endpoint: the framework's readers look the charset up
/// themselves and throw, which answered 500 from the WebSub hub and the dashboard's sign-in alike.
/// </summary>
internal static class ReadableCharsets
{
    public static IApplicationBuilder UseReadableCharsets(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentType is { } contentType && !IsReadable(contentType))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                await context.Response.WriteAsync("The body's charset is one FeedHub does not read; send it in UTF-8.");
                return;
            }

            await next(context);
        });

    private static bool IsReadable(string contentType)
    {
        // A type that does not parse is each endpoint's to refuse, in its own words.
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type))
        {
            return true;
        }

        try
        {
            _ = type.Encoding;
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}
