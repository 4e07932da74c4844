using System.Security.Cryptography;
using System.Text;

namespace FeedHub.Model;

/// <summary>
/// <c>X-Hub-Signature: method=hex</c> (WebSub §7.1): an HMAC of the delivered body keyed with the
/// subscriber's <c>hub.secret</c>, in one of the algorithms the specification names.
/// </summary>
internal static class HubSignature
{
    public const string DefaultAlgorithm = "sha256";

    public static readonly IReadOnlyList<string> Algorithms = ["sha1", "sha256", "sha384", "sha512"];

    public static string Header(string algorithm, string secret, byte[] body)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var mac = algorithm switch
        {
#pragma warning disable CA5350 // SHA-1 only when the subscriber asks for it: WebSub §7.1 names it, and older subscribers check nothing else.
            "sha1" => HMACSHA1.HashData(key, body),
#pragma warning restore CA5350
            "sha384" => HMACSHA384.HashData(key, body),
            "sha512" => HMACSHA512.HashData(key, body),
            _ => HMACSHA256.HashData(key, body),
        };
        return $"{algorithm}={Convert.ToHexStringLower(mac)}";
    }
}
