namespace FeedHub.Parsing;

/// <summary>
/// How deep a document's elements nest, read from its tags before any XML parser builds a tree:
/// tree building and copying grow with the square of the depth, and recursion over a deep enough
/// tree overflows the stack, which no catch survives.
/// </summary>
internal static class XmlDepth
{
    /// <summary>No feed nests anywhere near this deep; a document that does is refused.</summary>
    public const int Max = 512;

    public static bool Exceeds(string text, int max = Max)
    {
        var depth = 0;
        for (var i = text.IndexOf('<', StringComparison.Ordinal); i >= 0 && i < text.Length - 1; i = text.IndexOf('<', i + 1))
        {
            var next = text[i + 1];
            if (next == '!' || next == '?')
            {
                // Comments, CDATA, declarations and processing instructions hold no elements.
                var end = text.AsSpan(i).StartsWith("<!--") ? text.IndexOf("-->", i, StringComparison.Ordinal)
                    : text.AsSpan(i).StartsWith("<![CDATA[") ? text.IndexOf("]]>", i, StringComparison.Ordinal)
                    : text.IndexOf('>', i);
                if (end < 0)
                {
                    return false;
                }

                i = end;
            }
            else if (next == '/')
            {
                depth = Math.Max(0, depth - 1);
            }
            else
            {
                var close = text.IndexOf('>', i);
                if (close < 0)
                {
                    return false;
                }

                if (text[close - 1] != '/' && ++depth > max)
                {
                    return true;
                }

                i = close - 1;
            }
        }

        return false;
    }
}
