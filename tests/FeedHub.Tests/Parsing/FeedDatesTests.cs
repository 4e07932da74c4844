using FeedHub.Parsing;

namespace FeedHub.Tests.Parsing;

public sealed class FeedDatesTests
{
    [Theory]
    [InlineData("Tue, 24 Nov 2026 09:30:00 +0100", "2026-11-24T08:30:00Z")]
    [InlineData("Tue, 24 Nov 2026 09:30:00 +01:00", "2026-11-24T08:30:00Z")]
    [InlineData("24 Nov 2026 09:30 EST", "2026-11-24T14:30:00Z")]
    [InlineData("Tue, 24 Nov 2026 09:30:00 UT", "2026-11-24T09:30:00Z")]
    [InlineData("Tuesday, 24-Nov-26 09:30:00 GMT", "2026-11-24T09:30:00Z")]
    [InlineData("2026-11-24T09:30:00.123456Z", "2026-11-24T09:30:00.123456Z")]
    [InlineData("2026-11-24T09:30+05:30", "2026-11-24T04:00:00Z")]
    [InlineData("2026-11-24 09:30:00", "2026-11-24T09:30:00Z")]
    [InlineData("2026-11-24", "2026-11-24T00:00:00Z")]
    [InlineData("2026-11", "2026-11-01T00:00:00Z")]
    [InlineData("2026", "2026-01-01T00:00:00Z")]
    [InlineData("20261124T093000Z", "2026-11-24T09:30:00Z")]
    [InlineData("Di, 24 Okt 2026 09:30:00 +0200", "2026-10-24T07:30:00Z")]
    [InlineData("24. März 2026 09:30", "2026-03-24T09:30:00Z")]
    [InlineData("mar., 24 févr. 2026 09:30:00 +0100", "2026-02-24T08:30:00Z")]
    [InlineData("24 dic 2026 09:30:00 GMT", "2026-12-24T09:30:00Z")]
    [InlineData("Tue, 24 Nov 2026 09:30:00 CET", "2026-11-24T08:30:00Z")]
    [InlineData("Tue, 24 Jun 2026 09:30:00 CEST", "2026-06-24T07:30:00Z")]
    [InlineData("Tue, 24 Nov 2026 09:30:00 A", "2026-11-24T09:30:00Z")]
    [InlineData("12.01.2026 10:00", "2026-01-12T10:00:00Z")]
    public void Parse_ReadsWhatFeedsSend_AsUtc(string text, string expected)
    {
        var parsed = FeedDates.Parse(text);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), parsed);
        Assert.Equal(TimeSpan.Zero, parsed!.Value.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("32 Nov 2026")]
    [InlineData("10:30")]
    [InlineData("Tuesday, 10:30")]
    public void Parse_ReturnsNullRatherThanGuessing(string? text)
    {
        Assert.Null(FeedDates.Parse(text));
    }

    /// <summary>The quick path for RFC 822 dates reads each exactly as the general path does, or leaves it to it.</summary>
    [Fact]
    public void Parse_ReadsRfc822ShapedDates_AsTheGeneralPathDoes()
    {
        string[] weekdays = ["", "Tue, ", "tue,", "Mar., "];
        string[] days = ["1", "07", "29", "31", "32", "0"];
        string[] months = ["Feb", "nov", "DEC", "June", "Okt"];
        string[] years = ["2026", "2024", "26"];
        string[] times = ["09:30", "23:59:59", "24:00:00", "9:30", "09:60:00"];
        string[] zones = ["GMT", "UT", "UTC", "Z", "+0000", "-0530", "+1400", "+1500", "+01:00", "EST", "gmt", "A", "+999"];
        var read = 0;
        foreach (var text in
                 from w in weekdays from d in days from m in months from y in years from t in times from z in zones
                 select $"{w}{d} {m} {y} {t} {z}")
        {
            var expected = FeedDates.ParseAny(text);
            Assert.True(expected?.ToString("o") == FeedDates.Parse(text)?.ToString("o"), $"{text}: {expected:o} by the general path, {FeedDates.Parse(text):o} by Parse");
            read += expected is null ? 0 : 1;
        }

        // The set holds dates both paths read, not only ones both refuse.
        Assert.InRange(read, 2000, 20000);
    }
}
