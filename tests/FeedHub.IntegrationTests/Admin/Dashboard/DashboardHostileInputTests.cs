using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Testing;

namespace FeedHub.IntegrationTests.Admin.Dashboard;

/// <summary>
/// The dashboard under hostile and careless input, over a real socket: every form field, whole form
/// bodies, and every query value and path id its pages read. Each form carries a good antiforgery
/// token, so the case reaches the field it aims at. Each case is answered with success, a redirect or
/// a 4xx that says why, never a 5xx, and no page writes a script element out; afterwards FeedHub is
/// alive, the kept source is still there, and the session still opens the dashboard.
/// </summary>
[Collection(HostileRequests.Collection)]
public sealed partial class DashboardHostileInputTests : IntegrationTest
{
    private const int CasesPerSurface = 40;

    private const string Form = "application/x-www-form-urlencoded";

    private RunningFeedHub _hub = null!;
    private HttpClient _api = null!;
    private HttpClient _browser = null!;
    private HttpClient _stranger = null!;
    private PageWatch _browserWatch = null!;
    private PageWatch _strangerWatch = null!;

    protected override async ValueTask SetUpAsync()
    {
        _hub = Own(await StartHubAsync(Root.Path, keyGuessesPerMinute: 10_000));
        _api = OwnDisposable(new HttpClient { BaseAddress = _hub.BaseUrl });
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FeedHubApp.ApiKey);
        var kept = await _api.PostAsync(
            new Uri("/api/sources", UriKind.Relative),
            new StringContent("{\"id\":\"kept\",\"url\":\"http://127.0.0.1:9/kept.xml\",\"title\":\"Kept\",\"schedule\":\"1h\"}", Encoding.UTF8, "application/json"),
            Token);
        Assert.Equal(HttpStatusCode.Created, kept.StatusCode);

