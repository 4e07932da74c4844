using System.Text;
using FeedHub.Model;
using FeedHub.Polling.Push;

namespace FeedHub.Tests.Polling.Push;

/// <summary>The check of a pushed body's <c>X-Hub-Signature</c> against the secret FeedHub gave.</summary>
public sealed class CallbackSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("<feed/>");

    [Theory]
    [InlineData("sha1")]
    [InlineData("sha256")]
    [InlineData("sha384")]
    [InlineData("sha512")]
    public void EveryAlgorithmOfTheSpecification_IsAccepted_WithTheRightSecretOnly(string algorithm)
    {
        var header = HubSignature.Header(algorithm, "secret", Body);

        Assert.True(CallbackEndpoints.Matches(header, "secret", Body));
        Assert.True(CallbackEndpoints.Matches(header.ToUpperInvariant(), "secret", Body));
        Assert.False(CallbackEndpoints.Matches(header, "another secret", Body));
        Assert.False(CallbackEndpoints.Matches(header, "secret", Encoding.UTF8.GetBytes("<feed>tampered</feed>")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("=abc")]
    [InlineData("md5=0123456789abcdef0123456789abcdef")]
    [InlineData("sha256=not-hex")]
    public void MalformedHeaders_AreRefused(string header) =>
        Assert.False(CallbackEndpoints.Matches(header, "secret", Body));
}
