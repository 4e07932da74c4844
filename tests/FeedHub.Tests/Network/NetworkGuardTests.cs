using System.Net;
using FeedHub.Network;
using FeedHub.Polling;

namespace FeedHub.Tests.Network;

/// <summary>The guard's decision alone: nothing here connects anywhere.</summary>
public sealed class NetworkGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.20.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    // The finding: documentation ranges, the discard prefix, and IPv4 hidden in IPv6 forms.
    [InlineData("192.0.2.1")]
    [InlineData("198.51.100.1")]
    [InlineData("203.0.113.1")]
    [InlineData("2001:db8::1")]
    [InlineData("100::1")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:0:127.0.0.1")]
    [InlineData("64:ff9b:1::808:808")]
    [InlineData("64:ff9b:1::a00:1")]
    public void IsPublic_RefusesInternalAddresses(string address)
    {
        Assert.False(NetworkGuard.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]
    [InlineData("64:ff9b::808:808")]
    public void IsPublic_AllowsPublicAddresses(string address)
    {
        Assert.True(NetworkGuard.IsPublic(IPAddress.Parse(address)));
    }

    /// <summary>
    /// One address inside each row of the IANA IPv4 and IPv6 Special-Purpose Address Registries (and the
    /// few rows the guard adds), the row's name, and whether the guard lets a client connect there.
    /// </summary>
    [Theory]
    // IANA IPv4 Special-Purpose Address Registry.
    [InlineData("0.1.2.3", "\"This network\"", false)]
    [InlineData("0.0.0.0", "\"This host on this network\"", false)]
    [InlineData("10.255.0.1", "Private-Use", false)]
    [InlineData("100.127.255.254", "Shared Address Space", false)]
    [InlineData("127.1.2.3", "Loopback", false)]
    [InlineData("169.254.169.254", "Link Local", false)]
    [InlineData("172.31.255.254", "Private-Use", false)]
    [InlineData("192.0.0.100", "IETF Protocol Assignments", false)]
    [InlineData("192.0.0.1", "IPv4 Service Continuity Prefix", false)]
    [InlineData("192.0.0.8", "IPv4 dummy address", false)]
    [InlineData("192.0.0.9", "Port Control Protocol Anycast", true)]
    [InlineData("192.0.0.10", "Traversal Using Relays around NAT Anycast", true)]
    [InlineData("192.0.0.170", "NAT64/DNS64 Discovery", false)]
    [InlineData("192.0.0.171", "NAT64/DNS64 Discovery", false)]
    [InlineData("192.0.2.55", "Documentation (TEST-NET-1)", false)]
    [InlineData("192.31.196.1", "AS112-v4", true)]
    [InlineData("192.52.193.1", "AMT", true)]
    [InlineData("192.88.99.1", "Deprecated (6to4 Relay Anycast)", false)]
    [InlineData("192.88.99.2", "6a44-relay anycast address", false)]
    [InlineData("192.168.255.254", "Private-Use", false)]
    [InlineData("192.175.48.6", "Direct Delegation AS112 Service", true)]
    [InlineData("198.19.255.254", "Benchmarking", false)]
    [InlineData("198.51.100.55", "Documentation (TEST-NET-2)", false)]
    [InlineData("203.0.113.55", "Documentation (TEST-NET-3)", false)]
    [InlineData("240.0.0.1", "Reserved", false)]
    [InlineData("255.255.255.255", "Limited Broadcast", false)]
    [InlineData("239.255.255.250", "Multicast", false)]
    // IANA IPv6 Special-Purpose Address Registry.
    [InlineData("::1", "Loopback Address", false)]
    [InlineData("::", "Unspecified Address", false)]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped Address", false)]
    [InlineData("::ffff:93.184.216.34", "IPv4-mapped Address", true)]
    [InlineData("64:ff9b::7f00:1", "IPv4-IPv6 Translat.", false)]
    [InlineData("64:ff9b::5db8:d822", "IPv4-IPv6 Translat.", true)]
    [InlineData("64:ff9b:1:2::1", "IPv4-IPv6 Translat.", false)]
    [InlineData("100::ffff:1", "Discard-Only Address Block", false)]
    [InlineData("100:0:0:1::1", "Dummy IPv6 Prefix", false)]
    [InlineData("2001:100::1", "IETF Protocol Assignments", false)]
    [InlineData("2001:0:5ef5:79fb::1", "TEREDO", false)]
    [InlineData("2001:1::1", "Port Control Protocol Anycast", true)]
    [InlineData("2001:1::2", "Traversal Using Relays around NAT Anycast", true)]
    [InlineData("2001:1::3", "DNS-SD Service Registration Protocol Anycast", true)]
    [InlineData("2001:2::1", "Benchmarking", false)]
    [InlineData("2001:3::1", "AMT", true)]
    [InlineData("2001:4:112::1", "AS112-v6", true)]
    [InlineData("2001:10::1", "Deprecated (previously ORCHID)", false)]
    [InlineData("2001:20::1", "ORCHIDv2", true)]
    [InlineData("2001:30::1", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", true)]
    [InlineData("2001:db8:85a3::8a2e:370:7334", "Documentation", false)]
    [InlineData("2002:c0a8:101::1", "6to4", false)]
    [InlineData("2002:5db8:d822::1", "6to4", true)]
    [InlineData("2620:4f:8000::42", "Direct Delegation AS112 Service", true)]
    [InlineData("3fff:fff::1", "Documentation", false)]
    [InlineData("5f00::1", "Segment Routing (SRv6) SIDs", false)]
    [InlineData("fc00::1", "Unique-Local", false)]
    [InlineData("fe80::1", "Link-Local Unicast", false)]
    [InlineData("::8.8.8.8", "IPv4-compatible Address (deprecated)", false)]
    [InlineData("::ffff:0:8.8.8.8", "IPv4-translated Address (obsolete)", false)]
    [InlineData("fec0::1", "Site-Local (deprecated)", false)]
    [InlineData("ff02::1", "Multicast", false)]
    public void IsPublic_DecidesEachSpecialPurposeRowAsTheRegistrySays(string address, string row, bool isPublic)
    {
        var parsed = IPAddress.Parse(address);

        Assert.Equal(row, NetworkGuard.SpecialPurposeName(parsed));
        Assert.Equal(isPublic, NetworkGuard.IsPublic(parsed));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    public void IsPublic_AnAddressInNoRow_IsPublic(string address)
    {
        var parsed = IPAddress.Parse(address);

        Assert.Null(NetworkGuard.SpecialPurposeName(parsed));
        Assert.True(NetworkGuard.IsPublic(parsed));
    }

    [Fact]
    public void Policy_AllowingPrivateNetworks_AllowsAnyAddress()
    {
        Assert.True(NetworkGuard.Policy(allowPrivateNetworks: true)(IPAddress.Loopback));
        Assert.False(NetworkGuard.Policy(allowPrivateNetworks: false)(IPAddress.Loopback));
    }

    /// <summary>
    /// The refusal comes from the connect callback before any socket exists; the target is loopback, so even
    /// a broken guard could send nothing beyond this machine.
    /// </summary>
    [Theory]
    [InlineData("FeedHub:Polling:AllowPrivateNetworks")]
    [InlineData("FeedHub:WebSub:AllowPrivateCallbacks")]
    public async Task Handler_RefusalNamesTheClientsSwitch(string allowSwitch)
    {
        using var client = new HttpClient(NetworkGuard.Handler(TimeSpan.FromSeconds(5), _ => false, allowSwitch));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            () => client.GetAsync(new Uri("http://127.0.0.1:9/"), TestContext.Current.CancellationToken));

        Assert.StartsWith("Refused to connect to 127.0.0.1", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"(set {allowSwitch} to allow)", refused.Message, StringComparison.Ordinal);
    }
}
