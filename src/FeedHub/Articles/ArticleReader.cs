using System.Text.RegularExpressions;
using FeedHub.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace FeedHub.Articles;

/// <summary>
/// Reads one article file: YAML front matter between <c>---</c> lines, then a Markdown body, checked
/// by <see cref="ArticleRules"/> like an article written through the admin API. A file that cannot be
/// used is an <see cref="ArticleException"/> naming the file and line.
/// </summary>
public static partial class ArticleReader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <exception cref="ArticleException">The file is not a usable article; the message says where and why.</exception>
    public static Article Read(string path, string text)
    {
        var match = FrontMatter().Match(text);
        if (!match.Success)
        {
            throw new ArticleException(path, 1, "The file must start with YAML front matter between '---' lines.");
        }

        ArticleFields fields;
        try
        {
            fields = Yaml.Deserialize<ArticleFields?>(match.Groups["yaml"].Value) ?? new ArticleFields();
        }
        catch (YamlException e)
        {
            // The front matter starts on line 2, after the opening '---'.
            throw new ArticleException(path, (int)e.Start.Line + 1, Explain(e));
        }

        // A file named 2026-11-20-robot-hands.md is the article robot-hands: the date orders files, it is not the name.
        var fallbackSlug = Slug.From(DatePrefix().Replace(System.IO.Path.GetFileNameWithoutExtension(path), string.Empty));
        var problems = new List<ArticleProblem>();
        var article = ArticleRules.Build(fields, text[match.Length..], fallbackSlug, defaultPublished: null, problems);
        if (article is null)
        {
            // Every problem, each on the line of the front matter key it is about, in the order of the file.
            var located = problems
                .Select(p => new ArticleException(path, LineOf(text[..match.Length], p.Field.Split('[', '.')[0] + ":"), p.Message))
                .OrderBy(e => e.Line)
                .ToList();
            throw new ArticleException(path, located[0].Line, located[0].Problem, located[1..]);
        }

        return article with { Origin = ArticleOrigin.File, Path = path };
    }

    /// <summary>What is wrong with the YAML, in the author's terms rather than the deserializer's.</summary>
    private static string Explain(YamlException e)
    {
        var inner = e.InnerException;
        while (inner is System.Reflection.TargetInvocationException { InnerException: { } cause })
        {
            inner = cause;
        }

        var unknown = UnknownField().Match(e.Message);
        return unknown.Success ? $"'{unknown.Groups[1].Value}' is not a front matter field (title, slug, published, updated, summary, authors, tags, rights, ai, sources)."
            : inner is FormatException format ? format.Message
            : e is SyntaxErrorException ? $"the YAML is not well-formed ({e.Message[(e.Message.IndexOf("): ", StringComparison.Ordinal) + 3)..]})."
            : inner is InvalidOperationException ? "the YAML is not well-formed (an unclosed list or mapping?)."
            : inner?.Message ?? e.Message;
    }

    /// <summary>The line a key of the front matter is on, or 1 when it is missing.</summary>
    private static int LineOf(string frontMatter, string key)
    {
        var at = frontMatter.IndexOf("\n" + key, StringComparison.Ordinal);
        return at < 0 ? 1 : frontMatter.AsSpan(0, at + 1).Count('\n') + 1;
    }

    [GeneratedRegex(@"Property '([^']+)' not found")]
    private static partial Regex UnknownField();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}-")]
    private static partial Regex DatePrefix();

    [GeneratedRegex(@"\A\uFEFF?---[ \t]*\r?\n(?<yaml>[\s\S]*?)\r?\n---[ \t]*(\r?\n|\z)")]
    private static partial Regex FrontMatter();
}

/// <summary>An article file that cannot be used, with where and why.</summary>
/// <param name="others">The other problems found in the same file.</param>
public sealed class ArticleException(string path, int line, string problem, IReadOnlyList<ArticleException>? others = null) : Exception($"{path}:{line}: {problem}")
{
    public string FilePath { get; } = path;

    public int Line { get; } = line;

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; } = problem;

    /// <summary>This problem and the others found in the same file, so an author fixes them in one pass.</summary>
    public IReadOnlyList<ArticleException> All => [this, .. others ?? []];
}
