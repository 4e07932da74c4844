using BenchmarkDotNet.Attributes;
using CodeHollow.FeedReader;
using FeedHub.Markup;
using FeedHub.Parsing;

namespace FeedHub.Benchmarks;

/// <summary>
/// Parse throughput on the real publishers' feeds of ../shared/corpus/real: FeedHub's parsing layer
/// against CodeHollow.FeedReader alone on the same bytes, and the sanitizer's share of FeedHub's cost.
/// Each operation parses every file once.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private static readonly Uri DocumentUrl = new("https://bench.example/feed.xml");
    private readonly FeedParser _parser = new(new HtmlCleaner());
    private readonly HtmlCleaner _cleaner = new();
    private byte[][] _files = [];
    private string[] _html = [];

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Corpus.Real();
        _files = Directory.GetFiles(corpus, "*.xml").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();

        // The HTML FeedHub sanitizes: every summary and content the library finds.
        _html = _files
            .SelectMany(bytes =>
            {
                try
                {
                    return FeedReader.ReadFromByteArray(bytes).Items.SelectMany(i => new[] { i.Description, i.Content });
                }
                catch (System.Xml.XmlException)
                {
                    return [];
                }
            })
            .OfType<string>()
            .ToArray();
    }

    [Benchmark(Baseline = true, Description = "CodeHollow.FeedReader alone")]
    public int Library()
    {
        var items = 0;
        foreach (var bytes in _files)
        {
            try
            {
                items += FeedReader.ReadFromByteArray(bytes).Items.Count;
            }
            catch (System.Xml.XmlException)
            {
                // One corpus file is not well-formed; the library refuses it.
            }
        }

        return items;
    }

    [Benchmark(Description = "FeedHub parsing layer (decode, repair, adapt, sanitize)")]
    public int FeedHub()
    {
        var items = 0;
        foreach (var bytes in _files)
        {
            items += _parser.Parse(bytes, null, DocumentUrl).Items.Count;
        }

        return items;
    }

    [Benchmark(Description = "HtmlSanitizer on the same items' HTML")]
    public int Sanitizer()
    {
        var length = 0;
        foreach (var html in _html)
        {
            length += _cleaner.Clean(html, DocumentUrl)?.Length ?? 0;
        }

        return length;
    }
}
