namespace FeedHub.Articles;

/// <summary>
/// An article's fields as its author wrote them, unchecked: a file's YAML front matter, or the admin
/// API's JSON. <see cref="ArticleRules"/> checks them, the same way for both.
/// </summary>
public sealed class ArticleFields
{
    public string? Title { get; set; }

    public string? Slug { get; set; }

    public string? Summary { get; set; }

    /// <summary>An ISO 8601 time; one without an offset is UTC.</summary>
    public string? Published { get; set; }

    public string? Updated { get; set; }

    public List<AuthorFields>? Authors { get; set; }

    public List<string>? Tags { get; set; }

    public string? Rights { get; set; }

    public AiFields? Ai { get; set; }

    public List<SourceFields>? Sources { get; set; }
}

public sealed class AuthorFields
{
    public string? Name { get; set; }

    public string? Email { get; set; }

    public string? Uri { get; set; }
}

public sealed class AiFields
{
    public bool Generated { get; set; }

    public string? Model { get; set; }

    public string? Statement { get; set; }
}

public sealed class SourceFields
{
    public string? Title { get; set; }

    public string? Url { get; set; }

    public string? Publisher { get; set; }

    public string? Feed { get; set; }
}
