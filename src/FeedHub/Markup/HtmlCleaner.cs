using System.Net;
using Ganss.Xss;

namespace FeedHub.Markup;

/// <summary>
/// Upstream HTML goes through an allow-list before FeedHub keeps it: scripts, event handlers, active
/// content, forms and inline styles go; iframes stay only from known video hosts; tracking pixels
/// and tracking query parameters go; relative URLs become absolute against the item's base.
/// </summary>
public sealed class HtmlCleaner
{
    /// <summary>
    /// Deeper than this (browsers stop at 512), an HTML parser's work grows with the square of the
    /// depth: such markup is hostile, and only its text is kept.
    /// </summary>
    internal const int MaxDepth = 256;

    /// <summary>Hosts whose embedded players may stay, as in Miniflux: video, nothing else.</summary>
    private static readonly string[] VideoHosts =
    [
        "www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "player.vimeo.com", "www.dailymotion.com", "player.twitch.tv",
    ];

    /// <summary>Query parameters that only track readers; links lose them.</summary>
    private static readonly HashSet<string> TrackingParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id", "fbclid", "gclid", "dclid",
        "msclkid", "mc_cid", "mc_eid", "yclid", "_hsenc", "_hsmi", "igshid", "mkt_tok",
    };

    private static readonly string[] FormTags = ["form", "input", "button", "select", "textarea", "option", "optgroup", "fieldset", "legend", "label", "datalist", "output"];

    private static readonly HashSet<string> UnclosedTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "p", "li", "dt", "dd", "tr", "td", "th", "option",
    };

    // HtmlSanitizer is safe to share once configured; building one is not cheap (the first also sets
    // up AngleSharp with its CSS support, about a tenth of a second), so it is built when markup first
    // needs it rather than at start, where it held up every cold start (benchmark B5).
    private readonly Lazy<HtmlSanitizer> _sanitizer = new(CreateSanitizer);

    public string? Clean(string? html, Uri baseUri) => Clean(html, baseUri, plain: true);

    /// <param name="plain">Whether markup that <see cref="PlainMarkup"/> vouches for may skip the sanitizer (tests compare both ways).</param>
    internal string? Clean(string? html, Uri baseUri, bool plain)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return null;
        }

        string clean;
        if (!html.Contains('<', StringComparison.Ordinal))
        {
            // Text without markup needs no parser: only its entities are normalised.
            clean = html.Contains('&', StringComparison.Ordinal) ? WebUtility.HtmlEncode(HtmlText.DecodeEntities(html)) : html;
        }
        else
        {
            // Most feeds' markup is plain enough to be written out as the sanitizer would, without it.
            clean = (plain ? PlainMarkup.TryClean(html) : null)
                ?? (NestingDepth(html) > MaxDepth ? WebUtility.HtmlEncode(HtmlText.StripTags(html)) : _sanitizer.Value.Sanitize(html, baseUri.AbsoluteUri));
        }

        // Character references the sanitizer decoded ("&#1;") come out as the characters themselves.
        clean = XmlText.Clean(clean).Trim();
        return clean.Length == 0 ? null : clean;
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();

        // Republished content must not ask readers for passwords or cover the page it is shown in.
        foreach (var tag in FormTags)
        {
            sanitizer.AllowedTags.Remove(tag);
        }

        sanitizer.AllowedAttributes.Remove("action");
        sanitizer.AllowedAttributes.Remove("formaction");
        sanitizer.AllowedAttributes.Remove("method");

        // A link must not be able to reach back into the page that shows it (window.opener).
        sanitizer.AllowedAttributes.Remove("target");

        // Inline styles go, as in Miniflux: republished content takes the look of the page showing it,
        // no style can cover that page, and no CSS parser runs for every item.
        sanitizer.AllowedAttributes.Remove("style");

        sanitizer.AllowedTags.Add("iframe");
        sanitizer.AllowedAttributes.UnionWith(["allowfullscreen", "frameborder"]);
        sanitizer.FilterUrl += (_, e) => e.SanitizedUrl = WithoutTracking(e.SanitizedUrl);
        sanitizer.PostProcessDom += (_, e) =>
        {
            foreach (var frame in e.Document.QuerySelectorAll("iframe").ToList())
            {
                if (!Uri.TryCreate(frame.GetAttribute("src"), UriKind.Absolute, out var src) || src.Scheme != "https" || !VideoHosts.Contains(src.Host, StringComparer.OrdinalIgnoreCase))
                {
                    frame.Remove();
                }
                else
                {
                    // An embedded player gets no access to the page around it.
                    frame.SetAttribute("sandbox", "allow-scripts allow-same-origin allow-popups");
                }
            }

            // A 1×1 image is a tracking pixel, not a picture.
            foreach (var pixel in e.Document.QuerySelectorAll("img").Where(i => i.GetAttribute("width") is "0" or "1" || i.GetAttribute("height") is "0" or "1").ToList())
            {
                pixel.Remove();
            }
        };
        return sanitizer;
    }

    /// <summary>A URL without the query parameters that only track who followed it.</summary>
    internal static string? WithoutTracking(string? url)
    {
        var query = url?.IndexOf('?', StringComparison.Ordinal) ?? -1;
        if (url is null || query < 0)
        {
            return url;
        }

        var fragment = url.IndexOf('#', query);
        var end = fragment < 0 ? url.Length : fragment;
        var kept = url[(query + 1)..end].Split('&').Where(p => p.Length > 0 && !TrackingParameters.Contains(p.Split('=')[0])).ToList();
        return url[..query] + (kept.Count > 0 ? "?" + string.Join('&', kept) : string.Empty) + url[end..];
    }

    /// <summary>
    /// The deepest nesting of elements that need closing, as an HTML parser would build it from the
    /// tags alone: "&lt;div/&gt;" opens a div (HTML ignores the slash), and an end tag closes only an
    /// element of its name. Counting stops past <see cref="MaxDepth"/>.
    /// </summary>
    internal static int NestingDepth(string html)
    {
        var open = new List<string>();
        var deepest = 0;
        for (var i = html.IndexOf('<', StringComparison.Ordinal); i >= 0 && i < html.Length - 1; i = html.IndexOf('<', i + 1))
        {
            var closing = html[i + 1] == '/';
            var start = closing ? i + 2 : i + 1;
            var end = start;
            while (end < html.Length && char.IsAsciiLetterOrDigit(html[end]))
            {
                end++;
            }

            if (end == start || !char.IsAsciiLetter(html[start]))
            {
                continue;
            }

            var name = html[start..end].ToLowerInvariant();
            if (UnclosedTags.Contains(name))
            {
                continue;
            }

            if (closing)
            {
                var at = open.LastIndexOf(name);
                if (at >= 0)
                {
                    open.RemoveRange(at, open.Count - at);
                }
            }
            else
            {
                open.Add(name);
                deepest = Math.Max(deepest, open.Count);
                if (deepest > MaxDepth)
                {
                    return deepest;
                }
            }
        }

        return deepest;
    }
}
