using System.Diagnostics;
using System.Text;
using CsCheck;

namespace FeedHub.Testing;

/// <summary>
/// Hostile and careless input for one input surface: a valid document of the surface's format,
/// mutated the ways a broken client or an attacker mutates it. Cases come from CsCheck generators
/// driven by one fixed seed, so every run, in CI or on a laptop, tries the same cases; a failing case
/// prints its kind and its start, and its index in the list reproduces it.
/// </summary>
/// <param name="Valid">A document the surface accepts.</param>
/// <param name="WithValue">The valid document with one field's value replaced by the given text, written as the format writes text (escaped for JSON, say).</param>
/// <param name="Nested">A document nesting the format's own construct this many levels deep.</param>
internal sealed record HostileSurface(string Valid, Func<string, string> WithValue, Func<int, string> Nested)
{
    /// <summary>The seed every run starts from. Another seed explores other cases; a failure names its case either way.</summary>
    public const ulong Seed = 0x2026_1208;

    /// <summary>
    /// How big a huge value gets: past the limits FeedHub sets for fields (300 characters for a
    /// title, 500,000 for an article's body), short of what the tests' own memory should hold.
    /// </summary>
    private static readonly int[] HugeSizes = [301, 70_000, 600_000, 3_000_000];

    private static readonly int[] Depths = [65, 1_000, 10_000, 100_000];

    /// <summary>Characters no field should hold, and the ones parsers trip on: C0 and C1 controls, separators, BOMs, non-characters, a lone surrogate.</summary>
    private static readonly char[] Controls = [.. Enumerable.Range(0, 32).Select(c => (char)c), '\u007F', '\u0085', '\u009B', '\u2028', '\u2029', '\u202E', '\uFEFF', '\uFFFE', '\uFFFF', '\uD800'];

    /// <summary>Byte sequences that are not UTF-8: a lone continuation, overlong forms, an encoded surrogate, bytes never used, and a sequence cut short.</summary>
    private static readonly byte[][] BadBytes = [[0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xFE, 0xFF], [0xC3], [0xF4, 0x90, 0x80, 0x80], [0x00]];

    /// <summary><paramref name="count"/> cases of every kind, the same ones on every run.</summary>
    public IReadOnlyList<HostileInput> Cases(int count)
    {
        var valid = Encoding.UTF8.GetBytes(Valid);
        var gen = Gen.OneOf(
            Gen.Int[0, valid.Length - 1].Select(at => new HostileInput("truncated", valid[..at])),
            Gen.Int[0, Valid.Length].Array[1, 12].Select(Gen.OneOf(Controls).Array[1, 12], (at, controls) =>
                new HostileInput("control characters", Encoding.UTF8.GetBytes(Insert(Valid, at, controls.Select(c => c.ToString()))))),
            Gen.OneOf(Controls).Array[1, 40].Select(controls => new HostileInput("control characters in a value", Encoding.UTF8.GetBytes(WithValue(new string(controls))))),
            Gen.Int[0, valid.Length].Array[1, 8].Select(Gen.OneOf(BadBytes).Array[1, 8], (at, bad) =>
                new HostileInput("bad encoding", Splice(valid, at, bad))),
            Gen.OneOf(HugeSizes).Select(Gen.Char.AlphaNumeric, (size, c) => new HostileInput($"huge value ({size:N0} characters)", Encoding.UTF8.GetBytes(WithValue(new string(c, size))))),
            Gen.OneOf(Depths).Select(depth => new HostileInput($"nested {depth:N0} deep", Encoding.UTF8.GetBytes(Nested(depth)))),
            Gen.String[0, 200].Select(text => new HostileInput("any text in a value", Encoding.UTF8.GetBytes(WithValue(text)))),
            Gen.Byte.Array[0, 2_000].Select(bytes => new HostileInput("random bytes", bytes)));
        var pcg = new PCG(1, Seed);
        return [.. Enumerable.Range(0, count).Select(i => gen.Select(Gen.Bool, (input, chunked) => input with { Index = i, Chunked = chunked }).Generate(pcg, null, out _))];
    }

    /// <summary>
    /// What one case may cost: the suite's bound on CPU. Every case here takes well under a second; a
    /// case past this is input that makes FeedHub work without end (an OPML file nested 100,000 deep
    /// took 17 s to refuse before it was read depth-first), not a slow machine.
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="attempt"/> on the case, failing with the case's description if it throws or overruns the budget.</summary>
    public static void Try(HostileInput input, Action<HostileInput> attempt) =>
        TryAsync(input, i => { attempt(i); return Task.CompletedTask; }).GetAwaiter().GetResult();

    /// <inheritdoc cref="Try"/>
    public static async Task TryAsync(HostileInput input, Func<HostileInput, Task> attempt)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await attempt(input);
        }
        catch (Exception e) when (e is not Xunit.Sdk.IAssertionException)
        {
            Assert.Fail($"{input}: {e.GetType().Name}: {e.Message}");
        }

        Assert.True(watch.Elapsed < Budget, $"{input}: took {watch.Elapsed.TotalSeconds:N1} s, past the {Budget.TotalSeconds} s any case may take");
    }

    /// <summary>Text as a JSON string's contents, as a careless client writes it: escaped where JSON says it must be, and lone surrogates as \u escapes a strict reader refuses.</summary>
    public static string JsonText(string value) =>
        string.Concat(value.Select(c => c switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            _ when c < ' ' || char.IsSurrogate(c) => $"\\u{(int)c:X4}",
            _ => c.ToString(),
        }));

    private static string Insert(string text, int[] at, IEnumerable<string> what)
    {
        var builder = new StringBuilder(text);
        foreach (var (position, piece) in at.Order().Reverse().Zip(what))
        {
            builder.Insert(Math.Min(position, builder.Length), piece);
        }

        return builder.ToString();
    }

    private static byte[] Splice(byte[] bytes, int[] at, byte[][] what)
    {
        var list = new List<byte>(bytes);
        foreach (var (position, piece) in at.Order().Reverse().Zip(what))
        {
            list.InsertRange(Math.Min(position, list.Count), piece);
        }

        return [.. list];
    }
}

/// <summary>One hostile case: its kind, its bytes, and whether it goes over HTTP chunked (no Content-Length) or whole.</summary>
internal sealed record HostileInput(string Kind, byte[] Body)
{
    public int Index { get; init; }

    public bool Chunked { get; init; }

    public string Text => Encoding.UTF8.GetString(Body);

    public override string ToString()
    {
        var start = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 120));
        var shown = string.Concat(start.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));
        return $"case {Index}, {Kind}, {Body.Length:N0} bytes{(Chunked ? ", chunked" : "")}: {shown}";
    }
}
