using System.Xml.Linq;

namespace FeedHub.Parsing;

internal static class FeedNamespaces
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    public static readonly XNamespace Atom03 = "http://purl.org/atom/ns#";
    public static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    public static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    public static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
}
