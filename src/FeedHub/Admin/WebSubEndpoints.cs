using FeedHub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Admin;

/// <summary>
/// WebSub in the admin API: the hub's subscriptions (who receives which channel, and what is waiting
/// for them), and FeedHub's own subscriptions at upstream hubs.
/// </summary>
internal static class WebSubEndpoints
{
    public static RouteGroupBuilder MapWebSubSubscriptions(this RouteGroupBuilder api)
    {
        api.MapGet("/websub/subscriptions", ListAsync).WithTags("WebSub");
        api.MapDelete("/websub/subscriptions/{id:long}", DeleteAsync).WithTags("WebSub").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/websub/upstream", ListUpstreamAsync).WithTags("WebSub");
        return api;
    }

    /// <summary>FeedHub's own subscriptions at upstream hubs (pushed sources), including those being ended; secrets are never shown.</summary>
    private static async Task<Ok<UpstreamSubscriptionsPage>> ListUpstreamAsync(SourceCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(new UpstreamSubscriptionsPage(await catalog.ListUpstreamSubscriptionsAsync(cancellationToken)));

    /// <summary>Every subscription whose lease has not ended, oldest first; secrets are never shown.</summary>
    private static async Task<Ok<SubscriptionsPage>> ListAsync(WebSubStore store, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SubscriptionsPage([.. (await store.ListActiveAsync(time.GetUtcNow(), cancellationToken)).Select(SubscriptionResponse.From)]));

    /// <summary>Ends a subscription at once, without asking the subscriber, and drops its pending delivery.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, WebSubStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such subscription", detail: $"No WebSub subscription has the id {id}.");
}

internal sealed record SubscriptionsPage(IReadOnlyList<SubscriptionResponse> Subscriptions);

/// <param name="Signed">Whether the subscriber gave a secret, so that every delivery carries X-Hub-Signature.</param>
/// <param name="SignatureAlgorithm">The HMAC of the signature, when signed.</param>
/// <param name="Pending">The delivery waiting for this subscriber, if any.</param>
public sealed record SubscriptionResponse(
    long Id,
    string Topic,
    string Callback,
    int LeaseSeconds,
    DateTimeOffset ExpiresAt,
    DateTimeOffset SubscribedAt,
    DateTimeOffset RenewedAt,
    bool Signed,
    string? SignatureAlgorithm,
    DateTimeOffset? LastDeliveredAt,
    PendingDeliveryResponse? Pending)
{
    internal static SubscriptionResponse From(HubSubscription s) => new(
        s.Id,
        s.Topic,
        s.Callback,
        s.LeaseSeconds,
        s.ExpiresAt,
        s.CreatedAt,
        s.RenewedAt,
        s.Secret is not null,
        s.Secret is null ? null : s.SignatureAlgorithm,
        s.LastDeliveredAt,
        s.QueuedAt is { } queuedAt ? new PendingDeliveryResponse(queuedAt, s.Attempts ?? 0, s.NextAttemptAt!.Value, s.LastError) : null);
}

/// <param name="Attempts">Failed attempts so far.</param>
/// <param name="LastError">Why the last attempt failed.</param>
public sealed record PendingDeliveryResponse(DateTimeOffset QueuedAt, int Attempts, DateTimeOffset NextAttemptAt, string? LastError);
