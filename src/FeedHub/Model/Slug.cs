using System.Text;
using System.Text.RegularExpressions;

namespace FeedHub.Model;

/// <summary>The ids of sources, channels and articles: lowercase letters, digits and dashes, up to 64.</summary>
public static partial class Slug
{
    public static bool IsValid(string? id) => id is not null && IdSyntax().IsMatch(id);

    /// <summary>An id for a feed URL: "https://www.example.com/news/feed/" becomes "example-com-news-feed".</summary>
    public static string FromUrl(Uri url)
    {
        var host = url.IdnHost.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? url.IdnHost[4..] : url.IdnHost;
        var slug = From(host + url.AbsolutePath);
        return slug.Length == 0 ? "source" : slug;
    }

    /// <summary>A slug: "TechCrunch AI" becomes "techcrunch-ai".</summary>
    public static string From(string text)
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
