using System.Collections.Concurrent;
using FeedHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Publishing.Hub;

/// <summary>
/// A WebSub subscriber written from the W3C Recommendation, not from FeedHub's code: a Kestrel app on
/// 127.0.0.1 with one callback per name (<c>/callback/{name}</c>). It confirms a verification of
/// intent (§5.3.1) by echoing <c>hub.challenge</c> when it wants what is asked, and answers 404 when
/// it does not; it records every distribution (§7) and answers with the statuses it is told to.
/// </summary>
public sealed class SpecSubscriber : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _wanted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _statuses = new(StringComparer.Ordinal);
    private WebApplication _app = null!;

    private SpecSubscriber()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every GET the hub made (verifications and denials), with its query.</summary>
    public ConcurrentQueue<(string Name, IReadOnlyDictionary<string, string> Query, int Answered)> Verifications { get; } = new();

    public ConcurrentQueue<Distribution> Distributions { get; } = new();

    /// <summary>Form posts to <c>/hub</c>: this app standing in for an external hub being pinged.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Pings { get; } = new();

    public static async Task<SpecSubscriber> StartAsync()
    {
        var subscriber = new SpecSubscriber();
        (subscriber._app, subscriber.BaseUrl) = await Loopback.StartServerAsync(app =>
        {
            app.MapGet("/callback/{name}", subscriber.Verify);
            app.MapPost("/callback/{name}", subscriber.ReceiveAsync);
            app.MapPost("/hub", async context =>
            {
                var form = await context.Request.ReadFormAsync();
                subscriber.Pings.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            });
        });
        return subscriber;
    }

    public string Callback(string name) => new Uri(BaseUrl, $"callback/{name}").AbsoluteUri;

    /// <summary>What the subscriber means to do with a callback: "subscribe", "unsubscribe", or null to refuse any verification.</summary>
    public void Want(string name, string? mode)
    {
        if (mode is null)
        {
            _wanted.TryRemove(name, out _);
        }
        else
        {
            _wanted[name] = mode;
        }
    }

    /// <summary>The statuses to answer the next distributions to a callback with, in order; 200 after them.</summary>
    public void AnswerDistributions(string name, params int[] statuses) =>
        _statuses[name] = new ConcurrentQueue<int>(statuses);

    public IReadOnlyList<Distribution> DistributionsTo(string name) => Distributions.Where(d => d.Name == name).ToList();

    private IResult Verify(string name, HttpContext context)
    {
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var mode = query.GetValueOrDefault("hub.mode");
        if (mode == "denied")
        {
            Verifications.Enqueue((name, query, 200));
            return Results.Ok();
        }

        // §5.3.1: confirm only what is pending, echoing the challenge with a safe media type (§8.2).
        if (mode is not null && _wanted.TryGetValue(name, out var wanted) && wanted == mode && query.TryGetValue("hub.challenge", out var challenge))
        {
            Verifications.Enqueue((name, query, 200));
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            return Results.Text(challenge, "application/octet-stream");
        }

        Verifications.Enqueue((name, query, 404));
        return Results.NotFound();
    }

    private async Task ReceiveAsync(string name, HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var status = _statuses.TryGetValue(name, out var queue) && queue.TryDequeue(out var next) ? next : 200;
        Distributions.Enqueue(new Distribution(
            name,
            body.ToArray(),
            context.Request.ContentType,
            context.Request.Headers["Link"].ToString(),
            context.Request.Headers["X-Hub-Signature"].ToString() is { Length: > 0 } signature ? signature : null,
            status));
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <param name="Answered">The status the subscriber answered with.</param>
public sealed record Distribution(string Name, byte[] Body, string? ContentType, string Link, string? Signature, int Answered)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}
