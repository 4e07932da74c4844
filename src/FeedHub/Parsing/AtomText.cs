using System.Net;
using System.Text;
using System.Xml.Linq;
using FeedHub.Markup;
using FeedHub.Model;

namespace FeedHub.Parsing;

/// <summary>
/// Atom text constructs (title, subtitle, summary, content, rights) read by their declared type:
/// Atom 1.0's <c>text</c>, <c>html</c>, <c>xhtml</c> and other media types (XML inline, anything else
/// base64), and Atom 0.3's <c>mode</c> (<c>xml</c>, <c>escaped</c>, <c>base64</c>).
/// </summary>
internal static class AtomText
{
    /// <summary>The construct as HTML.</summary>
    public static string? Html(XElement? element) => Read(element) switch
    {
        null => null,
        (Kind.Html, var value) => value,
        (Kind.Text, var value) => WebUtility.HtmlEncode(value),
        (_, var value) => value,
    };

    /// <summary>The construct as plain text.</summary>
    public static string? Plain(XElement? element) => Read(element) switch
    {
        null => null,
        (Kind.Text, var value) => HtmlText.Fold(value),
        (_, var value) => HtmlText.PlainText(value),
    };

    private static (Kind Kind, string Value)? Read(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        var atom03 = element.Name.Namespace != FeedNamespaces.Atom;
        var type = ((string?)element.Attribute("type"))?.Trim().ToLowerInvariant() ?? (atom03 ? "text/plain" : "text");
        var mode = ((string?)element.Attribute("mode"))?.Trim().ToLowerInvariant() ?? "xml";

        if ((atom03 && mode == "base64") || (!atom03 && !IsTextual(type)))
        {
            // Publishers base64-encode markup; feed readers show the decoded body as HTML.
            return Base64(element.Value) is { } decoded ? (Kind.Html, decoded) : (Kind.Text, element.Value);
        }

        if (atom03 && mode == "escaped")
        {
            return (type.Contains("html", StringComparison.Ordinal) ? Kind.Html : Kind.Text, element.Value);
        }

        return type switch
        {
            "xhtml" => (Kind.Xhtml, Inner(element, unwrapDiv: true)),
            "html" or "text/html" => (Kind.Html, element.Value),
            "text" or "text/plain" => element.HasElements ? (Kind.Xhtml, Inner(element, unwrapDiv: false)) : (Kind.Text, element.Value),
            _ when element.HasElements => (Kind.Xhtml, Inner(element, unwrapDiv: !atom03)),
            _ => (Kind.Text, element.Value),
        };
    }

    /// <summary>text/*, HTML and XML types are carried as characters; any other media type is base64 (RFC 4287 §4.1.3.3).</summary>
    private static bool IsTextual(string type) =>
        type is "text" or "html" or "xhtml"
        || type.StartsWith("text/", StringComparison.Ordinal)
        || type.EndsWith("+xml", StringComparison.Ordinal)
        || type.EndsWith("/xml", StringComparison.Ordinal);

    private static string? Base64(string value)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value.Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Markup inside an element, with namespace declarations dropped. Atom 1.0 wraps XHTML in a div
    /// that is not part of the content; Atom 0.3 does not, and its div is kept.
    /// </summary>
    public static string Inner(XElement element, bool unwrapDiv)
    {
        var children = element.Nodes().Where(n => n is not XText text || !string.IsNullOrWhiteSpace(text.Value)).ToList();
        var container = unwrapDiv && children is [XElement { Name.LocalName: "div" } div] ? div : element;
        var copy = new XElement(container);
        foreach (var e in copy.DescendantsAndSelf())
        {
            e.Name = e.Name.LocalName;
            e.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
        }

        return string.Concat(copy.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting))).Trim();
    }

    private enum Kind
    {
        Text,
        Html,
        Xhtml,
    }
}
