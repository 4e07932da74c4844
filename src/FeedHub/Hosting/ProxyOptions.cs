using System.Net;

namespace FeedHub.Hosting;

/// <summary>
/// The reverse proxies in front of FeedHub (<c>FeedHub:Proxy</c>). Only a request that comes from one
/// of them has its <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> believed: then rate limits
/// count each client on its own address, and a session cookie is marked <c>Secure</c> behind HTTPS.
/// From anyone else those headers are ignored, so a client cannot choose its own address.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "FeedHub:Proxy";

    /// <summary>Addresses (<c>10.0.0.5</c>) or networks (<c>172.16.0.0/12</c>) of the proxies; empty, and no forwarded header is believed.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>The proxies as networks, or null with the first entry that is neither an address nor a network.</summary>
    public IReadOnlyList<IPNetwork>? Networks(out string? bad)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in KnownProxies)
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                bad = entry;
                return null;
            }
        }

        bad = null;
        return networks;
    }
}
