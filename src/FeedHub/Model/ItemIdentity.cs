using System.Security.Cryptography;
using System.Text;

namespace FeedHub.Model;

/// <summary>
/// How an item is recognised across polls: its guid, else its link, else a fingerprint of
/// what it says. The key is stable for as long as the upstream keeps the same guid or link,
/// which is what lets a poll update an edited item in place instead of adding a duplicate.
/// </summary>
public static class ItemIdentity
{
    public static string KeyOf(Item item)
    {
        if (!string.IsNullOrWhiteSpace(item.Guid))
        {
            return "guid:" + item.Guid.Trim();
        }

        if (!string.IsNullOrWhiteSpace(item.Link))
        {
            return "link:" + item.Link.Trim();
        }

        return "hash:" + Hash(item.Title, item.Summary, item.ContentHtml);
    }

    /// <summary>A digest of everything the upstream says about the item, to notice edits.</summary>
    public static string ContentHashOf(Item item) => Hash(
        item.Guid,
        item.Title,
        item.Link,
        item.Summary,
        item.ContentHtml,
        string.Join('\u001f', item.Authors.Select(a => $"{a.Name}\u001e{a.Email}\u001e{a.Uri}")),
        string.Join('\u001f', item.Categories),
        item.Published?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        item.Updated?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        string.Join('\u001f', item.Enclosures.Select(e => $"{e.Url}\u001e{e.Type}\u001e{e.Length}")));

    private static string Hash(params string?[] parts)
    {
        // A separator that cannot occur in feed text keeps ("ab", "c") and ("a", "bc") apart.
        var joined = string.Join('\u001d', parts.Select(p => p ?? string.Empty));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
    }
}
