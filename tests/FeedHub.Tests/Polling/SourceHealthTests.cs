using FeedHub.Model;
using FeedHub.Polling;

namespace FeedHub.Tests.Polling;

public sealed class SourceHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static Source Source(PollState state, SourceStatus status = SourceStatus.Active) =>
        new() { Id = "s", Url = "https://s.example/feed", Schedule = "1h", Status = status, StatusReason = status == SourceStatus.Active ? null : "Gone.", State = state };

    [Fact]
    public void RecentSuccess_IsOk()
    {
        var health = SourceHealth.Of(Source(new PollState { LastAttemptAt = Now.AddMinutes(-30), LastSuccessAt = Now.AddMinutes(-30) }), Now);

        Assert.Equal(new SourceHealth(SourceCondition.Ok, false, null), health);
    }

    [Fact]
    public void Failing_IsBehind_AndSaysWhy()
    {
        var health = SourceHealth.Of(Source(new PollState { LastAttemptAt = Now, LastError = "HTTP 503 Service Unavailable", ErrorStreak = 2, LastHttpStatus = 503 }), Now);

        Assert.Equal(new SourceHealth(SourceCondition.Failing, true, "HTTP 503 Service Unavailable"), health);
    }

    [Fact]
    public void RateLimited_IsBehind_ButNotFailing()
    {
        var health = SourceHealth.Of(Source(new PollState { LastAttemptAt = Now, LastError = "Rate limited (HTTP 429): …", LastHttpStatus = 429 }), Now);

        Assert.Equal(SourceCondition.RateLimited, health.Condition);
        Assert.True(health.BehindSchedule);
    }

    [Fact]
    public void NoSuccessForTwoPeriods_IsBehind()
    {
        var health = SourceHealth.Of(Source(new PollState { LastAttemptAt = Now.AddHours(-3), LastSuccessAt = Now.AddHours(-3) }), Now);

        Assert.Equal(SourceCondition.Behind, health.Condition);
        Assert.Contains("No successful poll since", health.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void RetiredOrNeverPolled_AreNotBehind()
    {
        Assert.Equal(new SourceHealth(SourceCondition.Retired, false, "Gone."), SourceHealth.Of(Source(PollState.Never, SourceStatus.Retired), Now));
        Assert.Equal(SourceCondition.NeverPolled, SourceHealth.Of(Source(PollState.Never), Now).Condition);
    }

    [Fact]
    public void Pushed_IsNotBehind_ForPollingOnlyAsASafetyNet_UntilItsLeaseEnds()
    {
        var quiet = new PollState { LastAttemptAt = Now.AddHours(-3), LastSuccessAt = Now.AddHours(-3) };

        Assert.Equal(SourceCondition.Ok, SourceHealth.Of(Source(quiet) with { PushedUntil = Now.AddDays(1) }, Now).Condition);
        Assert.Equal(SourceCondition.Behind, SourceHealth.Of(Source(quiet) with { PushedUntil = Now }, Now).Condition);
        Assert.Equal(
            SourceCondition.Failing,
            SourceHealth.Of(Source(quiet with { LastError = "HTTP 500", ErrorStreak = 1 }) with { PushedUntil = Now.AddDays(1) }, Now).Condition);
    }
}
