using System.Net;
using System.Net.Sockets;

namespace FeedHub.Network;

/// <summary>
/// Connects upstream sockets only to public addresses, checked after DNS resolution and on every
/// connection, so neither a redirect nor a DNS answer that changes between look-ups can lead a
/// poll or a callback into loopback, private, link-local, cloud metadata or other special-purpose addresses.
/// </summary>
internal static class NetworkGuard
{
    /// <summary>
    /// The handler every guarded client goes through: FeedHub follows redirects itself, sends no cookies, and
    /// connects only where <paramref name="mayConnect"/> allows; a refusal names <paramref name="allowSwitch"/>,
    /// the setting that would allow it (e.g. <c>FeedHub:Polling:AllowPrivateNetworks</c>).
    /// </summary>
    public static SocketsHttpHandler Handler(TimeSpan connectTimeout, Func<IPAddress, bool> mayConnect, string allowSwitch) => new()
    {
        AutomaticDecompression = DecompressionMethods.All,
        // The fetcher follows redirects itself, to see which are permanent.
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = ConnectCallback(mayConnect, allowSwitch),
    };

    /// <summary>Where a client may connect: public addresses, or anywhere when the operator allows private networks.</summary>
    public static Func<IPAddress, bool> Policy(bool allowPrivateNetworks) => allowPrivateNetworks ? _ => true : IsPublic;

    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(Func<IPAddress, bool> mayConnect, string allowSwitch) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken);

            var allowed = addresses.Where(mayConnect).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException(
                    $"Refused to connect to {host}: it resolves to a private, loopback, link-local or other special-purpose address "
                    + $"(set {allowSwitch} to allow).");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    /// <summary>
    /// Whether <paramref name="address"/> is on the public internet: the most specific row of
    /// <see cref="SpecialPurpose"/> holding it decides, and an address in no row is public.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return MostSpecificRow(bytes) switch
        {
            null => true,
            { Reach: Reach.Yes } => true,
            { Reach: Reach.ByEmbeddedIPv4 } row => IsPublic(new IPAddress(bytes.AsSpan(row.PrefixLength / 8, 4))),
            _ => false,
        };
    }

    /// <summary>The name of the most specific <see cref="SpecialPurpose"/> row holding <paramref name="address"/>, if any.</summary>
    internal static string? SpecialPurposeName(IPAddress address) => MostSpecificRow(address.GetAddressBytes())?.Name;

    /// <summary>
    /// A plain prefix match on the address's own bytes: an IPv4-mapped address is an IPv6 address here,
    /// whatever <see cref="IPNetwork.Contains"/> does with one in this runtime.
    /// </summary>
    private static SpecialRange? MostSpecificRow(byte[] address)
    {
        SpecialRange? best = null;
        foreach (var row in SpecialPurpose)
        {
            if (row.Holds(address) && (best is null || row.PrefixLength > best.PrefixLength))
            {
                best = row;
            }
        }

        return best;
    }

    private sealed record SpecialRange(byte[] Network, int PrefixLength, string Name, Reach Reach)
    {
        public bool Holds(byte[] address)
        {
            if (address.Length != Network.Length)
            {
                return false;
            }

            var whole = PrefixLength / 8;
            var bits = PrefixLength % 8;
            return address.AsSpan(0, whole).SequenceEqual(Network.AsSpan(0, whole))
                && (bits == 0 || ((address[whole] ^ Network[whole]) & (0xFF << (8 - bits)) & 0xFF) == 0);
        }
    }

    /// <summary>What a row's "Globally Reachable" column says.</summary>
    private enum Reach
    {
        /// <summary>False, N/A or left empty (a terminated row): never public.</summary>
        No,

        /// <summary>True: public, even inside a larger row that is not.</summary>
        Yes,

        /// <summary>The IPv4 address that follows the prefix decides (IPv4-mapped, NAT64, 6to4).</summary>
        ByEmbeddedIPv4,
    }

    /// <summary>
    /// The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890, updated by RFC 8190; as of the
    /// IPv6 registry of 2025-10-09), one entry per address block with the registry's name for it, plus
    /// the few blocks the registries leave out (under "Not in the registry"). The comment after each row is its RFC.
    /// </summary>
    private static readonly SpecialRange[] SpecialPurpose =
    [
        // IANA IPv4 Special-Purpose Address Registry.
        Row("0.0.0.0/8", "\"This network\"", Reach.No),                                  // RFC 791 §3.2
        Row("0.0.0.0/32", "\"This host on this network\"", Reach.No),                    // RFC 1122 §3.2.1.3
        Row("10.0.0.0/8", "Private-Use", Reach.No),                                       // RFC 1918
        Row("100.64.0.0/10", "Shared Address Space", Reach.No),                           // RFC 6598
        Row("127.0.0.0/8", "Loopback", Reach.No),                                         // RFC 1122 §3.2.1.3
        Row("169.254.0.0/16", "Link Local", Reach.No),                                    // RFC 3927 (cloud metadata lives here)
        Row("172.16.0.0/12", "Private-Use", Reach.No),                                    // RFC 1918
        Row("192.0.0.0/24", "IETF Protocol Assignments", Reach.No),                       // RFC 6890 §2.1
        Row("192.0.0.0/29", "IPv4 Service Continuity Prefix", Reach.No),                  // RFC 7335
        Row("192.0.0.8/32", "IPv4 dummy address", Reach.No),                              // RFC 7600
        Row("192.0.0.9/32", "Port Control Protocol Anycast", Reach.Yes),                  // RFC 7723
        Row("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", Reach.Yes),     // RFC 8155
        Row("192.0.0.170/32", "NAT64/DNS64 Discovery", Reach.No),                         // RFC 8880, RFC 7050 §2.2
        Row("192.0.0.171/32", "NAT64/DNS64 Discovery", Reach.No),                         // RFC 8880, RFC 7050 §2.2
        Row("192.0.2.0/24", "Documentation (TEST-NET-1)", Reach.No),                      // RFC 5737
        Row("192.31.196.0/24", "AS112-v4", Reach.Yes),                                    // RFC 7535
        Row("192.52.193.0/24", "AMT", Reach.Yes),                                         // RFC 7450
        Row("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", Reach.No),               // RFC 7526 (terminated, columns empty)
        Row("192.88.99.2/32", "6a44-relay anycast address", Reach.No),                    // RFC 6751
        Row("192.168.0.0/16", "Private-Use", Reach.No),                                   // RFC 1918
        Row("192.175.48.0/24", "Direct Delegation AS112 Service", Reach.Yes),             // RFC 7534
        Row("198.18.0.0/15", "Benchmarking", Reach.No),                                   // RFC 2544
        Row("198.51.100.0/24", "Documentation (TEST-NET-2)", Reach.No),                   // RFC 5737
        Row("203.0.113.0/24", "Documentation (TEST-NET-3)", Reach.No),                    // RFC 5737
        Row("240.0.0.0/4", "Reserved", Reach.No),                                         // RFC 1112 §4
        Row("255.255.255.255/32", "Limited Broadcast", Reach.No),                         // RFC 8190, RFC 919 §7

        // Not in the registry: IPv4 multicast.
        Row("224.0.0.0/4", "Multicast", Reach.No),                                        // RFC 5771

        // IANA IPv6 Special-Purpose Address Registry.
        Row("::1/128", "Loopback Address", Reach.No),                                     // RFC 4291
        Row("::/128", "Unspecified Address", Reach.No),                                   // RFC 4291
        // The registry says False, but a dual-stack socket writes every IPv4 address this way: the IPv4 address decides.
        Row("::ffff:0:0/96", "IPv4-mapped Address", Reach.ByEmbeddedIPv4),                // RFC 4291 §2.5.5.2
        // The registry says True; a translator forwards to the IPv4 address, which decides too.
        Row("64:ff9b::/96", "IPv4-IPv6 Translat.", Reach.ByEmbeddedIPv4),                 // RFC 6052
        Row("64:ff9b:1::/48", "IPv4-IPv6 Translat.", Reach.No),                           // RFC 8215
        Row("100::/64", "Discard-Only Address Block", Reach.No),                          // RFC 6666
        Row("100:0:0:1::/64", "Dummy IPv6 Prefix", Reach.No),                             // RFC 9780
        Row("2001::/23", "IETF Protocol Assignments", Reach.No),                          // RFC 2928
        Row("2001::/32", "TEREDO", Reach.No),                                             // RFC 4380, RFC 8190 (N/A)
        Row("2001:1::1/128", "Port Control Protocol Anycast", Reach.Yes),                 // RFC 7723
        Row("2001:1::2/128", "Traversal Using Relays around NAT Anycast", Reach.Yes),     // RFC 8155
        Row("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", Reach.Yes),  // RFC 9665
        Row("2001:2::/48", "Benchmarking", Reach.No),                                     // RFC 5180, RFC Errata 1752
        Row("2001:3::/32", "AMT", Reach.Yes),                                             // RFC 7450
        Row("2001:4:112::/48", "AS112-v6", Reach.Yes),                                    // RFC 7535
        Row("2001:10::/28", "Deprecated (previously ORCHID)", Reach.No),                  // RFC 4843 (terminated, columns empty)
        Row("2001:20::/28", "ORCHIDv2", Reach.Yes),                                       // RFC 7343
        Row("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", Reach.Yes), // RFC 9374
        Row("2001:db8::/32", "Documentation", Reach.No),                                  // RFC 3849
        // N/A "see RFC 3056": a 6to4 address reaches the IPv4 address after 2002::/16, which decides.
        Row("2002::/16", "6to4", Reach.ByEmbeddedIPv4),                                   // RFC 3056
        Row("2620:4f:8000::/48", "Direct Delegation AS112 Service", Reach.Yes),           // RFC 7534
        Row("3fff::/20", "Documentation", Reach.No),                                      // RFC 9637
        Row("5f00::/16", "Segment Routing (SRv6) SIDs", Reach.No),                        // RFC 9602
        Row("fc00::/7", "Unique-Local", Reach.No),                                        // RFC 4193, RFC 8190
        Row("fe80::/10", "Link-Local Unicast", Reach.No),                                 // RFC 4291

        // Not in the registry: deprecated or obsolete IPv6 forms, and multicast.
        Row("::/96", "IPv4-compatible Address (deprecated)", Reach.No),                   // RFC 4291 §2.5.5.1
        Row("::ffff:0:0:0/96", "IPv4-translated Address (obsolete)", Reach.No),           // RFC 2765 §2.1, obsoleted by RFC 6145
        Row("fec0::/10", "Site-Local (deprecated)", Reach.No),                            // RFC 3879
        Row("ff00::/8", "Multicast", Reach.No),                                           // RFC 4291 §2.7
    ];

    private static SpecialRange Row(string network, string name, Reach reach)
    {
        var parsed = IPNetwork.Parse(network);
        return new(parsed.BaseAddress.GetAddressBytes(), parsed.PrefixLength, name, reach);
    }
}
