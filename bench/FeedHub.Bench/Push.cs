using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace FeedHub.Bench;

/// <summary>
/// B7, issue 9's "within a second": (a) an article written through the admin API until a subscriber of
/// the channel's Atom topic has the delivery containing it; (b) an item reaching one FeedHub until a
/// second FeedHub, following the first's <c>planet.atom</c> on a schedule of hours, lists it.
/// </summary>
internal static class Push
{
    /// <summary>Between two changes: longer than <c>FeedHub:WebSub:Settle</c> (500 ms), as articles and upstream items come at a human pace, not back to back.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(1200);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<IEnumerable<Row>> RunAsync(BenchContext bench)
    {
        var rows = new List<Row>();
        rows.AddRange(await ArticleToSubscriberAsync(bench));
        rows.AddRange(await ItemToFollowerAsync(bench));
        return rows;
    }

    /// <summary>B7a: POST /api/articles answered → a signed delivery of news.atom holding the article arrives at the subscriber.</summary>
    private static async Task<IEnumerable<Row>> ArticleToSubscriberAsync(BenchContext bench)
    {
        using var feedhub = FeedHubInstance.Start(bench, "hub", [], webSub: new { AllowPrivateCallbacks = true });
        await feedhub.WaitUntilServingAsync(bench.Client, "/feeds/news.atom", TimeSpan.FromSeconds(60));
        using var admin = Admin(feedhub);
        await using var subscriber = await PushSubscriber.StartAsync();

        // The topic is the document's self link, as a subscriber discovers it.
        string topic;
        using (var document = await bench.Client.GetAsync(feedhub.BaseUrl + "/feeds/news.atom"))
        {
            topic = SelfLink(document) ?? throw new InvalidOperationException("news.atom has no Link rel=\"self\" header.");
        }

        using (var subscribe = await bench.Client.PostAsync(feedhub.BaseUrl + "/websub", new FormUrlEncodedContent(
        [
            new("hub.mode", "subscribe"), new("hub.topic", topic), new("hub.callback", subscriber.Callback),
            new("hub.secret", subscriber.Secret), new("hub.lease_seconds", "86400"),
        ])))
        {
            if (subscribe.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"The hub answered the subscription {(int)subscribe.StatusCode}: {await subscribe.Content.ReadAsStringAsync()}");
            }
        }

        await subscriber.Verified.WaitAsync(Patience);

