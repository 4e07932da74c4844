using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing;

/// <summary>
/// Rendered feed documents, one per channel and format, rebuilt only when the channel's entries
/// change: a request reads the entries (a small indexed query) and reuses the bytes, ETag and
/// Last-Modified it already has for the same entries.
/// </summary>
internal sealed class FeedDocumentCache(ChannelReader reader, IOptions<FeedHubOptions> hub)
{
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

        var bytes = format == PublishedFormat.Json
            ? JsonFeedWriter.Write(published, hub.Value.PublicBaseUrl)
            : SyndicationWriter.Write(published, format, hub.Value.PublicBaseUrl);
        var document = new FeedDocument(bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"", published.Updated, published.FreshFor, fingerprint);
        _documents[(channel.Id, format, archivePage)] = document;
        return document;
    }

    /// <summary>What identifies a channel's content: all of every entry, as JSON, hashed.</summary>
    private static string Fingerprint(PublishedChannel channel) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { channel.Entries, channel.Archive })));
}

/// <summary>A rendered feed and its validators.</summary>
internal sealed record FeedDocument(byte[] Bytes, string ETag, DateTimeOffset LastModified, TimeSpan MaxAge, string Fingerprint);
