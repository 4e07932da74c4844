using System.Text;
using System.Text.RegularExpressions;

namespace FeedHub.Sources;

/// <summary>What makes a source declaration acceptable, wherever it comes from.</summary>
public static partial class SourceRules
{
    public static bool IsValidId(string? id) => id is not null && IdSyntax().IsMatch(id);

    /// <summary>An absolute http or https URL, or null with the reason.</summary>
    public static Uri? ParseFeedUrl(string? url, out string? error)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "The URL is empty.";
            return null;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            error = $"'{url}' is not an absolute http or https URL.";
            return null;
        }

        error = null;
        return uri;
    }

    /// <summary>An id for a feed URL: "https://www.example.com/news/feed/" becomes "example-com-news-feed".</summary>
    public static string IdFromUrl(Uri url)
    {
        var host = url.IdnHost.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? url.IdnHost[4..] : url.IdnHost;
        var slug = Slug(host + url.AbsolutePath);
        return slug.Length == 0 ? "source" : slug;
    }

    /// <summary>A lowercase slug for an id: "TechCrunch AI" becomes "techcrunch-ai".</summary>
    public static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                slug.Append(c);
            }
            else if (char.IsWhiteSpace(c) || c is '-' or '_' or '.' or '/')
            {
                if (slug.Length > 0 && slug[^1] != '-')
                {
                    slug.Append('-');
                }
            }
        }

        var result = slug.ToString().Trim('-');
        return result.Length > 64 ? result[..64].TrimEnd('-') : result;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdSyntax();
}
