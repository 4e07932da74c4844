using System.Text;
using System.Text.RegularExpressions;

namespace FeedHub.Parsing;

/// <summary>
/// Turns a feed's bytes into text the way browsers and feedparser do: a byte order mark wins,
/// then the charset of the HTTP Content-Type, then the XML declaration, then UTF-8.
/// </summary>
public static partial class FeedDecoder
{
    static FeedDecoder() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <param name="repairs">Where to note what was wrong with the bytes (an unknown encoding name, invalid sequences).</param>
    public static string Decode(ReadOnlySpan<byte> body, string? contentType, ICollection<string>? repairs = null)
    {
        var httpCharset = CharsetOf(contentType);
        var declared = DeclaredEncoding(body);
        var encoding = FromByteOrderMark(body, out var bomLength)
            ?? Lookup(httpCharset, body)
            ?? SniffWideEncoding(body)
            ?? Lookup(declared, body);
        if (encoding is null)
        {
            encoding = Encoding.UTF8;
            if ((httpCharset ?? declared) is { } unknown && Named(unknown) is null)
            {
                repairs?.Add($"the encoding '{unknown}' is unknown, so the document was read as UTF-8");
            }
        }

        var content = body[bomLength..];
        var strict = (Encoding)encoding.Clone();
        strict.DecoderFallback = DecoderFallback.ExceptionFallback;
        try
        {
            return strict.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            repairs?.Add($"byte sequences invalid in {encoding.WebName} were replaced");
            return encoding.GetString(content);
        }
    }


    /// <summary>The charset parameter of a Content-Type header, if any.</summary>
    public static string? CharsetOf(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        var match = CharsetParameter().Match(contentType);
        return match.Success ? match.Groups[1].Value : null;
    }

    // UTF-32 LE starts like UTF-16 LE, so the longer marks are tried first.
    private static readonly (byte[] Mark, Encoding Encoding)[] ByteOrderMarks =
    [
        ([0x00, 0x00, 0xFE, 0xFF], new UTF32Encoding(bigEndian: true, byteOrderMark: false)),
        ([0xFF, 0xFE, 0x00, 0x00], new UTF32Encoding(bigEndian: false, byteOrderMark: false)),
        ([0xEF, 0xBB, 0xBF], new UTF8Encoding(false)),
        ([0xFE, 0xFF], new UnicodeEncoding(bigEndian: true, byteOrderMark: false)),
        ([0xFF, 0xFE], new UnicodeEncoding(bigEndian: false, byteOrderMark: false)),
    ];

    private static Encoding? FromByteOrderMark(ReadOnlySpan<byte> body, out int length)
    {
        foreach (var (mark, encoding) in ByteOrderMarks)
        {
            if (body.StartsWith(mark))
            {
                length = mark.Length;
                return encoding;
            }
        }

        length = 0;
        return null;
    }

    /// <summary>The encoding named in an XML declaration, read as ASCII from the first bytes.</summary>
    private static string? DeclaredEncoding(ReadOnlySpan<byte> body)
    {
        var head = Encoding.ASCII.GetString(body[..Math.Min(body.Length, 256)]);
        var match = XmlDeclarationEncoding().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>UTF-16 and UTF-32 without a byte order mark, told apart by where the zero bytes of "&lt;" fall.</summary>
    private static Encoding? SniffWideEncoding(ReadOnlySpan<byte> body) => body switch
    {
        [0x00, 0x00, 0x00, (byte)'<', ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
        [(byte)'<', 0x00, 0x00, 0x00, ..] => new UTF32Encoding(bigEndian: false, byteOrderMark: false),
        [0x00, (byte)'<', ..] => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
        [(byte)'<', 0x00, ..] => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
        _ => null,
    };

    /// <summary>The encoding a label names, checked against the bytes: a UTF-16 or UTF-32 label says
    /// nothing of byte order, and on bytes that read as ASCII it is a mislabel, so the bytes decide.</summary>
    private static Encoding? Lookup(string? name, ReadOnlySpan<byte> body) => Named(name) switch
    {
        UnicodeEncoding or UTF32Encoding => SniffWideEncoding(body),
        var encoding => encoding,
    };

    /// <summary>The encoding a label names, or null when .NET knows no such encoding.</summary>
    private static Encoding? Named(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        // Publishers who declare Latin-1 write Windows-1252 (curly quotes, dashes, the euro);
        // every browser reads it that way, and so does feedparser.
        var trimmed = name.Trim().Trim('"', '\'');
        if (trimmed.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase)
            || trimmed.Equals("latin1", StringComparison.OrdinalIgnoreCase)
            || trimmed.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = "windows-1252";
        }

        try
        {
            return Encoding.GetEncoding(trimmed);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    [GeneratedRegex("""charset\s*=\s*["']?([A-Za-z0-9._:\-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex CharsetParameter();

    [GeneratedRegex("""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex XmlDeclarationEncoding();
}
