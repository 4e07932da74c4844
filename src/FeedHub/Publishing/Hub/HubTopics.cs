using FeedHub.Publishing;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing.Hub;

/// <summary>
/// What can be subscribed to: the subscription document of each of FeedHub's own channels, in each
/// format, by its URL (the <c>rel="self"</c> link it advertises). Nothing else is a topic.
/// </summary>
internal sealed class HubTopics(IOptions<ChannelsOptions> channels, IOptions<FeedHubOptions> hub, IOptions<HubOptions> websub)
{
    // Sent with every feed response, 304s included; the options it is made of are fixed at start.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Channel, PublishedFormat Format), string?> _links = new();

    public IEnumerable<HubTopic> All =>
        channels.Value.Channels.SelectMany(c => Enum.GetValues<PublishedFormat>().Select(f =>
            new HubTopic(c, f, PublishedFormats.DocumentUrl(hub.Value.PublicBaseUrl, c.Id, f, archivePage: null).AbsoluteUri)));

    /// <summary>FeedHub's own hub, then the external ones.</summary>
    public IReadOnlyList<Uri> Hubs => websub.Value.Hubs(hub.Value.PublicBaseUrl);

    public HubTopic? Find(string url) => All.FirstOrDefault(t => t.Url == url);

    /// <summary>The <c>Link</c> header of a channel's subscription document, or null when no hub is advertised.</summary>
    public string? DiscoveryLinks(ChannelOptions channel, PublishedFormat format) =>
        _links.GetOrAdd((channel.Id, format), key =>
            Hubs.Count == 0 ? null : LinkHeader(PublishedFormats.DocumentUrl(hub.Value.PublicBaseUrl, key.Channel, key.Format, archivePage: null).AbsoluteUri));

    /// <summary>The <c>Link</c> header sent with a topic: every hub, then the topic itself.</summary>
    public string LinkHeader(string topic) => HubLinks.Header(Hubs, topic);
}

/// <param name="Url">The topic URL: the channel's subscription document in this format.</param>
internal sealed record HubTopic(ChannelOptions Channel, PublishedFormat Format, string Url)
{
    /// <summary>As the feed endpoint serves it.</summary>
    public string ContentType => Format.ContentType();
}

/// <summary>WebSub discovery links (§4) as one HTTP <c>Link</c> header, as the specification recommends.</summary>
public static class HubLinks
{
    public static string Header(IEnumerable<Uri> hubs, string self) =>
        string.Join(", ", hubs.Select(h => $"<{h.AbsoluteUri}>; rel=\"hub\"").Append($"<{self}>; rel=\"self\""));
}
