using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace FeedHub.IntegrationTests.Publishing.Hub;

/// <summary>
/// FeedHub's public side under hostile and careless input, over a real socket: the WebSub hub's
/// subscription form (each field, the body as a whole, and its charset), and the query strings and path values of
/// the feeds, the archive, the articles and the site. Each case is answered with success or a 4xx that
/// says why, never a 5xx; afterwards FeedHub is alive and still serves its channel.
/// </summary>
[Collection(HostileRequests.Collection)]
public sealed class HubHostileInputTests : IntegrationTest
{
    private const int CasesPerSurface = 40;

    private const string FormContentType = "application/x-www-form-urlencoded";

    private RunningFeedHub _hub = null!;
    private HttpClient _client = null!;

    /// <summary>A topic of this hub: the news channel's Atom document, by the URL it advertises.</summary>
    private string Topic => new Uri(_hub.BaseUrl, "feeds/news.atom").AbsoluteUri;

    /// <summary>A subscriber on the test's own upstream, which confirms every verification by echoing its challenge.</summary>
    private string Callback => Upstream.Url("callback").AbsoluteUri;

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.Map("callback", context => context.Response.WriteAsync(context.Request.Query["hub.challenge"].ToString(), context.RequestAborted));
        _hub = Own(await RunningFeedHub.StartAsync(Root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Admin:ApiKey"] = FeedHubApp.ApiKey,
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "News",
            ["FeedHub:Channels:0:Articles"] = "true",

            // Verification may go to the loopback upstream; the per-address limit must not stop the cases.
            ["FeedHub:WebSub:AllowPrivateCallbacks"] = "true",
            ["FeedHub:WebSub:RequestsPerMinute"] = "10000",
            ["FeedHub:WebSub:Timeout"] = "00:00:05",
        }));
        _client = OwnDisposable(new HttpClient { BaseAddress = _hub.BaseUrl });
        using var article = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/articles", UriKind.Relative))
        {
            Content = JsonContent.Create(new { title = "Kept article", summary = "s", body = "Body.", authors = new[] { new { name = "Ann" } }, ai = new { generated = false } }),
        };
        article.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FeedHubApp.ApiKey);
        Assert.Equal(HttpStatusCode.Created, (await _client.SendAsync(article, Token)).StatusCode);
    }

    public static readonly TheoryData<string> FormSurfaces = ["hub.mode", "hub.topic", "hub.callback", "hub.lease_seconds", "hub.secret", "the whole form"];

    [Theory]
    [MemberData(nameof(FormSurfaces))]
    public async Task EveryHostileSubscriptionForm_IsAnsweredWithSuccessOrAReason(string field)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The callback comes before the topic: a form cut short in the callback has no topic, and is refused before any verification.
            ["hub.mode"] = "subscribe",
            ["hub.callback"] = Callback,
            ["hub.topic"] = Topic,
            ["hub.lease_seconds"] = "3600",
            ["hub.secret"] = "a shared secret, not too long",
        };
        var valid = Form(fields, field, null);
        var surface = field == "the whole form"
            ? new HostileSurface(
                valid,
                value => value,
                depth => $"{valid}&hub.topic{new string('[', depth)}{new string(']', depth)}=x")
            : new HostileSurface(
                valid,
                value => Form(fields, field, FormText(value)),
                depth => Form(fields, field, "%" + string.Concat(Enumerable.Repeat("25", depth))));

        foreach (var input in surface.Cases(CasesPerSurface))
        {
            await HostileSurface.TryAsync(input, async input =>
            {
                AssertStaysOnLoopback(input);
                var response = await HostileRequests.SendAsync(_client, HttpMethod.Post, "/websub", input, FormContentType);
                await HostileRequests.AssertAnsweredAsync(response, input);
                AssertTooLargeOnlyPastTheCap(response, input);
            });
        }

        await AssertStillServingAsync();
    }

    /// <summary>
    /// Labels of charsets for the form: ones .NET reads, one it does not know (read as UTF-8), and UTF-7's,
    /// which .NET knows and refuses to read (the form reader threw on them, a 500).
    /// </summary>
    public static readonly TheoryData<string> Charsets = ["utf-8", "us-ascii", "iso-8859-1", "windows-1252", "utf-16", "utf-32", "no-such-charset", "utf-7", "UTF-7", "csUnicode11UTF7", "unicode-1-1-utf-7"];

    [Theory]
    [MemberData(nameof(Charsets))]
    public async Task AFormInAnyCharset_IsAnsweredWithSuccessOrAReason(string charset)
    {
        var form = Form(new Dictionary<string, string>(StringComparer.Ordinal) { ["hub.mode"] = "subscribe", ["hub.callback"] = Callback, ["hub.topic"] = Topic }, "", null);
        foreach (var chunked in new[] { false, true })
        {
            var input = new HostileInput($"charset={charset}", Encoding.UTF8.GetBytes(form)) { Chunked = chunked };
            await HostileSurface.TryAsync(input, async input =>
                await HostileRequests.AssertAnsweredAsync(await HostileRequests.SendAsync(_client, HttpMethod.Post, "/websub", input, $"{FormContentType}; charset={charset}"), input));
        }

        await AssertStillServingAsync();
    }

    public static readonly TheoryData<string> PublicSurfaces =
    [
        "/feeds/{value}.atom", "/feeds/news.atom?{value}", "/feeds/news/archive/{value}.atom", "/articles/{value}", "/?{value}",
    ];

    [Theory]
    [MemberData(nameof(PublicSurfaces))]
    public async Task EveryHostilePublicPathOrQuery_IsAnsweredWithSuccessOrAReason(string template)
    {
        var inQuery = template.Contains('?', StringComparison.Ordinal);
        var valid = template switch
        {
            "/feeds/{value}.atom" => "news",
            "/feeds/news/archive/{value}.atom" => "1",
            "/articles/{value}" => "kept-article",
            _ => "page=2&format=atom",
        };
        var surface = new HostileSurface(
            valid,
            value => value,
            depth => inQuery ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("../", depth)));

        foreach (var input in surface.Cases(CasesPerSurface))
        {
            await HostileSurface.TryAsync(input, input =>
                HostileRequests.GetAndAssertAnsweredAsync(_client, template.Replace("{value}", HostileRequests.QueryValue(input), StringComparison.Ordinal), input));
        }

        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        await HostileRequests.AssertAliveAsync(_client);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/feeds/news.atom", UriKind.Relative), Token)).StatusCode);
    }

    /// <summary>
    /// A 413 says the request was too large, so it is only for one that was: a body past the hub's 16 KiB
    /// cap, or one of more fields than it reads (64; counted here by their separators, which is at least as many).
    /// </summary>
    private static void AssertTooLargeOnlyPastTheCap(HttpResponseMessage response, HostileInput input) =>
        Assert.True(
            response.StatusCode != HttpStatusCode.RequestEntityTooLarge || input.Body.Length > 16 * 1024 || input.Body.Count(b => b == (byte)'&') >= 63,
            $"{input}: answered 413, too large, for {input.Body.Length:N0} bytes in {input.Body.Count(b => b == (byte)'&') + 1} fields");

    /// <summary>
    /// The subscription form with <paramref name="field"/> written as <paramref name="written"/> (already
    /// form-encoded), or every field as it is when null; the other fields as they are.
    /// </summary>
    private static string Form(Dictionary<string, string> fields, string field, string? written) =>
        string.Join('&', fields.Select(f => $"{f.Key}={(f.Key == field && written is not null ? written : FormText(f.Value))}"));

    /// <summary>
    /// Text as a form value, as a browser writes it: a space as <c>+</c>, every other byte of its UTF-8
    /// but letters, digits and <c>-._*</c> percent-encoded. (A lone surrogate has no UTF-8: it is sent
    /// as U+FFFD, which is what the server reads the bytes of one as; the bad-encoding cases send those bytes raw.)
    /// </summary>
    private static string FormText(string value)
    {
        var text = new StringBuilder(value.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'*')
            {
                text.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                text.Append('+');
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The tests call nothing past 127.0.0.1: a case whose callback FeedHub would read as a URL on another
    /// host (a mutation that made the loopback address a name) is not sent, and fails, so that the cases are changed.
    /// </summary>
    private static void AssertStaysOnLoopback(HostileInput input)
    {
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        using (var reader = new FormReader(input.Text) { KeyLengthLimit = int.MaxValue, ValueCountLimit = int.MaxValue, ValueLengthLimit = int.MaxValue })
        {
            form = reader.ReadForm();
        }

        if (form.TryGetValue("hub.callback", out var callback) && callback.Count > 0
            && Uri.TryCreate(callback[^1], UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            Assert.True(url.Host == "127.0.0.1", $"{input}: its callback is on {url.Host}, which FeedHub would call; the tests stay on 127.0.0.1");
        }
    }
}
