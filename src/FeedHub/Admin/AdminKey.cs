using System.Security.Cryptography;
using System.Text;

namespace FeedHub.Admin;

/// <summary>The admin key, as the API and the dashboard check it.</summary>
internal static class AdminKey
{
    /// <summary>Compares in constant time, as hashes so that the key's length does not leak either.</summary>
    public static bool Matches(string presented, string configured) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), Hash(configured));

    /// <summary>
    /// Names a key without revealing it: a dashboard session remembers the fingerprint of the key it
    /// signed in with, so changing the key ends every session.
    /// </summary>
    public static string Fingerprint(string key) => Convert.ToBase64String(Hash("feedhub-dashboard:" + key));

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
