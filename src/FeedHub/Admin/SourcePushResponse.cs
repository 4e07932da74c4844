using FeedHub.Model;
using FeedHub.Storage;

namespace FeedHub.Admin;

/// <summary>
/// How a source's changes reach FeedHub: <c>pushed</c> (a live WebSub subscription; polls are a
/// safety net) or <c>polled</c>, with the hub its feed advertises and what became of the subscription.
/// </summary>
/// <param name="Delivery"><c>pushed</c> or <c>polled</c>.</param>
/// <param name="State">The subscription's state (requested, verified, denied, failed, expired), or null without one.</param>
/// <param name="LastVerification">The last thing a hub said of the subscription (verified, denied and why, or why asking failed).</param>
/// <param name="Note">Why a feed that advertises a hub is not subscribed, when it is not.</param>
public sealed record SourcePushResponse(
    string Delivery,
    string? Hub,
    string? Topic,
    string? State,
    DateTimeOffset? LeaseEndsAt,
    DateTimeOffset? LastPushAt,
    string? LastVerification,
    DateTimeOffset? LastVerificationAt,
    string? Note)
{
    internal static SourcePushResponse From(Source source, UpstreamSubscription? current, DateTimeOffset now, string? cannotSubscribe) => new(
        current?.IsLive(now) == true ? "pushed" : "polled",
        source.Hub,
        source.Topic,
        current?.State.ToString().ToLowerInvariant(),
        current?.ExpiresAt,
        current?.LastPushAt,
        current?.LastOutcome,
        current?.LastOutcomeAt,
        source.Hub is not null && current is null ? cannotSubscribe ?? (source.Status == SourceStatus.Active ? "Subscribing shortly." : null) : null);
}

/// <summary>FeedHub's own subscription at an upstream hub, as the admin API shows it (never its secret).</summary>
public sealed record UpstreamSubscriptionResponse(
    string Id,
    string SourceId,
    string Hub,
    string Topic,
    Uri Callback,
    string State,
    long? LeaseSeconds,
    DateTimeOffset RequestedAt,
    DateTimeOffset? VerifiedAt,
    DateTimeOffset? LeaseEndsAt,
    DateTimeOffset? LastPushAt,
    string? LastVerification,
    DateTimeOffset? LastVerificationAt)
{
    internal static UpstreamSubscriptionResponse From(UpstreamSubscription s, Uri callback) => new(
        s.Id,
        s.SourceId,
        s.Hub,
        s.Topic,
        callback,
        s.State.ToString().ToLowerInvariant(),
        s.LeaseSeconds,
        s.RequestedAt,
        s.VerifiedAt,
        s.ExpiresAt,
        s.LastPushAt,
        s.LastOutcome,
        s.LastOutcomeAt);
}

internal sealed record UpstreamSubscriptionsPage(IReadOnlyList<UpstreamSubscriptionResponse> Subscriptions);
