using System.Globalization;
using System.Net.Mail;
using FeedHub.Markup;
using FeedHub.Model;

namespace FeedHub.Articles;

/// <summary>
/// What makes an article acceptable, wherever it is written: a file in the articles folder and the
/// admin API are both checked here, so both accept and refuse the same things, in the same words.
/// </summary>
public static class ArticleRules
{
    /// <summary>The article the fields describe, with its Markdown rendered, or null with every problem added to <paramref name="problems"/>.</summary>
    /// <param name="fallbackSlug">The slug when the fields name none (a file's name); null to make it from the title.</param>
    /// <param name="defaultPublished">The publication time when the fields give none; null makes <c>published</c> required.</param>
    // Generous for any real article, and small enough that one cannot make every feed and listing huge.
    public const int MaxTitleLength = 300;
    public const int MaxSummaryLength = 2_000;
    public const int MaxBodyLength = 500_000;
    public const int MaxListLength = 50;

    public static Article? Build(ArticleFields fields, string markdown, string? fallbackSlug, DateTimeOffset? defaultPublished, List<ArticleProblem> problems)
    {
        var before = problems.Count;
        var title = fields.Title?.Trim();
        if (string.IsNullOrEmpty(title))
        {
            problems.Add(new("title", "title is required."));
        }

        var slug = string.IsNullOrWhiteSpace(fields.Slug) ? fallbackSlug ?? Slug.From(title ?? string.Empty) : fields.Slug.Trim();
        if (slug.Length == 0 && !string.IsNullOrEmpty(title))
        {
            problems.Add(new("slug", $"no slug can be made from the title '{title}': give one (lowercase letters, digits and dashes)."));
        }
        else if (slug.Length > 0 && !Slug.IsValid(slug))
        {
            problems.Add(new("slug", $"slug '{slug}' must be lowercase letters, digits and dashes."));
        }

        var published = Time(fields.Published) ?? (fields.Published is null ? defaultPublished : null);
        if (published is null)
        {
            problems.Add(new("published", fields.Published is null
                ? "published is required: an ISO 8601 time, e.g. 2026-11-27T09:00:00Z."
                : $"published '{fields.Published}' is not an ISO 8601 time, e.g. 2026-11-27T09:00:00Z."));
        }

        var updated = Time(fields.Updated);
        if (fields.Updated is not null && updated is null)
        {
            problems.Add(new("updated", $"updated '{fields.Updated}' is not an ISO 8601 time, e.g. 2026-11-27T09:00:00Z."));
        }

        var authors = fields.Authors ?? [];
        for (var i = 0; i < authors.Count; i++)
        {
            var author = authors[i];
            if (string.IsNullOrWhiteSpace(author.Name))
            {
                problems.Add(new($"authors[{i}].name", "every author needs a name."));
            }

            if (author.Uri is not null && HttpUrl.Parse(author.Uri, out _) is null)
            {
                problems.Add(new($"authors[{i}].uri", $"author '{author.Name}': uri must be an http or https URL."));
            }

            if (author.Email is not null && !MailAddress.TryCreate(author.Email.Trim(), out _))
            {
                problems.Add(new($"authors[{i}].email", $"author '{author.Name}': '{author.Email}' is not an e-mail address."));
            }
        }

        var sources = fields.Sources ?? [];
        for (var i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            if (string.IsNullOrWhiteSpace(source.Title) || string.IsNullOrWhiteSpace(source.Publisher))
            {
                problems.Add(new($"sources[{i}].{(string.IsNullOrWhiteSpace(source.Title) ? "title" : "publisher")}", "every source needs a title and a publisher."));
            }

            if (HttpUrl.Parse(source.Url, out var urlError) is null)
            {
                problems.Add(new($"sources[{i}].url", $"source '{source.Title}': {urlError}"));
            }

            if (source.Feed is not null && HttpUrl.Parse(source.Feed, out var feedError) is null)
            {
                problems.Add(new($"sources[{i}].feed", $"source '{source.Title}': feed {feedError}"));
            }
        }

        foreach (var (field, length, limit) in new (string, int, int)[]
        {
            ("title", title?.Length ?? 0, MaxTitleLength),
            ("summary", fields.Summary?.Length ?? 0, MaxSummaryLength),
            ("rights", fields.Rights?.Length ?? 0, MaxSummaryLength),
            ("body", markdown.Length, MaxBodyLength),
        })
        {
            if (length > limit)
            {
                problems.Add(new(field, $"{field} is longer than {limit} characters."));
            }
        }

        foreach (var (field, count) in new (string, int)[] { ("authors", fields.Authors?.Count ?? 0), ("tags", fields.Tags?.Count ?? 0), ("sources", fields.Sources?.Count ?? 0) })
        {
            if (count > MaxListLength)
            {
                problems.Add(new(field, $"{field} has more than {MaxListLength} entries."));
            }
        }

        var names = (fields.Tags ?? []).Select((tag, i) => (Field: $"tags[{i}]", Text: (string?)tag))
            .Concat((fields.Authors ?? []).Select((author, i) => (Field: $"authors[{i}].name", Text: author.Name)))
            .Concat((fields.Sources ?? []).SelectMany((source, i) => new[] { (Field: $"sources[{i}].title", Text: source.Title), (Field: $"sources[{i}].publisher", Text: source.Publisher) }));
        if (names.FirstOrDefault(name => name.Text?.Length > MaxTitleLength) is { Field: { } longField })
        {
            problems.Add(new(longField, $"{longField} is longer than {MaxTitleLength} characters."));
        }

        var texts = new (string Field, string? Text)[]
        {
            ("title", title), ("summary", fields.Summary), ("rights", fields.Rights), ("body", markdown),
            ("ai.model", fields.Ai?.Model), ("ai.statement", fields.Ai?.Statement),
        }.Concat(names);
        foreach (var (field, text) in texts)
        {
            if (text is not null && XmlText.IndexOfInvalid(text) is >= 0 and var at)
            {
                problems.Add(new(field, XmlText.Refusal(field, text, at)));
            }
        }

        if (markdown.Length <= MaxBodyLength && ArticleMarkdown.TooDeep(markdown) is { } tooDeep)
        {
            problems.Add(new("body", tooDeep));
        }

        if (problems.Count > before)
        {
            return null;
        }

        return new Article
        {
            Slug = slug,
            Title = title!,
            Summary = Text(fields.Summary),
            Published = published!.Value,
            // An "updated" before "published" is a slip; the article is as new as its publication.
            Updated = updated is { } later && later > published ? later : published.Value,
            Authors = authors.Select(a => new ItemAuthor(a.Name!.Trim(), Text(a.Email), Text(a.Uri))).ToList(),
            Tags = (fields.Tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            Rights = Text(fields.Rights),
            Ai = fields.Ai is { } ai ? new AiDisclosure(ai.Generated, Text(ai.Model), Text(ai.Statement)) : null,
            Sources = sources.Select(s => new ArticleSource(s.Title!.Trim(), s.Url!.Trim(), s.Publisher!.Trim(), Text(s.Feed))).ToList(),
            Markdown = markdown,
            BodyHtml = ArticleMarkdown.ToHtml(markdown),
        };
    }

    /// <summary>An ISO 8601 time; one without an offset is UTC, never the server's local time.</summary>
    public static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : null;

    private static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>Why an article cannot be published.</summary>
/// <param name="Field">The field at fault, as the API names it: <c>title</c>, <c>authors[0].uri</c>.</param>
/// <param name="Message">What is wrong, in a sentence that names the field.</param>
public sealed record ArticleProblem(string Field, string Message);
