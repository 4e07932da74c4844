using System.Globalization;
using System.Text;
using System.Text.Json;
using FeedHub.Markup;
using FeedHub.Parsing;
using FeedHub.Testing;

namespace FeedHub.Tests.Parsing;

/// <summary>
/// FeedHub against the Universal Feed Parser's own test suite (../shared/corpus/feedparser): every
/// <c>core</c> expectation is mapped onto FeedHub's model and checked. The pass rate may only go up:
/// raise <see cref="Threshold"/> when it does.
/// </summary>
public sealed class FeedparserConformanceTests(ITestOutputHelper output)
{
    /// <summary>The share of mappable core checks that must agree. Only ever raise it.</summary>
    private const double Threshold = 0.99;

    private static readonly FeedParser Parser = new(new HtmlCleaner());
    private static readonly HtmlCleaner Cleaner = new();

    [Fact]
    public void CoreExpectations_AgreeWithFeedparser()
    {
        var corpus = TestCorpus.Folder("feedparser");
        var results = new List<(string Folder, string File, string Path, bool? Passed, string Detail)>();

        foreach (var line in File.ReadLines(Path.Combine(corpus, "expectations.jsonl")))
        {
            using var row = JsonDocument.Parse(line);
            var root = row.RootElement;
            if (!root.GetProperty("core").GetBoolean() || root.GetProperty("simple_canonical").ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var file = root.GetProperty("file").GetString()!;
            var folder = string.Join('/', file.Split('/')[..^1]);
            var headers = root.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString(), StringComparer.OrdinalIgnoreCase);
            var documentUrl = new Uri(headers.TryGetValue("Content-Location", out var location) && location is not null
                ? location
                : "http://127.0.0.1:8097/" + file);

            ParsedFeed? feed = null;
            string? failure = null;
            try
            {
                feed = Parser.Parse(File.ReadAllBytes(Path.Combine(corpus, file)), headers.GetValueOrDefault("Content-type"), documentUrl);
            }
            catch (FeedParseException e)
            {
                failure = e.Message;
            }

            foreach (var check in root.GetProperty("simple_canonical").EnumerateObject())
            {
                var (passed, detail) = Check(feed, failure, check.Name, check.Value, documentUrl);
                results.Add((folder, file, check.Name, passed, detail));
            }
        }

        var mapped = results.Where(r => r.Passed is not null).ToList();
        var report = new StringBuilder();
        foreach (var group in mapped.GroupBy(r => r.Folder).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"{group.Key,-32} {group.Count(r => r.Passed == true),4}/{group.Count(),-4} {Rate(group.Count(r => r.Passed == true), group.Count())}");
        }

        var passedCount = mapped.Count(r => r.Passed == true);
        var rate = (double)passedCount / mapped.Count;
        report.AppendLine(CultureInfo.InvariantCulture, $"{"all core checks",-32} {passedCount,4}/{mapped.Count,-4} {Rate(passedCount, mapped.Count)} ({results.Count - mapped.Count} not mappable to FeedHub's model)");
        foreach (var miss in mapped.Where(r => r.Passed == false))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {miss.File} {miss.Path}: {miss.Detail}");
        }

        output.WriteLine(report.ToString());
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "feedparser-conformance.txt"), report.ToString());
        Assert.True(rate >= Threshold, $"{Rate(passedCount, mapped.Count)} of core checks agree; the floor is {Threshold:P1}.{Environment.NewLine}{report}");
    }

    private static string Rate(int passed, int total) => ((double)passed / total).ToString("P1", CultureInfo.InvariantCulture);

    /// <returns>Whether FeedHub agrees (null where FeedHub's model has no such field), and what it said.</returns>
    private static (bool? Passed, string Detail) Check(ParsedFeed? feed, string? failure, string path, JsonElement expected, Uri documentUrl)
    {
        if (path == "bozo")
        {
            var bozo = feed is null || feed.Recovery is not null;
            return (bozo == expected.GetBoolean(), $"bozo {bozo} ({failure ?? feed?.Recovery ?? "well-formed"})");
        }

        if (feed is null)
        {
            return (false, $"not parsed: {failure}");
        }

        var item = path.StartsWith("entries[", StringComparison.Ordinal)
            ? feed.Items.ElementAtOrDefault(int.Parse(path[8..path.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture))
            : null;
        var field = path[(path.IndexOf('.', StringComparison.Ordinal) + 1)..];
        if (path.StartsWith("entries[", StringComparison.Ordinal) && item is null)
        {
            return (false, $"no such entry ({feed.Items.Count} entries)");
        }

        var text = expected.ValueKind == JsonValueKind.String ? expected.GetString()! : expected.ToString();
        return (path.StartsWith("feed.", StringComparison.Ordinal), field) switch
        {
            (true, "title" or "title_detail.value") => Same(HtmlText.PlainText(text), feed.Title),
            (true, "subtitle" or "description" or "subtitle_detail.value") => SameHtml(text, feed.Subtitle, documentUrl),
            (true, "link") => Same(text, feed.SiteUrl),
            (true, "id") => Same(text, feed.Id),
            (true, "updated") => Same(FeedDates.Parse(text), feed.Updated),
            (false, "title" or "title_detail.value") => Same(HtmlText.PlainText(text), item!.Title),
            (false, "summary" or "summary_detail.value") => SameHtml(text, item!.Summary ?? item.ContentHtml, documentUrl),
            (false, "content[0].value") => SameHtml(text, item!.ContentHtml, documentUrl),
            (false, "link") => Same(text, item!.Link),
            (false, "id") => Same(text, item!.Guid),
            (false, "published") => Same(FeedDates.Parse(text), item!.Published),
            (false, "updated") => Same(FeedDates.Parse(text), item!.Updated),
            _ => (null, "not in FeedHub's model"),
        };
    }

    private static (bool?, string) Same<T>(T expected, T actual) =>
        (EqualityComparer<T>.Default.Equals(expected, actual), $"expected «{expected}», got «{actual}»");

    /// <summary>HTML is compared after both sides pass through the same sanitizer, which fixes its serialization.</summary>
    private static (bool?, string) SameHtml(string expected, string? actual, Uri documentUrl) =>
        Same(Cleaner.Clean(expected, documentUrl), actual);
}
