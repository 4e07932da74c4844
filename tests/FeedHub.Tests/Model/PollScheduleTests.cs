using FeedHub.Model;
using FeedHub.Sources;

namespace FeedHub.Tests.Model;

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData("2d", 2 * 86400)]
    [InlineData("45s", 45)]
    [InlineData("00:45:00", 45 * 60)]
    [InlineData("1.00:00:00", 86400)]
    public void Interval_IsParsed(string text, int seconds)
    {
        var schedule = PollSchedule.Parse(text);

        Assert.Equal(TimeSpan.FromSeconds(seconds), schedule.Interval);
        Assert.Equal(Noon.AddSeconds(seconds), schedule.NextAfter(Noon));
    }

    [Theory]
    [InlineData("0 0/15 * * * ?", 12, 15)]
    [InlineData("*/20 * * * *", 12, 20)]
    [InlineData("0 0 18 * * ?", 18, 0)]
    public void Cron_QuartzAndCrontabForms_FireInUtc(string text, int hour, int minute)
    {
        var schedule = PollSchedule.Parse(text);

        Assert.Null(schedule.Interval);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, hour, minute, 0, TimeSpan.Zero), schedule.NextAfter(Noon));
    }

    [Theory]
    [InlineData("")]
    [InlineData("every now and then")]
    [InlineData("0s")]
    [InlineData("0 0 12 ? * FOO")]
    public void Invalid_IsRefusedWithAReason(string text)
    {
        Assert.False(PollSchedule.TryParse(text, out var schedule, out var error));
        Assert.Null(schedule);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
