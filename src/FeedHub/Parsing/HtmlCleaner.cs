using Ganss.Xss;

namespace FeedHub.Parsing;

/// <summary>
/// Upstream HTML goes through an allow-list before FeedHub keeps it: scripts, event handlers and
/// active content go, and relative URLs become absolute against the item's base.
/// </summary>
public sealed class HtmlCleaner
{
    // HtmlSanitizer is safe to share once configured; building one is not cheap.
    private readonly HtmlSanitizer _sanitizer = new();

    public string? Clean(string? html, Uri baseUri)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return null;
        }

        var clean = _sanitizer.Sanitize(html, baseUri.AbsoluteUri).Trim();
        return clean.Length == 0 ? null : clean;
    }
}
