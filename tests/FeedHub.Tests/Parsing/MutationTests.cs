using System.Text;
using FeedHub.Parsing;
using FeedHub.Testing;

namespace FeedHub.Tests.Parsing;

/// <summary>
/// Real and test-suite feeds, corrupted at random with a fixed seed (cut short, bytes flipped, tags
/// duplicated): the parser must end every one in a feed or a <see cref="FeedParseException"/>, and
/// never hang. The seed is fixed, so a failure here reproduces.
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    private const int Seed = 20261127;
    private const int MutationsPerFile = 3;

    // Not a timing assertion: only a bound on a hang, far above the milliseconds a parse takes.
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task CorruptedFeeds_NeverThrowAnythingElse_AndNeverHang()
    {
        var files = Directory.GetFiles(TestCorpus.Folder("feedparser"), "*.xml", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(TestCorpus.Folder("real"), "*.xml"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var random = new Random(Seed);
        var escaped = new List<string>();
        var parsed = 0;
        var refused = 0;
        var byKind = new Dictionary<string, (int Parsed, int Refused)>();

        foreach (var file in files)
        {
            var original = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            for (var m = 0; m < MutationsPerFile; m++)
            {
                var (kind, body) = Mutate(original, random);
                var parse = Task.Run(() =>
                {
                    try
                    {
                        Fixture.Parser.Parse(body, null, new Uri("https://mutation.example/feed.xml"));
                        return (Parsed: true, Escaped: (string?)null);
                    }
                    catch (FeedParseException)
                    {
                        return (Parsed: false, Escaped: null);
                    }
#pragma warning disable CA1031 // Anything else escaping the parser is exactly what this test looks for.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        return (Parsed: false, Escaped: $"{e.GetType().Name}: {e.Message}");
                    }
                });

                if (await Task.WhenAny(parse, Task.Delay(HangBound, TestContext.Current.CancellationToken)) != parse)
                {
                    Assert.Fail($"{Path.GetFileName(file)} ({kind}, mutation {m}) did not finish within {HangBound.TotalSeconds} s.");
                }

                var (ok, error) = await parse;
                if (error is not null)
                {
                    escaped.Add($"{file} ({kind}, mutation {m}): {error}");
                }

                var counts = byKind.GetValueOrDefault(kind);
                byKind[kind] = ok ? (counts.Parsed + 1, counts.Refused) : (counts.Parsed, counts.Refused + 1);
                parsed += ok ? 1 : 0;
                refused += ok ? 0 : 1;
            }
        }

        output.WriteLine($"{parsed} read, {refused} refused with a reason; {string.Join(", ", byKind.Select(k => $"{k.Key}: {k.Value.Parsed} of {k.Value.Parsed + k.Value.Refused} read"))}");
        Assert.True(escaped.Count == 0, string.Join(Environment.NewLine, escaped));
        Assert.True(parsed > 0 && refused > 0, "the mutations both break documents and leave some readable");
    }

    private static (string Kind, byte[] Body) Mutate(byte[] original, Random random)
    {
        var body = (byte[])original.Clone();
        switch (random.Next(3))
        {
            case 0:
                return ("truncated", body[..random.Next(Math.Max(1, body.Length))]);
            case 1:
                for (var i = 0; i < 1 + random.Next(8); i++)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                return ("bytes flipped", body);
            default:
                var text = Encoding.Latin1.GetString(body);
                var open = text.IndexOf('<', random.Next(Math.Max(1, text.Length)));
                if (open < 0)
                {
                    return ("unchanged", body);
                }

                var close = text.IndexOf('>', open);
                var tag = close < 0 ? text[open..] : text[open..(close + 1)];
                return ("tag duplicated", Encoding.Latin1.GetBytes(text.Insert(open, string.Concat(Enumerable.Repeat(tag, 1 + random.Next(3))))));
        }
    }
}
