using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using FeedHub.Articles;
using FeedHub.Publishing.Hub;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing;

/// <summary>
/// Rendered feed documents, one per channel, format and archive page. A request is served from the
/// cached bytes while nothing this process wrote since could change them (<see cref="ContentVersion"/>,
/// the articles' snapshot) and the copy was checked within <see cref="Revalidate"/>; otherwise the
/// entries are read again, and the document is re-rendered only if they differ, so the ETag and
/// Last-Modified of unchanged content stay as they were.
/// </summary>
internal sealed class FeedDocumentCache(
    ChannelReader reader, ArticleLibrary articles, ContentVersion changes, TimeProvider time, IOptions<FeedHubOptions> hub, IOptions<HubOptions> websub)
{
    /// <summary>Documents kept at once; a crawler walking every archive page must not grow memory without end.</summary>
    private const int MaxDocuments = 512;

    /// <summary>
    /// How long a copy is trusted without reading the store: what another process (the command line)
    /// wrote shows within this, as does anything no in-process signal covers.
    /// </summary>
    private static readonly TimeSpan Revalidate = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string Channel, PublishedFormat Format, int? Page), Cached> _documents = new();
    private readonly ConcurrentDictionary<(string Channel, PublishedFormat Format, int? Page), SemaphoreSlim> _builds = new();

    // A channel read serves every format of it: the WebSub hub checks each format after every poll.
    private readonly ConcurrentDictionary<(string Channel, int? Page), Read> _reads = new();

    /// <param name="archivePage">An RFC 5005 archive page, or null for the subscription document.</param>
    /// <returns>The document, or null when the channel has no such archive page.</returns>
    public ValueTask<FeedDocument?> GetAsync(ChannelOptions channel, PublishedFormat format, int? archivePage, CancellationToken cancellationToken)
    {
        // A hit, which is most requests, completes at once and allocates nothing.
        var key = (channel.Id, format, archivePage);
        return Current(key) is { } hit ? ValueTask.FromResult<FeedDocument?>(hit) : new(BuildOnceAsync(key, channel, format, archivePage, cancellationToken));
    }

    private async Task<FeedDocument?> BuildOnceAsync(
        (string, PublishedFormat, int?) key, ChannelOptions channel, PublishedFormat format, int? archivePage, CancellationToken cancellationToken)
    {
        // One request reads and renders; the others that arrive meanwhile wait for its result.
        if (_builds.Count >= MaxDocuments)
        {
            _builds.Clear();
        }

        var build = _builds.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await build.WaitAsync(cancellationToken);
        try
        {
            return Current(key) ?? await BuildAsync(key, channel, format, archivePage, cancellationToken);
        }
        finally
        {
            build.Release();
        }
    }

    private FeedDocument? Current((string, PublishedFormat, int?) key) =>
        _documents.TryGetValue(key, out var cached)
            && cached.Version == changes.Version
            && ReferenceEquals(cached.Articles, articles.Current)
            && time.GetElapsedTime(cached.CheckedAt) < Revalidate
                ? cached.Document
                : null;

    private async Task<FeedDocument?> BuildAsync(
        (string, PublishedFormat, int?) key, ChannelOptions channel, PublishedFormat format, int? archivePage, CancellationToken cancellationToken)
    {
        var read = CurrentRead((channel.Id, archivePage)) ?? await ReadAsync(channel, archivePage, cancellationToken);
        if (read.Channel is not { } published)
        {
            return null;
        }

        var (version, snapshot, checkedAt, fingerprint) = (read.Version, read.Articles, read.CheckedAt, read.Fingerprint!);
        _documents.TryGetValue(key, out var previous);
        var document = previous?.Document is { } same && same.Fingerprint == fingerprint ? same : Render(published, format, archivePage, previous?.Document, fingerprint);
        if (_documents.Count >= MaxDocuments)
        {
            _documents.Clear();
        }

        _documents[key] = new Cached(document, version, snapshot, checkedAt);
        return document;
    }

    private Read? CurrentRead((string, int?) key) =>
        _reads.TryGetValue(key, out var read)
            && read.Version == changes.Version
            && ReferenceEquals(read.Articles, articles.Current)
            && time.GetElapsedTime(read.CheckedAt) < Revalidate
                ? read
                : null;

    private async Task<Read> ReadAsync(ChannelOptions channel, int? archivePage, CancellationToken cancellationToken)
    {
        // Taken before reading, so that a change during the read makes the next request read again.
        var version = changes.Version;
        var snapshot = articles.Current;
        var checkedAt = time.GetTimestamp();

        var published = await reader.ReadAsync(channel, archivePage, cancellationToken);
        var read = new Read(published, published is null ? null : Fingerprint(published), version, snapshot, checkedAt);
        if (_reads.Count >= MaxDocuments)
        {
            _reads.Clear();
        }

        _reads[(channel.Id, archivePage)] = read;
        return read;
    }

    private FeedDocument Render(PublishedChannel published, PublishedFormat format, int? archivePage, FeedDocument? previous, string fingerprint)
    {
        // The subscription document advertises its WebSub hubs; archive pages never change, so have none.
        var hubs = archivePage is null ? websub.Value.Hubs(hub.Value.PublicBaseUrl) : [];
        var bytes = format == PublishedFormat.Json
            ? JsonFeedWriter.Write(published, hub.Value.PublicBaseUrl, hubs)
            : SyndicationWriter.Write(published, format, hub.Value.PublicBaseUrl, hubs);

        // Last-Modified is when this content was first served, never earlier than the one before:
        // an entry that arrives with an old date still changes the document, and If-Modified-Since must see it.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var lastModified = previous is not null && previous.LastModified >= now ? previous.LastModified.AddSeconds(1) : now;
        return new FeedDocument(bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"", lastModified, published.FreshFor, fingerprint);
    }

    /// <summary>What identifies a channel's content: all of every entry, as JSON, hashed.</summary>
    private static string Fingerprint(PublishedChannel channel) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new FingerprintContent(channel.Entries, channel.Archive, channel.FreshFor), FingerprintJson.Default.FingerprintContent)));

    /// <param name="Version">The <see cref="ContentVersion"/> version the entries were read at.</param>
    /// <param name="Articles">The articles' snapshot they were read with.</param>
    /// <param name="CheckedAt">When they were read, as a <see cref="TimeProvider"/> timestamp.</param>
    private sealed record Cached(FeedDocument Document, long Version, ArticleSet Articles, long CheckedAt);

    /// <summary>A channel's entries as read at a version, with their fingerprint; null when the archive page does not exist.</summary>
    private sealed record Read(PublishedChannel? Channel, string? Fingerprint, long Version, ArticleSet Articles, long CheckedAt);
}

