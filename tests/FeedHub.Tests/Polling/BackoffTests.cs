using FeedHub.Polling;

namespace FeedHub.Tests.Polling;

public sealed class BackoffTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromHours(6);

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(4, 240)]
    public void Delay_DoublesPerFailure(int streak, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), Backoff.Delay(streak, TimeSpan.FromMinutes(30), Cap, jitter: 0));
    }

    [Fact]
    public void Delay_StopsAtTheCap()
    {
        Assert.Equal(Cap, Backoff.Delay(40, TimeSpan.FromMinutes(30), Cap, jitter: 0));
    }

    [Fact]
    public void Delay_JitterOnlyShortens()
    {
        var longest = Backoff.Delay(3, TimeSpan.FromMinutes(30), Cap, jitter: 0);
        var shortest = Backoff.Delay(3, TimeSpan.FromMinutes(30), Cap, jitter: 0.999);

        Assert.True(shortest < longest);
        Assert.True(shortest >= longest * 0.8);
    }

    [Theory]
    [InlineData(60, 0.5, 3)]
    [InlineData(3600, 0.999, 299.7)]
    [InlineData(86400, 0.5, 150)]
    public void Jitter_IsATenthOfTheIntervalAtMost_AndNeverMoreThanFiveMinutes(int intervalSeconds, double random, double expectedSeconds)
    {
        Assert.Equal(expectedSeconds, Backoff.Jitter(TimeSpan.FromSeconds(intervalSeconds), random).TotalSeconds, precision: 6);
    }

    [Fact]
    public void Delay_NeverRetriesFasterThanAMinute()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), Backoff.Delay(1, TimeSpan.FromSeconds(5), Cap, jitter: 0));
    }
}
