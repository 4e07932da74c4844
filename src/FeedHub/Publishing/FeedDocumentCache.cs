using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using FeedHub.WebSub;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing;

/// <summary>
/// Rendered feed documents, one per channel, format and archive page, rebuilt only when their entries
/// change: a request reads the entries and reuses the bytes, ETag and Last-Modified already made for
/// the same entries. (Reading a channel's history on every request is the cost left to optimise.)
/// </summary>
internal sealed class FeedDocumentCache(ChannelReader reader, TimeProvider time, IOptions<FeedHubOptions> hub, IOptions<WebSubOptions> websub)
{
    /// <summary>Documents kept at once; a crawler walking every archive page must not grow memory without end.</summary>
    private const int MaxDocuments = 512;

    private readonly ConcurrentDictionary<(string Channel, PublishedFormat Format, int? Page), FeedDocument> _documents = new();

    /// <param name="archivePage">An RFC 5005 archive page, or null for the subscription document.</param>
    /// <returns>The document, or null when the channel has no such archive page.</returns>
    public async Task<FeedDocument?> GetAsync(ChannelOptions channel, PublishedFormat format, int? archivePage, CancellationToken cancellationToken)
    {
        var published = await reader.ReadAsync(channel, archivePage, cancellationToken);
        if (published is null)
        {
            return null;
        }

        var fingerprint = Fingerprint(published);
        if (_documents.TryGetValue((channel.Id, format, archivePage), out var cached) && cached.Fingerprint == fingerprint)
        {
            return cached;
        }

        // The subscription document advertises its WebSub hubs; archive pages never change, so have none.
        var hubs = archivePage is null ? websub.Value.Hubs(hub.Value.PublicBaseUrl) : [];
        var bytes = format == PublishedFormat.Json
            ? JsonFeedWriter.Write(published, hub.Value.PublicBaseUrl, hubs)
            : SyndicationWriter.Write(published, format, hub.Value.PublicBaseUrl, hubs);

        // Last-Modified is when this content was first served, never earlier than the one before:
        // an entry that arrives with an old date still changes the document, and If-Modified-Since must see it.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var lastModified = cached is not null && cached.LastModified >= now ? cached.LastModified.AddSeconds(1) : now;
        var document = new FeedDocument(bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"", lastModified, published.FreshFor, fingerprint);
        if (_documents.Count >= MaxDocuments)
        {
            _documents.Clear();
        }

        _documents[(channel.Id, format, archivePage)] = document;
        return document;
    }

    /// <summary>What identifies a channel's content: all of every entry, as JSON, hashed.</summary>
    private static string Fingerprint(PublishedChannel channel) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { channel.Entries, channel.Archive, channel.FreshFor })));
}

/// <summary>
/// A rendered feed and its validators. Compressed forms are made once, on first demand, each with its
/// own strong ETag: a strong validator names one representation, bytes and content coding (RFC 9110).
/// </summary>
internal sealed record FeedDocument(byte[] Bytes, string ETag, DateTimeOffset LastModified, TimeSpan MaxAge, string Fingerprint)
{
    private readonly Lazy<byte[]> _gzip = new(() => Compress(Bytes, s => new GZipStream(s, CompressionLevel.Optimal)));
    private readonly Lazy<byte[]> _brotli = new(() => Compress(Bytes, s => new BrotliStream(s, CompressionLevel.Optimal)));

    /// <summary>The bytes and ETag for a content coding: "br", "gzip", or null for none.</summary>
    public (byte[] Bytes, string ETag) Encoded(string? coding) => coding switch
    {
        "br" => (_brotli.Value, ETag[..^1] + "-br\""),
        "gzip" => (_gzip.Value, ETag[..^1] + "-gzip\""),
        _ => (Bytes, ETag),
    };

    private static byte[] Compress(byte[] bytes, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            stream.Write(bytes);
        }

        return output.ToArray();
    }
}
