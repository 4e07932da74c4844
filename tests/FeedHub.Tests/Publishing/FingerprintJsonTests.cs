using System.Text.Json;
using FeedHub.Articles;
using FeedHub.Model;
using FeedHub.Publishing;

namespace FeedHub.Tests.Publishing;

public sealed class FingerprintJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void GeneratedSerializer_WritesWhatReflectionWrites_ForAnEntryWithEveryFieldSet()
    {
        var entry = new ChannelEntry
        {
            Id = "tag:example.org,2026:1",
            Title = "Title",
            Link = "https://example.org/1",
            Published = Now,
            Updated = Now.AddHours(1),
            Authors = [new ItemAuthor("Ann", "ann@example.org", "https://example.org/ann")],
            Categories = ["a", "b"],
            SummaryHtml = "<p>S</p>",
            ContentHtml = "<p>C</p>",
            Enclosures = [new ItemEnclosure("https://example.org/a.mp3", "audio/mpeg", 42)],
            Via = [new ArticleSource("Story", "https://up.example/s", "Up", "https://up.example/feed")],
            Related = new Dictionary<string, IReadOnlyList<string>> { ["https://up.example/s"] = ["tag:example.org,2026:2"] },
            Source = new EntrySource("up", "Up", "https://up.example/", "https://up.example/feed", Now, LicensePolicy.Excerpt),
            Rights = "CC BY 4.0",
            Ai = new AiDisclosure(true, "M", "Drafted by M."),
        };
        var content = new FingerprintContent([entry], new ArchivePosition(2, 3), TimeSpan.FromMinutes(15));

        // A field the generated serializer left out would leave a changed entry's document as it was.
        var generated = JsonSerializer.Serialize(content, FingerprintJson.Default.FingerprintContent);
        var reflected = JsonSerializer.Serialize(content);

        Assert.Equal(reflected, generated);
        Assert.Contains("Drafted by M.", generated, StringComparison.Ordinal);
    }
}
