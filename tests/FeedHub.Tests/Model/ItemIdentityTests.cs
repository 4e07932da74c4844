using FeedHub.Model;

namespace FeedHub.Tests.Model;

public sealed class ItemIdentityTests
{
    [Fact]
    public void KeyOf_PrefersGuidThenLinkThenFingerprint()
    {
        Assert.Equal("guid:abc", ItemIdentity.KeyOf(new Item { Guid = " abc ", Link = "https://x.example/1" }));
        Assert.Equal("link:https://x.example/1", ItemIdentity.KeyOf(new Item { Link = "https://x.example/1", Title = "T" }));

        var a = ItemIdentity.KeyOf(new Item { Title = "T", Summary = "S" });
        Assert.StartsWith("hash:", a, StringComparison.Ordinal);
        Assert.Equal(a, ItemIdentity.KeyOf(new Item { Title = "T", Summary = "S", Published = DateTimeOffset.UnixEpoch }));
        Assert.NotEqual(a, ItemIdentity.KeyOf(new Item { Title = "TS" }));
    }

    [Fact]
    public void ContentHash_ChangesWithAnyField()
    {
        var item = new Item { Guid = "1", Title = "T", Categories = ["a"], Authors = [new ItemAuthor("n", null, null)] };
        var hash = ItemIdentity.ContentHashOf(item);

        Assert.Equal(hash, ItemIdentity.ContentHashOf(item with { Categories = ["a"] }));
        Assert.NotEqual(hash, ItemIdentity.ContentHashOf(item with { Title = "T2" }));
        Assert.NotEqual(hash, ItemIdentity.ContentHashOf(item with { Categories = ["a", "b"] }));
        Assert.NotEqual(hash, ItemIdentity.ContentHashOf(item with { Authors = [new ItemAuthor("m", null, null)] }));
        Assert.NotEqual(hash, ItemIdentity.ContentHashOf(item with { Updated = DateTimeOffset.UnixEpoch }));
    }
}
