using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using FeedHub.Publishing.Hub;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing;

/// <summary>
/// Rendered feed documents, one slot per channel and archive page holding the channel's entries as
/// last read and each format rendered from them. One rule says a slot is current: the
/// <see cref="ContentVersion"/> has not moved since it was read (the stores move it when they commit,
/// the article library when it reads the articles again) and it was read within <see cref="Revalidate"/>
/// (what another process wrote). Otherwise the entries are read again, and a format is re-rendered only
/// if they differ, so the ETag and Last-Modified of unchanged content stay as they were.
/// </summary>
internal sealed class FeedDocumentCache(
    ChannelReader reader, ContentVersion content, TimeProvider time, IOptions<FeedHubOptions> hub, IOptions<HubOptions> websub)
{
    /// <summary>Slots kept at once; a crawler walking every archive page must not grow memory without end.</summary>
    private const int MaxSlots = 512;

    /// <summary>How long a read is trusted without asking the store: what another process (the command line, another node) wrote shows within this.</summary>
    private static readonly TimeSpan Revalidate = TimeSpan.FromSeconds(1);

    private static readonly int Formats = Enum.GetValues<PublishedFormat>().Length;

    private readonly ConcurrentDictionary<(string Channel, int? Page), Slot> _slots = new();

    /// <param name="archivePage">An RFC 5005 archive page, or null for the subscription document.</param>
    /// <returns>The document, or null when the channel has no such archive page.</returns>
    public ValueTask<FeedDocument?> GetAsync(ChannelOptions channel, PublishedFormat format, int? archivePage, CancellationToken cancellationToken)
    {
        // A hit, which is most requests, completes at once and allocates nothing.
        return _slots.TryGetValue((channel.Id, archivePage), out var slot) && Current(slot) is { } read && read.Documents[(int)format] is { } hit
            ? ValueTask.FromResult<FeedDocument?>(hit)
            : new(BuildAsync(channel, format, archivePage, cancellationToken));
    }

    private Read? Current(Slot slot) =>
        slot.Read is { } read && read.Version == content.Version && time.GetElapsedTime(read.CheckedAt) < Revalidate ? read : null;

    private async Task<FeedDocument?> BuildAsync(ChannelOptions channel, PublishedFormat format, int? archivePage, CancellationToken cancellationToken)
    {
        if (_slots.Count >= MaxSlots)
        {
            _slots.Clear();
        }

        // One request reads and renders; the others that arrive meanwhile wait for its result.
        var slot = _slots.GetOrAdd((channel.Id, archivePage), _ => new Slot());
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var read = Current(slot) ?? await ReadAsync(slot, channel, archivePage, cancellationToken);
            if (read.Channel is not { } published)
            {
                return null;
            }

            if (read.Documents[(int)format] is not { } document)
            {
                document = Render(published, format, archivePage, slot.LastRendered[(int)format], read.Fingerprint!);
                read.Documents[(int)format] = slot.LastRendered[(int)format] = document;
            }

            return document;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    private async Task<Read> ReadAsync(Slot slot, ChannelOptions channel, int? archivePage, CancellationToken cancellationToken)
    {
        // Taken before reading, so that a change during the read makes the next request read again.
        var version = content.Version;
        var checkedAt = time.GetTimestamp();

        var published = await reader.ReadAsync(channel, archivePage, cancellationToken);
        var fingerprint = published is null ? null : Fingerprint(published);

        // Unchanged entries keep the documents already rendered from them, with their validators.
        var documents = slot.Read is { } previous && previous.Fingerprint == fingerprint ? previous.Documents : new FeedDocument?[Formats];
        var read = new Read(published, fingerprint, version, checkedAt, documents);
        slot.Read = read;
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

    /// <summary>One channel page: its last read, the gate that lets one request at a time read and render it, and each format's last document (whose Last-Modified the next must pass).</summary>
    private sealed class Slot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public FeedDocument?[] LastRendered { get; } = new FeedDocument?[Formats];

        public volatile Read? Read;
    }

    /// <summary>A channel's entries as read at a version, their fingerprint, and each format rendered from them so far; no channel when the archive page does not exist.</summary>
    /// <param name="Version">The <see cref="ContentVersion"/> the entries were read at.</param>
    /// <param name="CheckedAt">When they were read, as a <see cref="TimeProvider"/> timestamp.</param>
    /// <param name="Documents">By <see cref="PublishedFormat"/>; filled as formats are asked for.</param>
    private sealed record Read(PublishedChannel? Channel, string? Fingerprint, long Version, long CheckedAt, FeedDocument?[] Documents);
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
