using System.Xml;
using System.Xml.Linq;
using CodeHollow.FeedReader;
using FeedHub.Markup;

namespace FeedHub.Parsing;

/// <summary>
/// Bytes in, FeedHub's model out. Knows nothing of HTTP or the store.
/// <list type="number">
/// <item>Decode: byte order mark, HTTP charset, XML declaration, sniffing; Windows-1252 where Latin-1 is
/// declared; C1 controls and double-encoded UTF-8 repaired.</item>
/// <item>JSON Feed goes to CodeHollow.FeedReader. XML goes through a lenient pre-pass (no DTD is ever
/// processed; HTML entities, stray ampersands, forbidden characters and a cut-off tail are repaired and
/// recorded), then a strict XML parser.</item>
/// <item>The format is recognised by its root and mapped element by element into FeedHub's model.</item>
/// </list>
/// Whatever the bytes, the result is a feed or a <see cref="FeedParseException"/> that says why.
/// </summary>
public sealed class FeedParser(HtmlCleaner cleaner)
{
    private const string HtmlPage = "The document is an HTML page, not a feed.";

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <param name="body">The document's bytes, as fetched.</param>
    /// <param name="contentType">The HTTP Content-Type, whose charset wins over the XML declaration.</param>
    /// <param name="documentUrl">The document's base URI (its URL after redirects, or its Content-Location).</param>
    /// <exception cref="FeedParseException">The bytes are not a feed FeedHub can read; the message says why.</exception>
    public ParsedFeed Parse(ReadOnlySpan<byte> body, string? contentType, Uri documentUrl)
    {
        var repairs = new List<string>();
        ParsedFeed feed;
        try
        {
            var text = Mojibake.Repair(Windows1252.RemapControls(FeedDecoder.Decode(body, contentType, repairs)));
            var start = text.AsSpan().TrimStart();
            if (start.IsEmpty)
            {
                throw new FeedParseException("The document is empty.");
            }

            feed = start[0] is '{' or '[' ? ParseJson(text, documentUrl) : ParseXml(text, documentUrl, repairs);
        }
        catch (Exception e) when (e is not (FeedParseException or OutOfMemoryException))
        {
            // No input may crash a poll: a fault of FeedHub's own reading is still the document's failure.
            throw new FeedParseException($"The document could not be read: {e.GetType().Name}: {e.Message}", e);
        }

        return repairs.Count == 0 ? feed : feed with { Recovery = "Recovered from ill-formed input: " + string.Join("; ", repairs) + "." };
    }

    private ParsedFeed ParseJson(string text, Uri documentUrl)
    {
        try
        {
            return JsonFeedAdapter.Adapt(FeedReader.ReadFromString(text), documentUrl, cleaner);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // The library throws whatever its JSON reading runs into; to the poller it is one kind of failure.
            throw new FeedParseException($"The document is not a JSON Feed FeedHub can read: {e.Message}", e);
        }
    }

    private ParsedFeed ParseXml(string text, Uri documentUrl, List<string> repairs)
    {
        var prepared = XmlPrepass.Prepare(text, repairs);
        if (XmlDepth.Exceeds(prepared))
        {
            throw new FeedParseException($"The document nests elements more than {XmlDepth.Max} deep; no feed does, and reading it would exhaust the parser.");
        }

        XDocument document;
        try
        {
            document = Load(prepared);
        }
        catch (XmlException e)
        {
            if (LooksLikeHtml(text))
            {
                throw new FeedParseException(HtmlPage, e);
            }

            var completed = XmlTail.Close(prepared) ?? throw new FeedParseException($"The document is not well-formed XML: {e.Message}", e);

            try
            {
                document = Load(completed);
                repairs.Add($"the document was cut off ({e.Message})");
            }
            catch (XmlException)
            {
                throw new FeedParseException($"The document is not well-formed XML: {e.Message}", e);
            }
        }

        var root = document.Root!;
        var shape = FeedShape.Of(root) ?? throw new FeedParseException(
            root.Name.LocalName.Equals("html", StringComparison.OrdinalIgnoreCase)
                ? HtmlPage
                : $"The document is not a feed format FeedHub reads (RSS, Atom, RSS 1.0, CDF, JSON Feed): its root is <{root.Name.LocalName}>.");

        return new XmlFeedAdapter(cleaner, documentUrl).Adapt(shape);
    }

    private static XDocument Load(string text)
    {
        using var reader = XmlReader.Create(new StringReader(text), XmlSettings);
        return XDocument.Load(reader, LoadOptions.PreserveWhitespace);
    }

    /// <summary>Whether the text starts, after comments and whitespace, like an HTML page.</summary>
    private static bool LooksLikeHtml(string text)
    {
        var rest = text.AsSpan().TrimStart();
        while (rest.StartsWith("<!--"))
        {
            var end = rest.IndexOf("-->");
            if (end < 0)
            {
                return false;
            }

            rest = rest[(end + 3)..].TrimStart();
        }

        return rest.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("<html>", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("<html ", StringComparison.OrdinalIgnoreCase);
    }
}
