using System.Text.RegularExpressions;
using System.Xml;
using CodeHollow.FeedReader;
using CodeHollow.FeedReader.Parser;

namespace FeedHub.Parsing;

/// <summary>
/// Bytes in, FeedHub's model out: decode, make the text safe for the XML parser, let
/// CodeHollow.FeedReader find the feed's parts, then adapt them. Knows nothing of HTTP or the store.
/// </summary>
public sealed partial class FeedParser(HtmlCleaner cleaner)
{
    /// <param name="body">The document's bytes, as fetched.</param>
    /// <param name="contentType">The HTTP Content-Type, whose charset wins over the XML declaration.</param>
    /// <param name="documentUrl">Where the document came from: the base for its relative URLs.</param>
    /// <exception cref="FeedParseException">The bytes are not a feed FeedHub can read; the message says why.</exception>
    public ParsedFeed Parse(ReadOnlySpan<byte> body, string? contentType, Uri documentUrl)
    {
        var text = FeedDecoder.Decode(body, contentType);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FeedParseException("The document is empty.");
        }

        // DTDs are never processed: no external entities, no entity expansion bombs.
        text = DocumentType().Replace(text, string.Empty, 1);

        Feed feed;
        try
        {
            feed = FeedReader.ReadFromString(text);
        }
        catch (XmlException e)
        {
            throw new FeedParseException(LooksLikeHtml(text)
                ? "The document is an HTML page, not a feed."
                : $"The document is not well-formed XML: {e.Message}", e);
        }
        catch (FeedTypeNotSupportedException e)
        {
            throw new FeedParseException(LooksLikeHtml(text)
                ? "The document is an HTML page, not a feed."
                : $"The document is not a feed format FeedHub reads (RSS, Atom, JSON Feed): {e.Message}", e);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or ArgumentException or System.Text.Json.JsonException)
        {
            // The library throws these on documents it half-recognises (RSS without <channel>, broken JSON).
            throw new FeedParseException($"The document could not be read as a feed: {e.Message}", e);
        }

        return CodeHollowAdapter.Adapt(feed, documentUrl, cleaner);
    }

    private static bool LooksLikeHtml(string text) => HtmlStart().IsMatch(text);

    [GeneratedRegex(@"<!DOCTYPE[^\[>]*(\[[\s\S]*?\])?\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex DocumentType();

    [GeneratedRegex(@"^\s*(<!--[\s\S]*?-->\s*)*(<!DOCTYPE\s+html|<html[\s>])", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlStart();
}
