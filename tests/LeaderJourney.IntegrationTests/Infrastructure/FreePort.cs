using System.Net;
using System.Net.Sockets;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>A loopback port nothing listens on now, for a test's own server (or for one that is not there yet).</summary>
public static class FreePort
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
