using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FeedHub.Model;
using FeedHub.Storage;

namespace FeedHub.Polling;

/// <summary>
/// What polling tells an operator through <c>/metrics</c>: every poll by source and outcome, how long
/// and how large its fetch was, what it ingested; and, read from the store, each source's freshness,
/// error streak and health, so that a stale source and the reason for it show in one scrape.
/// </summary>
internal sealed class PollMetrics
{
    // A scrape asks each gauge in turn, and several scrapers may ask at once: one read of the
    // store serves them all for a few seconds, or until the next poll changes what it says.
    private static readonly TimeSpan SnapshotMaxAge = TimeSpan.FromSeconds(2);

    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private readonly Counter<long> _polls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _items;
    private readonly ConcurrentDictionary<string, string> _lastOutcomes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private SourceStore? _sources;
    private Snapshot? _snapshot;

    public PollMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _meter = meters.Create(Product.Name);
        _polls = _meter.CreateCounter<long>(
            "feedhub.polls",
            "{poll}",
            "Polls by source and outcome: new_items, no_new_items, not_modified, rate_limited, or how it failed "
            + "(network, timeout, http_4xx, http_5xx, gone, redirect, too_large, parse).");

        // Feeds answer in tens of milliseconds to tens of seconds; the default buckets are for milliseconds.
        _duration = _meter.CreateHistogram(
            "feedhub.fetch.duration",
            "s",
            "Time from the request to a parsed document (or the failure), per source.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _bytes = _meter.CreateCounter<long>("feedhub.fetched", "By", "Body bytes received from upstreams, after decompression, per source.");
        _items = _meter.CreateCounter<long>("feedhub.items.ingested", "{item}", "Items stored by polls and WebSub pushes, per source and kind (new, updated).");
    }

    /// <summary>
    /// Adds the per-source gauges, read from <paramref name="sources"/>: called once the store is
    /// migrated, so that no scrape reads a store that is not ready (or not valid: a bad connection
    /// string is reported at start, not by the first scrape).
    /// </summary>
    public void ObserveSources(SourceStore sources)
    {
        if (Interlocked.CompareExchange(ref _sources, sources, null) is not null)
        {
            return;
        }

        _meter.CreateObservableGauge(
            "feedhub.source.last_success.age",
            LastSuccessAges,
            "s",
            "Seconds since the source's last successful poll (200 or 304); absent until it has one. status: active, paused, retired.");
        _meter.CreateObservableGauge(
            "feedhub.source.error_streak",
            ErrorStreaks,
            "{failure}",
            "Failed polls in a row, per source; zero after any success. status: active, paused, retired.");
        _meter.CreateObservableGauge(
            "feedhub.source.health",
            Healths,
            "{source}",
            "1 per source, labelled with its health (ok, never_polled, failing, rate_limited, behind, paused, retired) "
            + "and the outcome of its last poll since FeedHub started (as in feedhub_polls_total; unknown before one).");
    }

    /// <summary>Counts the items a WebSub push stored (pushes are not polls: they have their own series).</summary>
    public void RecordPushedItems(FetchRecord push)
    {
        var source = Tag("source", push.SourceId);
        if (push.ItemsNew > 0)
        {
            _items.Add(push.ItemsNew, source, Tag("kind", "new"));
        }

        if (push.ItemsUpdated > 0)
        {
            _items.Add(push.ItemsUpdated, source, Tag("kind", "updated"));
        }
    }

    /// <param name="error">How the fetch failed, when it did.</param>
    public void RecordPoll(FetchRecord fetch, FetchErrorKind? error)
    {
        var source = Tag("source", fetch.SourceId);
        var outcome = Outcome(fetch, error);
        _polls.Add(1, source, Tag("outcome", outcome));
        _lastOutcomes[fetch.SourceId] = outcome;
        _duration.Record(fetch.Duration.TotalSeconds, source);
        _bytes.Add(fetch.Bytes, source);
        if (fetch.ItemsNew > 0)
        {
            _items.Add(fetch.ItemsNew, source, Tag("kind", "new"));
        }

        if (fetch.ItemsUpdated > 0)
        {
            _items.Add(fetch.ItemsUpdated, source, Tag("kind", "updated"));
        }

        lock (_gate)
        {
            _snapshot = null;
        }
    }

    private static string Outcome(FetchRecord fetch, FetchErrorKind? error) => fetch.Outcome switch
    {
        FetchOutcome.Fetched => fetch.ItemsNew > 0 ? "new_items" : "no_new_items",
        FetchOutcome.NotModified => "not_modified",
        FetchOutcome.RateLimited => "rate_limited",
        _ => error switch
        {
            FetchErrorKind.Timeout => "timeout",
            FetchErrorKind.Http4xx => "http_4xx",
            FetchErrorKind.Http5xx => "http_5xx",
            FetchErrorKind.Gone => "gone",
            FetchErrorKind.Redirect => "redirect",
            FetchErrorKind.TooLarge => "too_large",
            FetchErrorKind.Parse => "parse",
            FetchErrorKind.Unexpected => "unexpected",
            _ => "network",
        },
    };

    private static string Status(SourceStatus status) => status switch
    {
        SourceStatus.Paused => "paused",
        SourceStatus.Retired => "retired",
        _ => "active",
    };

    private static string Health(SourceCondition condition) => condition switch
    {
        SourceCondition.Ok => "ok",
        SourceCondition.NeverPolled => "never_polled",
        SourceCondition.Failing => "failing",
        SourceCondition.RateLimited => "rate_limited",
        SourceCondition.Behind => "behind",
        SourceCondition.Paused => "paused",
        _ => "retired",
    };

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private List<Measurement<double>> LastSuccessAges()
    {
        var (now, sources) = Current();
        return [.. sources
            .Where(s => s.State.LastSuccessAt is not null)
            .Select(s => new Measurement<double>(Math.Max(0, (now - s.State.LastSuccessAt!.Value).TotalSeconds), Tag("source", s.Id), Tag("status", Status(s.Status))))];
    }

    private List<Measurement<int>> ErrorStreaks()
    {
        var (_, sources) = Current();
        return [.. sources.Select(s => new Measurement<int>(s.State.ErrorStreak, Tag("source", s.Id), Tag("status", Status(s.Status))))];
    }

    private List<Measurement<int>> Healths()
    {
        var (now, sources) = Current();
        return [.. sources.Select(s => new Measurement<int>(
            1,
            Tag("source", s.Id),
            Tag("health", Health(SourceHealth.Of(s, now).Condition)),
            Tag("last_outcome", _lastOutcomes.GetValueOrDefault(s.Id, "unknown"))))];
    }

    private Snapshot Current()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_snapshot is { } fresh && now - fresh.At < SnapshotMaxAge)
            {
                return fresh;
            }

            // Gauge callbacks are synchronous. SQLite's async calls complete synchronously anyway,
            // and this runs at most once per SnapshotMaxAge, on the scrape's own request.
            _snapshot = new Snapshot(now, _sources!.ListAsync(CancellationToken.None).GetAwaiter().GetResult());
            return _snapshot;
        }
    }

    private sealed record Snapshot(DateTimeOffset At, IReadOnlyList<Source> Sources);
}
