using System.Net.Mail;
using System.Text.RegularExpressions;
using FeedHub.Model;
using FeedHub.Sources;
using Markdig;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace FeedHub.Articles;

/// <summary>
/// Reads one article file: YAML front matter between <c>---</c> lines, then a Markdown body.
/// A file that cannot be used is an <see cref="ArticleException"/> naming the file and line.
/// </summary>
public static partial class ArticleReader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    // Raw HTML in Markdown is shown as text: article bodies never carry scripts or forms.
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions()
        .DisableHtml()
        .Build();

    /// <exception cref="ArticleException">The file is not a usable article; the message says where and why.</exception>
    public static Article Read(string path, string text)
    {
        var match = FrontMatter().Match(text);
        if (!match.Success)
        {
            throw new ArticleException(path, 1, "The file must start with YAML front matter between '---' lines.");
        }

        FrontMatterFields fields;
        try
        {
            fields = Yaml.Deserialize<FrontMatterFields?>(match.Groups["yaml"].Value) ?? new FrontMatterFields();
        }
        catch (YamlException e)
        {
            // The front matter starts on line 2, after the opening '---'.
            throw new ArticleException(path, (int)e.Start.Line + 1, Explain(e));
        }

        // A file named 2026-11-20-robot-hands.md is the article robot-hands: the date orders files, it is not the name.
        var slug = fields.Slug ?? SourceRules.Slug(DatePrefix().Replace(System.IO.Path.GetFileNameWithoutExtension(path), string.Empty));
        Require(path, !string.IsNullOrWhiteSpace(fields.Title), "title is required.");
        Require(path, SourceRules.IsValidId(slug), $"slug '{slug}' must be lowercase letters, digits and dashes.");
        var published = Time(fields.Published);
        if (published is null)
        {
            throw new ArticleException(path, LineOf(text, "published:"), fields.Published is null
                ? "published is required: an ISO 8601 time, e.g. 2026-11-27T09:00:00Z."
                : $"published '{fields.Published}' is not an ISO 8601 time, e.g. 2026-11-27T09:00:00Z.");
        }

        foreach (var author in fields.Authors ?? [])
        {
            Require(path, !string.IsNullOrWhiteSpace(author.Name), "every author needs a name.");
            Require(path, author.Uri is null || SourceRules.ParseFeedUrl(author.Uri, out _) is not null, $"author '{author.Name}': uri must be an http or https URL.");
            Require(path, author.Email is null || MailAddress.TryCreate(author.Email, out _), $"author '{author.Name}': '{author.Email}' is not an e-mail address.");
        }

        var sources = new List<ArticleSource>();
        foreach (var source in fields.Sources ?? [])
        {
            Require(path, !string.IsNullOrWhiteSpace(source.Title) && !string.IsNullOrWhiteSpace(source.Publisher), "every source needs a title and a publisher.");
            Require(path, SourceRules.ParseFeedUrl(source.Url, out var urlError) is not null, $"source '{source.Title}': {urlError}");
            sources.Add(new ArticleSource(source.Title!.Trim(), source.Url!.Trim(), source.Publisher!.Trim(), source.Feed?.Trim()));
        }

        return new Article
        {
            Slug = slug,
            Title = fields.Title!.Trim(),
            Summary = string.IsNullOrWhiteSpace(fields.Summary) ? null : fields.Summary.Trim(),
            Published = published!.Value,
            Updated = Time(fields.Updated) is { } updated && updated > published ? updated : published.Value,
            Authors = (fields.Authors ?? []).Select(a => new ItemAuthor(a.Name!.Trim(), a.Email?.Trim(), a.Uri?.Trim())).ToList(),
            Tags = (fields.Tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            Rights = fields.Rights,
            Ai = fields.Ai is { } ai ? new AiDisclosure(ai.Generated, ai.Model, ai.Statement) : null,
            Sources = sources,
            BodyHtml = Markdig.Markdown.ToHtml(text[match.Length..], Markdown).Trim(),
            Path = path,
        };
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

    /// <summary>An ISO 8601 time; one without an offset is UTC, never the server's local time.</summary>
    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : null;

    /// <summary>The line a front matter key is on, or 1 when it is missing.</summary>
    private static int LineOf(string text, string key)
    {
        var at = text.IndexOf("\n" + key, StringComparison.Ordinal);
        return at < 0 ? 1 : text.AsSpan(0, at + 1).Count('\n') + 1;
    }

    private static void Require(string path, bool condition, string message)
    {
        if (!condition)
        {
            throw new ArticleException(path, 1, message);
        }
    }

    [GeneratedRegex(@"Property '([^']+)' not found")]
    private static partial Regex UnknownField();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}-")]
    private static partial Regex DatePrefix();

    [GeneratedRegex(@"\A\uFEFF?---[ \t]*\r?\n(?<yaml>[\s\S]*?)\r?\n---[ \t]*(\r?\n|\z)")]
    private static partial Regex FrontMatter();

    private sealed class FrontMatterFields
    {
        public string? Title { get; set; }
        public string? Slug { get; set; }
        public string? Summary { get; set; }
        public string? Published { get; set; }
        public string? Updated { get; set; }
        public List<AuthorFields>? Authors { get; set; }
        public List<string>? Tags { get; set; }
        public string? Rights { get; set; }
        public AiFields? Ai { get; set; }
        public List<SourceFields>? Sources { get; set; }
    }

    private sealed class AuthorFields
    {
        public string? Name { get; set; }
        public string? Email { get; set; }
        public string? Uri { get; set; }
    }

    private sealed class AiFields
    {
        public bool Generated { get; set; }
        public string? Model { get; set; }
        public string? Statement { get; set; }
    }

    private sealed class SourceFields
    {
        public string? Title { get; set; }
        public string? Url { get; set; }
        public string? Publisher { get; set; }
        public string? Feed { get; set; }
    }
}

/// <summary>An article file that cannot be used, with where and why.</summary>
public sealed class ArticleException(string path, int line, string problem) : Exception($"{path}:{line}: {problem}")
{
    public string FilePath { get; } = path;

    public int Line { get; } = line;

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; } = problem;
}