        // Paced: an article after a quiet spell, as a site publishes. Back to back: the next article as
        // soon as the last one arrived, so each change falls within Settle of the last comparison.
        var paced = (Medians: new Sample("ms"), Worsts: new Sample("ms"), All: new List<double>(), FromSent: new List<double>());
        var burst = (Medians: new Sample("ms"), Worsts: new Sample("ms"), All: new List<double>(), FromSent: new List<double>());
        var load = new List<string>();
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());
            foreach (var (pause, figures, name) in new[] { (Pause, paced, "paced"), (TimeSpan.Zero, burst, "back to back") })
            {
                var latencies = new List<double>();
                for (var n = 0; n < bench.PushItems; n++)
                {
                    await Task.Delay(pause);
                    subscriber.Drain();
                    var marker = Marker();
                    var article = new
                    {
                        title = $"Bench article {marker}",
                        summary = $"Pushed article {run}-{n}.",
                        body = $"Markdown body of *{marker}*, written through the admin API.",
                        authors = new[] { new { name = "Bench Desk" } },
                        tags = new[] { "bench" },
                    };
                    var sent = Stopwatch.GetTimestamp();
                    using (var created = await admin.PostAsJsonAsync("/api/articles", article))
                    {
                        if (created.StatusCode != HttpStatusCode.Created)
                        {
                            throw new InvalidOperationException($"POST /api/articles answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
                        }
                    }

                    var answered = Stopwatch.GetTimestamp();
                    var arrived = await subscriber.WaitForAsync(marker, Patience);
                    latencies.Add(Stopwatch.GetElapsedTime(answered, arrived).TotalMilliseconds);
                    figures.FromSent.Add(Stopwatch.GetElapsedTime(sent, arrived).TotalMilliseconds);
                }

                figures.Medians.Add(Median(latencies));
                figures.Worsts.Add(latencies.Max());
                figures.All.AddRange(latencies);
                Console.Error.WriteLine(FormattableString.Invariant($"  B7a run {run + 1}, {name}: median {Median(latencies):F0} ms, worst {latencies.Max():F0} ms; each: {string.Join(' ', latencies.Select(l => l.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}"));
            }
        }

        if (subscriber.BadSignatures > 0)
        {
            throw new InvalidOperationException($"{subscriber.BadSignatures} deliveries carried a wrong or no X-Hub-Signature.");
        }

        var loads = string.Join("; ", load);
        var n20 = bench.PushItems;
        return
        [
            Within("B7a", $"article (POST /api/articles answered) → signed delivery of news.atom at a subscriber, {Pause.TotalSeconds:0.#} s apart: median of {n20} per run (from the request sent: {Sample.Format(Median(paced.FromSent))} ms)", paced.Medians, 1000, loads),
            Within("B7a", $"the same, worst of {n20} per run (p95 of all {paced.All.Count}: {Sample.Format(Percentile(paced.All, 0.95))} ms)", paced.Worsts, 1000, loads),
            Within("B7a", $"articles back to back (each as the last arrives): median of {n20} per run (from the request sent: {Sample.Format(Median(burst.FromSent))} ms)", burst.Medians, 1000, loads),
            Within("B7a", $"back to back, worst of {n20} per run (p95 of all {burst.All.Count}: {Sample.Format(Percentile(burst.All, 0.95))} ms)", burst.Worsts, 1000, loads),
        ];
    }

    /// <summary>
    /// B7b: the upstream gains an item and the first FeedHub is asked to poll → the second FeedHub,
    /// pushed to by the first's hub, lists the item; the push leg is from the first listing it.
    /// </summary>
    private static async Task<IEnumerable<Row>> ItemToFollowerAsync(BenchContext bench)
    {
        const string Followed = "planet-a";
        using var first = FeedHubInstance.Start(bench, "first", [("fresh", bench.UpstreamUrl + "/fresh.xml", "1h")], webSub: new { AllowPrivateCallbacks = true });
        await first.WaitUntilServingAsync(bench.Client, "/feeds/planet.atom", TimeSpan.FromSeconds(60));
        using var firstAdmin = Admin(first);
        await Eventually(async () => await ListsAsync(firstAdmin, "fresh", "story"), "the first FeedHub's first poll");

        using var second = FeedHubInstance.Start(bench, "second", [(Followed, first.BaseUrl + "/feeds/planet.atom", "6h")], webSub: new { AllowPrivateCallbacks = true });
        await second.WaitUntilServingAsync(bench.Client, "/healthz", TimeSpan.FromSeconds(60));
        using var secondAdmin = Admin(second);
        await Eventually(
            async () => (await secondAdmin.GetFromJsonAsync<JsonElement>($"/api/sources/{Followed}")).GetProperty("push").GetProperty("delivery").GetString() == "pushed",
            "the second FeedHub's subscription at the first's hub");
        var pollsBefore = await PollsAsync(second);

        var endToEnd = new Sample("ms");
        var firstPoll = new Sample("ms");
        var legMedians = new Sample("ms");
        var legWorsts = new Sample("ms");
        var legs = new List<double>();
        var load = new List<string>();
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());
            var total = new List<double>();
            var polled = new List<double>();
            var leg = new List<double>();
            for (var n = 0; n < bench.PushItems; n++)
            {
                await Task.Delay(Pause);
                var marker = Marker();
                using (var added = await bench.Client.PostAsync($"{bench.UpstreamUrl}/fresh?title={Uri.EscapeDataString($"Bench item {marker}")}", null))
                {
                    added.EnsureSuccessStatusCode();
                }

                var asked = Stopwatch.GetTimestamp();
                using (var poll = await firstAdmin.PostAsync("/api/sources/fresh/poll", null))
                {
                    poll.EnsureSuccessStatusCode();
                }

                // Both stores are read every 20 ms: each time is known to that much.
                TimeSpan? atFirst = null;
                TimeSpan? atSecond = null;
                while (atSecond is null)
                {
                    if (Stopwatch.GetElapsedTime(asked) > Patience)
                    {
                        throw new TimeoutException($"'{marker}' did not reach the {(atFirst is null ? "first" : "second")} FeedHub within {Patience}; see {first.Root} and {second.Root}.");
                    }

                    if (atFirst is null && await ListsAsync(firstAdmin, "fresh", marker))
                    {
                        atFirst = Stopwatch.GetElapsedTime(asked);
                    }

                    if (await ListsAsync(secondAdmin, Followed, marker))
                    {
                        atSecond = Stopwatch.GetElapsedTime(asked);
                        atFirst ??= atSecond;
                        break;
                    }

                    await Task.Delay(20);
                }

                total.Add(atSecond.Value.TotalMilliseconds);
                polled.Add(atFirst!.Value.TotalMilliseconds);
                leg.Add((atSecond.Value - atFirst.Value).TotalMilliseconds);
            }

            endToEnd.Add(Median(total));
            firstPoll.Add(Median(polled));
            legMedians.Add(Median(leg));
            legWorsts.Add(leg.Max());
            legs.AddRange(leg);
            Console.Error.WriteLine(FormattableString.Invariant($"  B7b run {run + 1}: end to end median {Median(total):F0} ms (first's poll {Median(polled):F0} ms), push leg median {Median(leg):F0} ms, worst {leg.Max():F0} ms; legs: {string.Join(' ', leg.Select(l => l.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}"));
        }

        // The second's own schedule is six hours and its safety net an hour: a poll here means the path was not push.
        var polls = await PollsAsync(second) - pollsBefore;
        var pushed = polls == 0 ? "no poll of the second" : $"**the second polled {polls} times**";
        var loads = string.Join("; ", load);
        var n20 = bench.PushItems;
        return
        [
            new Row("B7b", $"upstream item → listed by a FeedHub following planet.atom by push, from POST /api/sources/{{id}}/poll at the first: median of {n20} per run; {pushed}; baseline: the first's own poll",
                endToEnd, firstPoll, endToEnd.Median / firstPoll.Median, "≤ first's poll + 1 s (each item)", polls == 0 && legs.Max() <= 1000, loads),
            Within("B7b", $"push leg (the first lists the item → the second does): median of {n20} per run", legMedians, 1000, loads),
            Within("B7b", $"push leg, worst of {n20} per run (p95 of all {legs.Count}: {Sample.Format(Percentile(legs, 0.95))} ms)", legWorsts, 1000, loads),
        ];
    }

    /// <summary>A row judged against a time limit, the limit standing as the baseline; every run must keep to it.</summary>
    private static Row Within(string id, string what, Sample measured, double milliseconds, string load)
    {
        var limit = new Sample("ms");
        limit.Add(milliseconds);
        return new Row(id, what, measured, limit, measured.Median / milliseconds, FormattableString.Invariant($"≤ {milliseconds / 1000:0.##} s"), measured.Values.Max() <= milliseconds, load);
    }

    private static HttpClient Admin(FeedHubInstance feedhub)
    {
        var client = new HttpClient { BaseAddress = new Uri(feedhub.BaseUrl), Timeout = Patience };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FeedHubInstance.ApiKey);
        return client;
    }

    /// <summary>A word the full-text search finds whole, unique to one article or item.</summary>
    private static string Marker() => "b7x" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<bool> ListsAsync(HttpClient admin, string source, string word)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/items?source={source}&limit=5&q={Uri.EscapeDataString(word)}");
        return page.GetProperty("items").GetArrayLength() > 0;
    }

    /// <summary>
    /// Fetch-log rows that were polls, not pushes, read from the store (the API lists only the latest
    /// fetches, and a hundred pushes push the first poll out of that list).
    /// </summary>
    private static Task<long> PollsAsync(FeedHubInstance feedhub) =>
        Harness.ScalarAsync(feedhub, "SELECT count(*) FROM fetches WHERE outcome NOT IN ('Pushed', 'PushRefused') AND id > @skip", 0);

    private static string? SelfLink(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var links)
            ? links.SelectMany(l => l.Split(',')).Select(l => l.Trim()).Where(l => l.Contains("rel=\"self\"", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf('<') + 1)..l.IndexOf('>')]).FirstOrDefault()
            : null;

    private static double Median(List<double> values)
    {
        var sample = new Sample("ms");
        values.ForEach(sample.Add);
        return sample.Median;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"Waited 90 s for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
