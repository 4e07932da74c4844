using FeedHub.Polling;

namespace FeedHub.Tests.Polling;

public sealed class LinkHeaderTests
{
    private static readonly Uri Base = new("https://feeds.example.com/feed.xml");

    [Fact]
    public void Targets_OfOneRelation_InOrder_Resolved()
    {
        string[] values = ["<https://hub.example/>; rel=\"hub\", </feed.xml>; rel=self", "<https://other.example/hub>; rel=\"hub alternate\""];

        Assert.Equal(["https://hub.example/", "https://other.example/hub"], LinkHeader.Targets(values, Base, "hub"));
        Assert.Equal(["https://feeds.example.com/feed.xml"], LinkHeader.Targets(values, Base, "self"));
    }

    [Fact]
    public void CommasInsideTargetsAndQuotes_DoNotSplitLinks()
    {
        string[] values = ["<https://hub.example/a,b>; title=\"x, y\"; rel=\"hub\""];

        Assert.Equal(["https://hub.example/a,b"], LinkHeader.Targets(values, Base, "hub"));
    }

    [Theory]
    [InlineData("https://hub.example/; rel=hub")]
    [InlineData("<javascript:alert(1)>; rel=hub")]
    [InlineData("<https://hub.example/>; rel=\"alternate\"")]
    [InlineData("")]
    public void Malformed_OrOtherRelations_AreIgnored(string value) =>
        Assert.Empty(LinkHeader.Targets([value], Base, "hub"));
}
