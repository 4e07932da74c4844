using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FeedHub.Testing;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// Hostile cases sent to FeedHub over a real socket (Kestrel on 127.0.0.1), so that chunked bodies,
/// request-line limits and body caps are the server's own, and the rule every answer keeps.
/// </summary>
internal static class HostileRequests
{
    /// <summary>
    /// The collection of the hostile-input suites: each sends megabytes of work, so they run one after
    /// another (beside the other tests) and together do not starve the tests that wait on a real browser.
    /// </summary>
    public const string Collection = "Hostile input";

    /// <summary>Sends the case as a request body, whole (with Content-Length) or chunked, as the case says.</summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HostileInput input, string contentType, Action<HttpRequestHeaders>? headers = null)
    {
        HttpContent content = input.Chunked ? new StreamContent(new MemoryStream(input.Body)) : new ByteArrayContent(input.Body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        headers?.Invoke(request.Headers);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Kestrel's limit on a request line (8 KiB): past it, Kestrel answers 414 and closes the
    /// connection while the client may still be sending, which the client sees as a failed send.
    /// </summary>
    private const int MaxRequestLine = 8 * 1024;

    /// <summary>GETs <paramref name="target"/> and checks the answer; a request line past Kestrel's limit may also end in the connection closed on it.</summary>
    public static async Task GetAndAssertAnsweredAsync(HttpClient client, string target, HostileInput input)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(new Uri(target, UriKind.Relative), TestContext.Current.CancellationToken);
        }
        catch (HttpRequestException) when (target.Length > MaxRequestLine)
        {
            return;
        }

        await AssertAnsweredAsync(response, input);
    }

    /// <summary>The case's bytes as a query value, each byte percent-encoded so that bad UTF-8 arrives as it is.</summary>
    public static string QueryValue(HostileInput input)
    {
        var query = new StringBuilder(input.Body.Length * 3);
        foreach (var b in input.Body)
        {
            if (char.IsAsciiLetterOrDigit((char)b))
            {
                query.Append((char)b);
            }
            else
            {
                query.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return query.ToString();
    }

    /// <summary>
    /// The rule for every answer to hostile input: success, a redirect, or a 4xx that says what was
    /// wrong (a problem with a detail or per-field errors, or a page or text that says it). Never a 5xx,
    /// which is FeedHub failing on input rather than refusing it.
    /// </summary>
    public static async Task AssertAnsweredAsync(HttpResponseMessage response, HostileInput input)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status < 500, $"{input}: answered {status}: {body[..Math.Min(body.Length, 300)]}");

        // Kestrel refuses a request it cannot parse as HTTP (a NUL in the path, say) before FeedHub sees
        // it, with an empty 400 and the connection closed.
        var refusedAsHttp = status == 400 && response.Headers.ConnectionClose == true && body.Length == 0;

        // 401, 404, 405, 413, 414, 415 and 429 say all there is to say in their status.
        if (status >= 400 && !refusedAsHttp && response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
            or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.RequestUriTooLong or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.TooManyRequests))
        {
            Assert.False(string.IsNullOrWhiteSpace(body), $"{input}: answered {status} without saying why");
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                Assert.True(body.Contains("\"detail\"", StringComparison.Ordinal) || body.Contains("\"errors\"", StringComparison.Ordinal), $"{input}: answered {status} with a problem that names nothing: {body}");
            }
        }
    }

    /// <summary>FeedHub is still up, and still answers: liveness and readiness both 200.</summary>
    public static async Task AssertAliveAsync(HttpClient client)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }
}