/// <summary>
/// A rendered feed and its validators. Compressed forms are made once, on first demand, each with its
/// own strong ETag: a strong validator names one representation, bytes and content coding (RFC 9110).
/// </summary>
internal sealed record FeedDocument(byte[] Bytes, string ETag, DateTimeOffset LastModified, TimeSpan MaxAge, string Fingerprint)
{
    private readonly Lazy<byte[]> _gzip = new(() => Compress(Bytes, s => new GZipStream(s, CompressionLevel.Optimal)));
    private readonly Lazy<byte[]> _brotli = new(() => Compress(Bytes, s => new BrotliStream(s, CompressionLevel.Optimal)));

    /// <summary>Last-Modified as the header carries it.</summary>
    public string LastModifiedText { get; } = Microsoft.Net.Http.Headers.HeaderUtilities.FormatDate(LastModified);

    /// <summary>Cache-Control of a subscription document: public, for <see cref="MaxAge"/>.</summary>
    public string CacheControlText { get; } = new Microsoft.Net.Http.Headers.CacheControlHeaderValue { Public = true, MaxAge = MaxAge }.ToString();

    private readonly string _brotliETag = ETag[..^1] + "-br\"";
    private readonly string _gzipETag = ETag[..^1] + "-gzip\"";

    /// <summary>The bytes and ETag for a content coding: "br", "gzip", or null for none.</summary>
    public (byte[] Bytes, string ETag) Encoded(string? coding) => coding switch
    {
        "br" => (_brotli.Value, _brotliETag),
        "gzip" => (_gzip.Value, _gzipETag),
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
