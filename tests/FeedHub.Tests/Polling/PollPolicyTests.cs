using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Polling;

namespace FeedHub.Tests.Polling;

/// <summary>Every rule of when a source is next polled, on a fixed clock with the random part pinned.</summary>
public sealed class PollPolicyTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Started.AddSeconds(2);
    private static readonly PollPolicySettings Settings = new(BackoffCap: TimeSpan.FromHours(6), SafetyNetInterval: TimeSpan.FromHours(1));
    private static readonly Uri Url = new("https://s.example/feed");

    private static Source Source(string schedule = "1h", PollState? state = null, DateTimeOffset? pushedUntil = null) =>
        new() { Id = "s", Url = Url.AbsoluteUri, Schedule = schedule, State = state ?? PollState.Never, PushedUntil = pushedUntil };

    private static FetchedDocument Document(TimeSpan? freshFor = null, Uri? movedTo = null) =>
        new(200, [], "application/rss+xml", Url, "\"v2\"", "Fri, 27 Nov 2026 11:00:00 GMT") { FreshFor = freshFor, MovedTo = movedTo };

    private static PollDecision Decide(Source source, FetchResult result, ParsedFeed? feed = null, double jitter = 0) =>
        PollPolicy.Decide(source, result, feed, Started, Now, Settings, jitter);

    [Fact]
    public void A200_IsDueOneIntervalLater_WithTheNewValidators_AndNoStreak()
    {
        var decision = Decide(Source(state: new PollState { ErrorStreak = 3, ETag = "\"v1\"" }), Document());

        Assert.Equal(Now.AddHours(1), decision.State.NextAttemptAt);
        Assert.Equal("\"v2\"", decision.State.ETag);
        Assert.Equal(0, decision.State.ErrorStreak);
        Assert.Equal(Started, decision.State.LastAttemptAt);
        Assert.Equal(Now, decision.State.LastSuccessAt);
        Assert.Equal(FetchOutcome.Fetched, decision.Outcome);
    }

    [Fact]
    public void AnInterval_IsJittered_ByAtMostATenth_AndAtMostFiveMinutes()
    {
        Assert.Equal(Now.AddHours(1).AddSeconds(150), Decide(Source(), Document(), jitter: 0.5).State.NextAttemptAt);
    }

    [Fact]
    public void ACron_KeepsItsExactTimes()
    {
        Assert.Equal(Started.AddMinutes(15), Decide(Source("0 0/15 * * * ?"), new NotModified(), jitter: 0.9).State.NextAttemptAt);
    }

    [Fact]
    public void A304_KeepsTheValidators()
    {
        var decision = Decide(Source(state: new PollState { ETag = "\"v1\"", LastModified = "then" }), new NotModified());

        Assert.Equal(("\"v1\"", "then"), (decision.State.ETag, decision.State.LastModified));
        Assert.Equal(FetchOutcome.NotModified, decision.Outcome);
    }

    [Fact]
    public void Failures_BackOff_Doubling_UpToTheCap()
    {
        var second = Decide(Source(state: new PollState { ErrorStreak = 1 }), new FetchFailed(FetchErrorKind.Http5xx, 500, "HTTP 500"));
        var tenth = Decide(Source(state: new PollState { ErrorStreak = 9 }), new FetchFailed(FetchErrorKind.Network, null, "refused"));

        Assert.Equal(2, second.State.ErrorStreak);
        Assert.Equal(Now.AddHours(2), second.State.NextAttemptAt);
        Assert.Equal(Now.AddHours(6), tenth.State.NextAttemptAt);
        Assert.Equal("refused", tenth.Error);
    }

    [Fact]
    public void RetryAfter_IsHonoured_WithoutCountingAFailure_WithinTheCap()
    {
        var asked = Decide(Source(state: new PollState { ErrorStreak = 2 }), new RateLimited(429, new RetryAfter(TimeSpan.FromHours(3), null)));
        var capped = Decide(Source(), new RateLimited(503, new RetryAfter(null, Now.AddDays(2))));

        Assert.Equal(Now.AddHours(3), asked.State.NextAttemptAt);
        Assert.Equal(2, asked.State.ErrorStreak);
        Assert.Equal(FetchOutcome.RateLimited, asked.Outcome);
        Assert.Equal(Now.AddHours(6), capped.State.NextAttemptAt);
    }

    [Fact]
    public void RetryAfter_ShorterThanTheSchedule_DoesNotBringThePollForward()
    {
        Assert.Equal(Now.AddHours(1), Decide(Source(), new RateLimited(429, new RetryAfter(TimeSpan.FromSeconds(5), null))).State.NextAttemptAt);
    }

    [Fact]
    public void ThePublishersFreshness_IsAFloor_WithinTheCap()
    {
        Assert.Equal(Now.AddHours(2), Decide(Source(), Document(freshFor: TimeSpan.FromHours(2))).State.NextAttemptAt);
        Assert.Equal(Now.AddHours(6), Decide(Source(), Document(freshFor: TimeSpan.FromDays(3))).State.NextAttemptAt);
    }

    [Fact]
    public void APushedSource_IsPolledAtTheSafetyNetRate_UntilItsLeaseEnds()
    {
        var pushed = Decide(Source("5m", pushedUntil: Now.AddDays(1)), new NotModified()).State;

        Assert.Equal(Started.AddHours(1), pushed.NextAttemptAt);
        Assert.Equal(Now.AddMinutes(5), pushed.ScheduledAt);
        Assert.Equal(Now.AddMinutes(5), Decide(Source("5m", pushedUntil: Now.AddSeconds(-1)), new NotModified()).State.NextAttemptAt);
    }

    [Fact]
    public void APermanentRedirect_MovesTheSource_OnlyOnTheSecondPollInARow()
    {
        var target = new Uri("https://new.example/feed");

        var first = Decide(Source(), Document(movedTo: target));
        var second = Decide(Source(state: first.State), Document(movedTo: target));

        Assert.Null(first.Change);
        Assert.Equal(target.AbsoluteUri, first.State.PermanentRedirect);
        Assert.Equal(target.AbsoluteUri, second.Change?.MovedTo);
        Assert.Null(second.State.PermanentRedirect);
        Assert.StartsWith("Moved permanently", second.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A410_RetiresTheSource()
    {
        var decision = Decide(Source(), new FetchFailed(FetchErrorKind.Gone, 410, "HTTP 410 Gone"));

        Assert.Equal("The feed is gone (HTTP 410 on 2026-11-27).", decision.Change?.RetireReason);
        Assert.Equal(FetchOutcome.Failed, decision.Outcome);
    }

    [Fact]
    public void AChangedSchedule_IsDueAtItsFirstTimeAfterTheLastAttempt_OrAtOnce()
    {
        Assert.Equal(Started.AddHours(2), PollPolicy.FirstDue("2h", Started, Now));
        Assert.Equal(Now, PollPolicy.FirstDue("1s", Started, Now));
        Assert.Equal(Now, PollPolicy.FirstDue("2h", null, Now));
        Assert.Equal(Started.AddMinutes(30), PollPolicy.FirstDue("0 30 * * * ?", Started, Now));
    }
}
