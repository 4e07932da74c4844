using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace FeedHub.Bench;

/// <summary>
/// A WebSub subscriber written from the specification, not with FeedHub's code: a Kestrel endpoint in
/// the harness that confirms intent by echoing <c>hub.challenge</c>, takes content POSTs, and checks
/// their <c>X-Hub-Signature</c> (sha256 HMAC of the body with the secret it gave). Each signed delivery
/// is passed on with the <see cref="Stopwatch"/> timestamp at which its body had been read whole.
/// </summary>
internal sealed class PushSubscriber : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _secret;
    private readonly Channel<(long At, string Body)> _deliveries = Channel.CreateUnbounded<(long, string)>();
    private readonly TaskCompletionSource _verified = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _badSignatures;

    private PushSubscriber(WebApplication app, string url, string secret)
    {
        _app = app;
        Callback = url + "/push";
        Secret = secret;
        _secret = Encoding.UTF8.GetBytes(secret);
    }

    public string Callback { get; }

    public string Secret { get; }

    /// <summary>Deliveries refused because their signature was missing or wrong: a measured run needs none.</summary>
    public int BadSignatures => Volatile.Read(ref _badSignatures);

    public static async Task<PushSubscriber> StartAsync()
    {
        var url = $"http://127.0.0.1:{Launched.FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        var subscriber = new PushSubscriber(app, url, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
        app.MapGet("/push", (Delegate)subscriber.Verify);
        app.MapPost("/push", (Delegate)subscriber.ReceiveAsync);
        await app.StartAsync();
        return subscriber;
    }

    /// <summary>Completes once the hub verified the subscription (a GET with <c>hub.mode=subscribe</c> answered with its challenge).</summary>
    public Task Verified => _verified.Task;

    private IResult Verify(HttpContext context)
    {
        var query = context.Request.Query;
        if (query["hub.mode"] != "subscribe" || string.IsNullOrEmpty(query["hub.challenge"]))
        {
            return Results.NotFound();
        }

        _verified.TrySetResult();
        return Results.Text(query["hub.challenge"].ToString(), "text/plain");
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var at = Stopwatch.GetTimestamp();
        var body = buffer.ToArray();
        var header = context.Request.Headers["X-Hub-Signature"].ToString();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_secret, body));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(header), Encoding.ASCII.GetBytes(expected)))
        {
            // Answered 2xx all the same, as §7 asks of a subscriber refusing a bad signature.
            Interlocked.Increment(ref _badSignatures);
            return Results.Accepted();
        }

        _deliveries.Writer.TryWrite((at, Encoding.UTF8.GetString(body)));
        return Results.Accepted();
    }

    /// <summary>Forgets deliveries already received (the document before the next change).</summary>
    public void Drain()
    {
        while (_deliveries.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>The timestamp of the first delivery whose body contains <paramref name="marker"/>.</summary>
    public async Task<long> WaitForAsync(string marker, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var (at, body) = await _deliveries.Reader.ReadAsync(deadline.Token);
                if (body.Contains(marker, StringComparison.Ordinal))
                {
                    return at;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No delivery containing '{marker}' within {timeout}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
