using System.Xml.Linq;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using FeedHub.Testing;

namespace FeedHub.IntegrationTests.Corpus;

/// <summary>
/// The 47 real publishers' feeds of <c>../shared/corpus/real</c>, served by a loopback upstream and ingested
/// through the whole pipeline. The corpus is read in place and never copied into the repository.
/// </summary>
public sealed class RealFeedsTests
{
    [Fact]
    public async Task EveryWellFormedFeed_IngestsWithItsItemCount_AndDuplicateGuidsMerge()
    {
        var corpus = TestCorpus.Folder("real");
        var index = File.ReadAllLines(Path.Combine(corpus, "INDEX.tsv"))
            .Select(line => line.Split('\t'))
            .Select(f => (File: f[0], Count: int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture), WellFormed: f[6] == "ok"))
            .ToList();

        await using var upstream = await TestUpstream.StartAsync();
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < index.Count; i++)
        {
            var bytes = File.ReadAllBytes(Path.Combine(corpus, index[i].File));
            upstream.Map(index[i].File, context => context.Response.Body.WriteAsync(bytes).AsTask());
            settings[$"FeedHub:Sources:{i}:Id"] = Id(index[i].File);
            settings[$"FeedHub:Sources:{i}:Url"] = upstream.Url(index[i].File).AbsoluteUri;
        }

        await using var app = FeedHubApp.Start(settings: settings);

        var failures = new List<string>();
        foreach (var (file, count, wellFormed) in index)
        {
            var fetch = (await app.WaitForFetchesAsync(Id(file)))[0];
            if (!wellFormed)
            {
                // Broken XML may be refused, but only as a recorded error that says why.
                if (fetch.Outcome == FetchOutcome.Failed && string.IsNullOrWhiteSpace(fetch.Error))
                {
                    failures.Add($"{file}: failed without a reason");
                }

                continue;
            }

            var stored = (await app.Get<ItemStore>().QueryAsync(new ItemQuery(Id(file), null, 500), CancellationToken.None)).Items;
            var distinct = DistinctIdentities(Path.Combine(corpus, file));
            if (fetch.Outcome != FetchOutcome.Fetched || fetch.ItemsSeen != count || stored.Count != distinct)
            {
                failures.Add($"{file}: {fetch.Outcome} {fetch.Error} seen {fetch.ItemsSeen}/{count}, stored {stored.Count}/{distinct}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // A second round finds every item already there.
        var again = await app.Get<SourcePoller>().PollAsync(Id(index.First(i => i.WellFormed && i.Count > 0).File), CancellationToken.None);
        Assert.Equal(0, again!.Fetch.ItemsNew);
    }

    /// <summary>Distinct item identities counted straight from the XML: guid or id, else link, else the item itself.</summary>
    private static int DistinctIdentities(string path)
    {
        var document = XDocument.Load(path);
        var entries = document.Descendants().Where(e => e.Name.LocalName is "item" or "entry");
        return entries
            .Select(e =>
                Child(e, "guid") ?? Child(e, "id") ?? e.Attributes().FirstOrDefault(a => a.Name.LocalName == "about")?.Value.Trim()
                ?? Child(e, "link") ?? e.Elements().FirstOrDefault(l => l.Name.LocalName == "link")?.Attribute("href")?.Value
                ?? e.ToString())
            .Distinct(StringComparer.Ordinal)
            .Count();
    }

    private static string? Child(XElement element, string localName) =>
        element.Elements().FirstOrDefault(c => c.Name.LocalName == localName)?.Value.Trim() is { Length: > 0 } value ? value : null;

    private static string Id(string file) => FeedHub.Model.Slug.From(Path.GetFileNameWithoutExtension(file));
}
