using System.Net;
using System.Net.Sockets;

namespace FeedHub.IntegrationTests.Infrastructure;

public static class Loopback
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago, for a process that must be told its address up front.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