        // The dashboard as a browser uses it (cookies kept, redirects not followed), and a stranger who keeps
        // no cookies, so that a sign-in that works changes nothing for the next case.
        _browserWatch = new PageWatch(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        _strangerWatch = new PageWatch(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        _browser = OwnDisposable(new HttpClient(_browserWatch) { BaseAddress = _hub.BaseUrl });
        _stranger = OwnDisposable(new HttpClient(_strangerWatch) { BaseAddress = _hub.BaseUrl });
        var token = await FormTokenAsync(_browser, "/admin/sign-in");
        var signedIn = await _browser.PostAsync(new Uri("/admin/sign-in", UriKind.Relative), Content(SignInForm(FeedHubApp.ApiKey, "/admin", token)), Token);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    public static readonly TheoryData<string> FormSurfaces =
    [
        "sign-in key", "sign-in returnUrl", "sign-in whole body",
        "add source url", "add source id", "add source title", "add source schedule", "add source tags", "add source whole body",
        "schedule schedule",
    ];

    [Theory]
    [MemberData(nameof(FormSurfaces))]
    public async Task EveryHostileForm_IsAnsweredWithSuccessOrAReason(string surface)
    {
        var (path, cases, client, cookie) = surface.Split(' ')[0] switch
        {
            "sign-in" => await SignInSurfaceAsync(surface),
            "add" => await AddSourceSurfaceAsync(surface),
            _ => await ScheduleSurfaceAsync(),
        };

        // The valid form is accepted, so that a refusal below is the case's doing, not a stale token's.
        var valid = await HostileRequests.SendAsync(client, HttpMethod.Post, path, new HostileInput("valid", Encoding.UTF8.GetBytes(cases.Valid)), Form, headers => AddCookie(headers, cookie));
        Assert.Equal(HttpStatusCode.Redirect, valid.StatusCode);

        var inputs = cases.Cases(CasesPerSurface);
        foreach (var input in inputs)
        {
            await HostileSurface.TryAsync(input, async input =>
                await HostileRequests.AssertAnsweredAsync(
                    await HostileRequests.SendAsync(client, HttpMethod.Post, path, input, Form, headers => AddCookie(headers, cookie)), input));
        }

        await AssertNothingLostAsync(surface, inputs);
    }

    public static readonly TheoryData<string> QuerySurfaces =
    [
        "/admin?q=", "/admin?health=", "/admin?sort=", "/admin?desc=", "/admin?done=added&source=", "/admin?source=kept&done=",
        "/admin/items?q=", "/admin/items?source=", "/admin/items?cursor=", "/admin/sources/", "/admin/sources/kept?done=", "/admin/sign-in?returnUrl=",
    ];

    [Theory]
    [MemberData(nameof(QuerySurfaces))]
    public async Task EveryHostileQueryValue_IsAnsweredWithSuccessOrAReason(string prefix)
    {
        // The sign-in page is for strangers; every other page for the signed-in operator (a stranger is only sent to sign in).
        var client = prefix.StartsWith("/admin/sign-in", StringComparison.Ordinal) ? _stranger : _browser;
        var surface = new HostileSurface(
            "feeds <script>alert(1)</script> & \"quoted\" NEAR(a b) title:x*",
            value => value,
            depth => new string('[', depth) + "a" + new string(']', depth));
        var inputs = surface.Cases(CasesPerSurface);
        foreach (var input in inputs)
        {
            await HostileSurface.TryAsync(input, input => HostileRequests.GetAndAssertAnsweredAsync(client, prefix + HostileRequests.QueryValue(input), input));
        }

        await AssertNothingLostAsync(prefix, inputs);
    }

    /// <summary>
    /// With the default limit, a run of wrong keys from one address is answered 429 before the key is
    /// even compared: an answer like any other, which the rule for hostile input allows.
    /// </summary>
    [Fact]
    public async Task HostileKeysPastTheGuessLimit_AreAnswered429()
    {
        var strict = Own(await StartHubAsync(NewDirectory().Path, keyGuessesPerMinute: 3));
        using var stranger = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = strict.BaseUrl };
        var (cookie, token) = await StrangerFormAsync(stranger);
        var surface = new HostileSurface(SignInForm(FeedHubApp.ApiKey, "/admin/items", token), value => SignInForm(value, "/admin/items", token), depth => SignInForm(Nesting(depth), "/admin/items", token));
        var statuses = new List<HttpStatusCode>();

        foreach (var input in surface.Cases(CasesPerSurface))
        {
            await HostileSurface.TryAsync(input, async input =>
            {
                var response = await HostileRequests.SendAsync(stranger, HttpMethod.Post, "/admin/sign-in", input, Form, headers => AddCookie(headers, cookie));
                statuses.Add(response.StatusCode);
                await HostileRequests.AssertAnsweredAsync(response, input);
            });
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        await HostileRequests.AssertAliveAsync(stranger);
    }

    /// <summary>The sign-in form, sent by a stranger with the antiforgery cookie and token of one visit to the form.</summary>
    private async Task<(string, HostileSurface, HttpClient, string?)> SignInSurfaceAsync(string surface)
    {
        var (cookie, token) = await StrangerFormAsync(_stranger);
        var cases = surface switch
        {
            // A return address reaches the redirect only if it is in the dashboard, so the hostile text follows /admin.
            "sign-in returnUrl" => new HostileSurface(
                SignInForm(FeedHubApp.ApiKey, "/admin/items", token),
                value => SignInForm(FeedHubApp.ApiKey, "/admin" + value, token),
                depth => SignInForm(FeedHubApp.ApiKey, "/admin/" + Nesting(depth), token)),
            "sign-in whole body" => WholeBody(SignInForm(FeedHubApp.ApiKey, "/admin/items", token), depth => SignInForm(FeedHubApp.ApiKey, "/admin/items", token) + "&" + NestedName("returnUrl", depth) + "=x"),
            _ => new HostileSurface(
                SignInForm(FeedHubApp.ApiKey, "/admin/items", token),
                value => SignInForm(value, "/admin/items", token),
                depth => SignInForm(Nesting(depth), "/admin/items", token)),
        };
        return ("/admin/sign-in", cases, _stranger, cookie);
    }

    /// <summary>The add-source form, sent by the signed-in operator with the token of the sources page.</summary>
    private async Task<(string, HostileSurface, HttpClient, string?)> AddSourceSurfaceAsync(string surface)
    {
        var token = await FormTokenAsync(_browser, "/admin");
        string[] fields = ["url", "id", "title", "schedule", "tags"];
        string[] valid = ["http://127.0.0.1:9/added.xml", "added", "Added <script>alert(1)</script> & co", "30m", "tech, feeds"];
        string With(string field, string value) =>
            FormText([("__RequestVerificationToken", token), .. fields.Zip(valid, (name, v) => (name, name == field ? value : v))]);

        var field = surface.Split(' ')[2];
        var cases = field == "whole"
            ? WholeBody(With("", ""), depth => With("", "") + "&" + NestedName("tags", depth) + "=x")
            : new HostileSurface(With("", ""), value => With(field, value), depth => With(field, Nesting(depth)));
        return ("/admin/sources", cases, _browser, null);
    }

    /// <summary>The schedule form of the kept source, sent by the signed-in operator with the token of its page.</summary>
    private async Task<(string, HostileSurface, HttpClient, string?)> ScheduleSurfaceAsync()
    {
        var token = await FormTokenAsync(_browser, "/admin/sources/kept");
        string With(string schedule) => FormText([("__RequestVerificationToken", token), ("schedule", schedule)]);
        return ("/admin/sources/kept/schedule", new HostileSurface(With("0 0/15 * * * ?"), With, depth => With(Nesting(depth))), _browser, null);
    }

    /// <summary>A surface whose hostile text is the whole body, sent as it is: no field to put it in, no encoding done for it.</summary>
    private static HostileSurface WholeBody(string valid, Func<int, string> nested) => new(valid, value => value, nested);

    private async Task AssertNothingLostAsync(string surface, IReadOnlyList<HostileInput> inputs)
    {
        await HostileRequests.AssertAliveAsync(_api);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync(new Uri("/api/sources/kept", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _browser.GetAsync(new Uri("/admin", UriKind.Relative), Token)).StatusCode);
        var kinds = inputs.GroupBy(i => i.Kind.StartsWith("nested", StringComparison.Ordinal) ? "nested" : i.Kind.Split(" (")[0]).Select(k => $"{k.Key} ×{k.Count()}");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{surface}: {inputs.Count} cases ({string.Join(", ", kinds)}; {inputs.Count(i => i.Chunked)} chunked). Answers, set-up and checks included: the operator {_browserWatch.Seen}; the stranger {_strangerWatch.Seen}");
    }

    private static Task<RunningFeedHub> StartHubAsync(string contentRoot, int keyGuessesPerMinute) =>
        RunningFeedHub.StartAsync(contentRoot, new Dictionary<string, string?>
        {
            ["FeedHub:Admin:ApiKey"] = FeedHubApp.ApiKey,
            ["FeedHub:Polling:AllowPrivateNetworks"] = "true",
            ["FeedHub:Admin:KeyGuessesPerMinute"] = keyGuessesPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    /// <summary>Visits the sign-in form keeping no cookie: the antiforgery cookie it set (name=value) and the token on the page.</summary>
    private static async Task<(string Cookie, string Token)> StrangerFormAsync(HttpClient stranger)
    {
        var page = await stranger.GetAsync(new Uri("/admin/sign-in", UriKind.Relative), Token);
        var cookie = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        return (cookie, AntiforgeryField().Match(await page.Content.ReadAsStringAsync(Token)).Groups[1].Value);
    }

    private static async Task<string> FormTokenAsync(HttpClient browser, string path)
    {
        var token = AntiforgeryField().Match(await browser.GetStringAsync(new Uri(path, UriKind.Relative), Token)).Groups[1].Value;
        Assert.NotEmpty(token);
        return token;
    }

    private static void AddCookie(HttpRequestHeaders headers, string? cookie)
    {
        if (cookie is not null)
        {
            headers.Add("Cookie", cookie);
        }
    }

    private static string SignInForm(string key, string returnUrl, string token) =>
        FormText([("__RequestVerificationToken", token), ("key", key), ("returnUrl", returnUrl)]);

    private static StringContent Content(string form) => new(form, Encoding.UTF8, Form);

    /// <summary>A value nested <paramref name="depth"/> brackets deep, [[[…]]]; a form writes each bracket as %5B.</summary>
    private static string Nesting(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>A field name nested <paramref name="depth"/> levels deep, as form binders that read objects and lists name fields.</summary>
    private static string NestedName(string name, int depth) => name + string.Concat(Enumerable.Repeat("%5B0%5D", depth));

    /// <summary>
    /// Fields as a browser writes a form: each value's UTF-8 bytes percent-encoded but for letters, digits
    /// and -._~; a lone surrogate is written as the three bytes that would encode it, which are not UTF-8.
    /// The forms here put their antiforgery token first, so that a case cut short still has it, and
    /// reaches the fields it has left.
    /// </summary>
    private static string FormText(IEnumerable<(string Name, string Value)> fields) =>
        string.Join('&', fields.Select(f => $"{f.Name}={Percent(f.Value)}"));

    private static string Percent(string value)
    {
        var text = new StringBuilder(value.Length * 3);
        for (var i = 0; i < value.Length; i++)
        {
            byte[] bytes;
            if (char.IsSurrogatePair(value, i))
            {
                bytes = Encoding.UTF8.GetBytes(value.Substring(i++, 2));
            }
            else if (char.IsSurrogate(value[i]))
            {
                bytes = [0xED, (byte)(0x80 | ((value[i] >> 6) & 0x3F)), (byte)(0x80 | (value[i] & 0x3F))];
            }
            else
            {
                bytes = Encoding.UTF8.GetBytes(value[i].ToString());
            }

            foreach (var b in bytes)
            {
                if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                {
                    text.Append((char)b);
                }
                else
                {
                    text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        return text.ToString();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>
    /// Watches every answer on its way to the test: an HTML page with a script element in it fails the
    /// case (the dashboard writes none of its own, so one there is input written out unescaped), and
    /// the statuses seen are counted for the test's output.
    /// </summary>
    private sealed class PageWatch(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly SortedDictionary<string, int> _statuses = new(StringComparer.Ordinal);

        /// <summary>The statuses seen so far, with how often each.</summary>
        public string Seen
        {
            get
            {
                lock (_statuses)
                {
                    return string.Join(", ", _statuses.Select(s => $"{s.Key} ×{s.Value}"));
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);

            // A form refused for its antiforgery token never reached the field the case aimed at: counted apart.
            var seen = body.Contains("The form has expired", StringComparison.Ordinal) ? $"{(int)response.StatusCode} (form expired)" : $"{(int)response.StatusCode}";
            lock (_statuses)
            {
                _statuses[seen] = _statuses.GetValueOrDefault(seen) + 1;
            }

            if (response.Content.Headers.ContentType?.MediaType == "text/html")
            {
                if (body.Contains("<script", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"{request.Method} {request.RequestUri?.OriginalString[..Math.Min(request.RequestUri.OriginalString.Length, 80)]} answered {(int)response.StatusCode} with a page that writes out a <script> element");
                }
            }

            return response;
        }
    }
}
