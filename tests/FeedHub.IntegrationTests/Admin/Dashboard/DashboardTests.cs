using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.IntegrationTests.Admin.Dashboard;

/// <summary>The dashboard over HTTP: who gets in, and what every form refuses.</summary>
public sealed partial class DashboardTests : IntegrationTest
{
    private FeedHubApp _app = null!;

    protected override async ValueTask SetUpAsync()
    {
        _app = StartApp(settings: FeedHubApp.Sources(("declared", new Uri("http://127.0.0.1:9/feed.xml"))));
        await _app.WaitForFetchesAsync("declared");
    }

    private HttpClient Browser() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/sources/declared")]
    [InlineData("/admin/sources/declared/delete")]
    [InlineData("/admin/items")]
    [InlineData("/admin/articles")]
    [InlineData("/admin/websub")]
    public async Task EveryPage_SendsStrangersToSignIn(string path)
    {
        using var browser = Browser();

        var response = await browser.GetAsync(new Uri(path, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/sign-in?returnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task EveryAction_IsRefusedToStrangers_AndChangesNothing()
    {
        using var browser = Browser();
        var token = await FormTokenAsync(browser, "/admin/sign-in");

        foreach (var action in new[] { "/admin/sources/declared/pause", "/admin/sources/declared/delete", "/admin/sources", "/admin/websub/subscriptions/1/end", "/admin/sign-out" })
        {
            var response = await PostAsync(browser, action, token, ("url", "http://127.0.0.1:9/other.xml"));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/admin/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        var sources = await _app.Get<SourceStore>().ListAsync(Token);
        Assert.Equal(SourceStatus.Active, Assert.Single(sources).Status);
    }

    [Fact]
    public async Task SigningIn_GivesAStrictHttpOnlyCookie_AndGoesWhereTheOperatorWasHeaded()
    {
        using var browser = Browser();
        var token = await FormTokenAsync(browser, "/admin/sign-in");

        var response = await PostAsync(browser, "/admin/sign-in", token, ("key", FeedHubApp.ApiKey), ("returnUrl", "/admin/items"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/items", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("feedhub-admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/admin", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/admin/items", UriKind.Relative), Token)).StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/admin")]
    [InlineData("//evil.example/admin")]
    [InlineData("/admin/\\evil.example")]
    public async Task SigningIn_NeverSendsTheOperatorElsewhere(string returnUrl)
    {
        using var browser = Browser();
        var token = await FormTokenAsync(browser, "/admin/sign-in");

        var response = await PostAsync(browser, "/admin/sign-in", token, ("key", FeedHubApp.ApiKey), ("returnUrl", returnUrl));

        Assert.Equal("/admin", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AWrongKey_IsRefused_WithoutASession()
    {
        using var browser = Browser();
        var token = await FormTokenAsync(browser, "/admin/sign-in");

        var response = await PostAsync(browser, "/admin/sign-in", token, ("key", "not-the-key-at-all-0000"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("That is not the admin key.", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("feedhub-admin=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(new Uri("/admin", UriKind.Relative), Token)).StatusCode);
    }

    [Fact]
    public async Task GuessingTheKey_IsSlowedDown()
    {
        using var browser = Browser();
        var token = await FormTokenAsync(browser, "/admin/sign-in");
        var statuses = new List<HttpStatusCode>();

        for (var attempt = 0; attempt < 11; attempt++)
        {
            statuses.Add((await PostAsync(browser, "/admin/sign-in", token, ("key", $"guess-{attempt}-000000000000"))).StatusCode);
        }

        Assert.All(statuses[..10], s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);
    }

    [Theory]
    [InlineData("/admin/sources/declared/pause", "", "")]
    [InlineData("/admin/sources", "url", "https://forged.example/feed")]
    [InlineData("/admin/sources/declared/schedule", "schedule", "1m")]
    [InlineData("/admin/sign-in", "key", FeedHubApp.ApiKey)]
    public async Task AFormWithoutItsAntiforgeryToken_IsRefusedAsExpired_AndChangesNothing(string path, string field, string value)
    {
        using var browser = path == "/admin/sign-in" ? Browser() : await SignedInAsync();

        var response = await PostAsync(browser, path, token: null, field.Length == 0 ? [] : [(field, value)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form has expired", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.DoesNotContain(Cookies(response), c => c.StartsWith("feedhub-admin=", StringComparison.Ordinal));
        var declared = (await _app.Get<SourceStore>().GetAsync("declared", Token))!;
        Assert.Equal((SourceStatus.Active, false), (declared.Status, declared.Schedule == "1m"));
        Assert.DoesNotContain(await _app.Get<SourceStore>().ListAsync(Token), s => s.Url.Contains("forged", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ForwardedHeaders_AreBelievedOnlyFromAConfiguredProxy(bool proxyConfigured)
    {
        // Every request arrives from 127.0.0.1, as from a reverse proxy on the same machine.
        var settings = new Dictionary<string, string?> { ["FeedHub:Admin:KeyGuessesPerMinute"] = "2" };
        if (proxyConfigured)
        {
            settings["FeedHub:Proxy:KnownProxies:0"] = "127.0.0.1";
        }

        var app = StartApp(settings: settings, services: s => s.AddSingleton<IStartupFilter>(new FromLoopback()));
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await FormTokenAsync(browser, "/admin/sign-in");

        async Task<HttpResponseMessage> SignInAsync(string client, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/sign-in")
            {
                Content = new FormUrlEncodedContent([new("key", key), new("__RequestVerificationToken", token)]),
            };
            request.Headers.Add("X-Forwarded-For", client);
            request.Headers.Add("X-Forwarded-Proto", "https");
            return await browser.SendAsync(request, Token);
        }

        // One client uses up its guesses; another behind the same proxy has its own, if the proxy is believed.
        await SignInAsync("203.0.113.7", "wrong-key-000000000000");
        await SignInAsync("203.0.113.7", "wrong-key-000000000000");
        var guesser = await SignInAsync("203.0.113.7", "wrong-key-000000000000");
        var other = await SignInAsync("198.51.100.9", FeedHubApp.ApiKey);

        Assert.Equal(HttpStatusCode.TooManyRequests, guesser.StatusCode);
        Assert.Equal(proxyConfigured ? HttpStatusCode.Redirect : HttpStatusCode.TooManyRequests, other.StatusCode);
        if (proxyConfigured)
        {
            var session = Assert.Single(other.Headers.GetValues("Set-Cookie"), c => c.StartsWith("feedhub-admin=", StringComparison.Ordinal));
            Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Gives every request the remote address of a proxy on the same machine (the test server has none).</summary>
    private sealed class FromLoopback : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    [Fact]
    public async Task SigningOut_EndsTheSession_EvenForACopyOfItsCookie()
    {
        using var browser = Browser();
        var token = await FormTokenAsync(browser, "/admin/sign-in");
        var signIn = await PostAsync(browser, "/admin/sign-in", token, ("key", FeedHubApp.ApiKey));
        var saved = Assert.Single(Cookies(signIn), c => c.StartsWith("feedhub-admin=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await GetWithCookieAsync(_app, "/admin", saved));

        var signOut = await PostAsync(browser, "/admin/sign-out", await FormTokenAsync(browser, "/admin"));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await GetWithCookieAsync(_app, "/admin", saved));

        // Another session, signed in on its own, is not touched.
        using var other = await SignedInAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(new Uri("/admin", UriKind.Relative), Token)).StatusCode);
    }

    [Fact]
    public async Task ChangingTheKey_EndsEverySession()
    {
        using var browser = await SignedInAsync();
        var configuration = (IConfigurationRoot)_app.Services.GetRequiredService<IConfiguration>();

        configuration["FeedHub:Admin:ApiKey"] = "a-brand-new-key-0123456789";
        configuration.Reload();
        var response = await browser.GetAsync(new Uri("/admin", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/admin/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeclaredSource_CannotBeDeletedOrRescheduledHere_AndThePageSaysWhy()
    {
        using var browser = await SignedInAsync();
        var token = await FormTokenAsync(browser, "/admin/sources/declared");

        var delete = await PostAsync(browser, "/admin/sources/declared/delete", token);
        var schedule = await PostAsync(browser, "/admin/sources/declared/schedule", token, ("schedule", "15m"));

        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Contains("declared in FeedHub:Sources; change it there", WebUtility.HtmlDecode(await delete.Content.ReadAsStringAsync(Token)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, schedule.StatusCode);
        Assert.NotNull(await _app.Get<SourceStore>().GetAsync("declared", Token));
    }

    [Fact]
    public async Task AnInvalidSourceOrSchedule_IsShownWithTheReason_AndNothingIsStored()
    {
        using var browser = await SignedInAsync();
        var token = await FormTokenAsync(browser, "/admin");

        var badUrl = await PostAsync(browser, "/admin/sources", token, ("url", "ftp://example.com/feed"));
        var badSchedule = await PostAsync(browser, "/admin/sources", token, ("url", "http://127.0.0.1:9/x.xml"), ("schedule", "every tuesday"));

        Assert.Equal(HttpStatusCode.BadRequest, badUrl.StatusCode);
        Assert.Contains("url: ", await badUrl.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badSchedule.StatusCode);
        var page = WebUtility.HtmlDecode(await badSchedule.Content.ReadAsStringAsync(Token));
        Assert.Contains("schedule: ", page, StringComparison.Ordinal);
        Assert.Contains("value=\"every tuesday\"", page, StringComparison.Ordinal);
        Assert.Single(await _app.Get<SourceStore>().ListAsync(Token));
    }

    [Fact]
    public async Task AnUnknownSource_Is404()
    {
        using var browser = await SignedInAsync();

        var response = await browser.GetAsync(new Uri("/admin/sources/nope", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No source has the id 'nope'.", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Token)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANoticeIsNamedByACode_SoALinkCannotPutWordsOnThePage()
    {
        using var browser = await SignedInAsync();

        var page = await browser.GetStringAsync(new Uri("/admin?done=Your+key+leaked,+visit+evil.example&source=x", UriKind.Relative), Token);

        Assert.DoesNotContain("evil.example", page, StringComparison.Ordinal);
        Assert.DoesNotContain("role=\"status\"", page, StringComparison.Ordinal);

        // A known code cannot carry words either: the source it names must be an id.
        var deleted = await browser.GetStringAsync(new Uri("/admin?done=deleted&source=Your+key+leaked,+visit+evil.example", UriKind.Relative), Token);
        Assert.DoesNotContain("evil.example", deleted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Articles_ShowTheirPublicationState()
    {
        using var api = _app.Admin();
        var created = await api.PostAsJsonAsync("/api/articles", new { title = "Later", body = "Soon.", publishAt = DateTimeOffset.UtcNow.AddDays(2) }, Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var browser = await SignedInAsync();

        var page = await browser.GetStringAsync(new Uri("/admin/articles", UriKind.Relative), Token);

        var row = ArticleRow().Match(page);
        Assert.True(row.Success, page);
        Assert.Contains("Scheduled, in 47 h", row.Value, StringComparison.Ordinal);
        Assert.Contains("admin API", row.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSub_ShowsBothDirections_WithoutSecrets_AndEndsASubscriberOnRequest()
    {
        var now = DateTimeOffset.UtcNow;
        var hub = _app.Get<WebSubStore>();
        await hub.SubscribeAsync("http://localhost/feeds/planet.atom", "https://reader.example/websub/1", "subscriber-secret-1", "sha384", 88_200, now, Token);
        var upstream = _app.Get<UpstreamSubscriptionStore>();
        await upstream.CreateAsync(
            new UpstreamSubscription
            {
                Id = "c0ffee",
                SourceId = "declared",
                Hub = "https://hub.example/",
                Topic = "http://127.0.0.1:9/feed.xml",
                Secret = "upstream-secret-2",
                State = UpstreamState.Requested,
                RequestedAt = now,
            },
            Token);
        await upstream.VerifiedAsync("c0ffee", 3_600, now, Token);
        using var browser = await SignedInAsync();

        var page = await browser.GetStringAsync(new Uri("/admin/websub", UriKind.Relative), Token);

        var subscriber = SubscriberRow().Match(page);
        Assert.True(subscriber.Success, page);
        Assert.Contains("/feeds/planet.atom", subscriber.Value, StringComparison.Ordinal);
        Assert.Contains("sha384", subscriber.Value, StringComparison.Ordinal);
        Assert.Contains("in 24 h", subscriber.Value, StringComparison.Ordinal);
        var pushed = UpstreamRow().Match(page);
        Assert.True(pushed.Success, page);
        Assert.Contains("https://hub.example/", pushed.Value, StringComparison.Ordinal);
        Assert.Contains("badge push", pushed.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("subscriber-secret-1", page, StringComparison.Ordinal);
        Assert.DoesNotContain("upstream-secret-2", page, StringComparison.Ordinal);

        var id = (await hub.ListActiveAsync(now, Token)).Single().Id;
        var ended = await PostAsync(browser, $"/admin/websub/subscriptions/{id}/end", AntiforgeryField().Match(page).Groups[1].Value);

        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal("/admin/websub?done=ended", ended.Headers.Location!.OriginalString);
        Assert.Empty(await hub.ListActiveAsync(now, Token));
        Assert.Contains("The subscription is ended", await browser.GetStringAsync(ended.Headers.Location, Token), StringComparison.Ordinal);
    }

    /// <summary>
    /// The keys that protect sessions are kept in the store: a session is good on every node sharing
    /// it (a cluster on PostgreSQL; a restart on SQLite), with no folder to share, and on no other store.
    /// </summary>
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task ASession_IsAcceptedByEveryNodeSharingTheStore(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        using var root = new TestDirectory();
        string session;
        await using (var first = new FeedHubApp(root.Path, store.Settings))
        {
            session = await SessionCookieAsync(first);
        }

        // On SQLite the second node is the first one restarted on its folder; on PostgreSQL a node with a folder of its own.
        await using var second = new FeedHubApp(provider == StorageProvider.Sqlite ? root.Path : null, store.Settings);
        await using var stranger = new FeedHubApp();

        Assert.Equal(HttpStatusCode.OK, await GetWithCookieAsync(second, "/admin", session));
        Assert.Equal(HttpStatusCode.Redirect, await GetWithCookieAsync(stranger, "/admin", session));
        Assert.False(Directory.Exists(Path.Combine(root.Path, "data", "keys")), "no keys are kept in a folder");
    }

    /// <summary>Signs in as a browser would, by hand, and returns the session cookie (name=value).</summary>
    private static async Task<string> SessionCookieAsync(FeedHubApp app)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var form = await client.GetAsync(new Uri("/admin/sign-in", UriKind.Relative), Token);
        var antiforgery = Cookies(form).Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        var token = AntiforgeryField().Match(await form.Content.ReadAsStringAsync(Token)).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/admin/sign-in", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("key", FeedHubApp.ApiKey), new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("Cookie", antiforgery);
        var signedIn = await client.SendAsync(request, Token);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return Cookies(signedIn).Single(c => c.StartsWith("feedhub-admin=", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode> GetWithCookieAsync(FeedHubApp app, string path, string cookie)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        return (await client.SendAsync(request, Token)).StatusCode;
    }

    private static IEnumerable<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.Select(c => c.Split(';')[0]) : [];

    private async Task<HttpClient> SignedInAsync()
    {
        var browser = Browser();
        var token = await FormTokenAsync(browser, "/admin/sign-in");
        var response = await PostAsync(browser, "/admin/sign-in", token, ("key", FeedHubApp.ApiKey));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    private static async Task<string> FormTokenAsync(HttpClient browser, string path)
    {
        var page = await browser.GetStringAsync(new Uri(path, UriKind.Relative), Token);
        return AntiforgeryField().Match(page).Groups[1].Value;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, string? token, params (string Name, string Value)[] fields)
    {
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (token is not null)
        {
            form.Add(new("__RequestVerificationToken", token));
        }

        using var content = new FormUrlEncodedContent(form);
        return await browser.PostAsync(new Uri(path, UriKind.Relative), content, Token);
    }

    [GeneratedRegex("<tr data-article=\"later\">.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex ArticleRow();

    [GeneratedRegex("<tr data-subscription=\"\\d+\">.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex SubscriberRow();

    [GeneratedRegex("<tr data-upstream=\"declared\">.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex UpstreamRow();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
