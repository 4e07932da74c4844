using System.Net;
using System.Net.Sockets;

namespace FeedHub.Network;

/// <summary>
/// Connects upstream sockets only to public addresses, checked after DNS resolution and on every
/// connection, so neither a redirect nor a DNS answer that changes between look-ups can lead a
/// poll into loopback, private, link-local or cloud metadata addresses.
/// </summary>
internal static class NetworkGuard
{
    /// <summary>The handler every poll goes through: FeedHub follows redirects itself, sends no cookies, and connects only where <paramref name="mayConnect"/> allows.</summary>
    public static SocketsHttpHandler Handler(TimeSpan connectTimeout, Func<IPAddress, bool> mayConnect) => new()
    {
        AutomaticDecompression = DecompressionMethods.All,
        // The fetcher follows redirects itself, to see which are permanent.
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = ConnectCallback(mayConnect),
    };

    /// <summary>Where a client may connect: public addresses, or anywhere when the operator allows private networks.</summary>
    public static Func<IPAddress, bool> Policy(bool allowPrivateNetworks) => allowPrivateNetworks ? _ => true : IsPublic;

    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(Func<IPAddress, bool> mayConnect) =>
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
                    $"Refused to connect to {host}: it resolves to a private, loopback or link-local address "
                    + "(set FeedHub:Polling:AllowPrivateNetworks to allow).");
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

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0                                  // "this" network
                || b[0] == 10                                   // private
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128)    // carrier-grade NAT
                || b[0] == 127                                  // loopback
                || (b[0] == 169 && b[1] == 254)                 // link-local, cloud metadata
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)     // private
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)      // IETF protocol assignments
                || (b[0] == 192 && b[1] == 168)                 // private
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))  // benchmarking
                || b[0] >= 224);                                // multicast, reserved, broadcast
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
        {
            return false;
        }

        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4 address, which decides.
        var bytes = address.GetAddressBytes();
        if (bytes is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
        {
            return IsPublic(new IPAddress(bytes[12..]));
        }

        if (bytes is [0x20, 0x02, ..])
        {
            return IsPublic(new IPAddress(bytes[2..6]));
        }

        // Teredo (2001::/32) hides its client's address; a feed is never served from one.
        return bytes is not [0x20, 0x01, 0x00, 0x00, ..];
    }
}
