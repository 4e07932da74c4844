using System.Xml;
using System.Xml.Linq;
using FeedHub.Markup;
using FeedHub.Parsing;
using FeedHub.Testing;

namespace FeedHub.Tests.Markup;

/// <summary>
/// The sanitizer's shortcut for plain markup must write exactly what the sanitizer writes, and decline
/// everything else: compared both ways on hand-made markup and on every HTML text of the corpora.
/// </summary>
public sealed class PlainMarkupTests
{
    private static readonly Uri Base = new("https://news.example.com/posts/1");
    private readonly HtmlCleaner _cleaner = new();

    [Theory]
    [InlineData("<p>Hello <b>world</b>, <em>again</em> &amp; <strong>again</strong>.</p>")]
    [InlineData("""<p>Summary of <b>Story 1</b>, with <a href="http://large1.example/more/1?utm_source=rss">a link</a> and some words.</p>""")]
    [InlineData("""<p>See <a href="https://a.example/x?id=7&amp;utm_medium=rss&amp;b=2#top" title="A &amp; B">it</a></p><figure><img src="https://a.example/i.jpg" alt="picture" width="640" height="360"></figure>""")]
    [InlineData("<ul><li>one</li><li>two <code>x &lt; y</code></li></ul><ol><li><ul><li>nested</li></ul></li></ol>")]
    [InlineData("<h2>Title</h2><blockquote><p>Quoted &quot;words&quot; &#8217;n&#x2019; 3 &gt; 2, &nbsp;&#160;&copy; &eacute;t&eacute; &#128512;</p></blockquote>")]
    [InlineData("Line<br>break<br/>and<br />more<hr><div><span>x</span><sub>1</sub><sup>2</sup></div>")]
    [InlineData("<pre>  code\n  more</pre><p>a > b and \"quotes\" and 'apostrophes' and é and \u00a0 and 😀</p>")]
    [InlineData("<p><i>i</i><u>u</u><s>s</s><small>small</small><mark>m</mark><cite>c</cite><q>q</q><kbd>k</kbd></p>")]
    [InlineData("  \n<p>spaced</p>\n\t ")]
    public void PlainMarkup_IsWrittenExactlyAsTheSanitizerWritesIt(string html)
    {
        Assert.NotNull(PlainMarkup.TryClean(html));
        Assert.Equal(_cleaner.Clean(html, Base, plain: false), _cleaner.Clean(html, Base, plain: true));
    }

    [Theory]
    [InlineData("""<p onclick="x()">hi</p>""")]
    [InlineData("""<a href="javascript:alert(1)">x</a>""")]
    [InlineData("""<a href="../about">relative</a>""")]
    [InlineData("""<a href="https://a.example">no path</a>""")]
    [InlineData("""<a href="https://A.example/upper">host</a>""")]
    [InlineData("""<a href="https://a.example/a/../b">dots</a>""")]
    [InlineData("""<a href="https://a.example/%7e">escape</a>""")]
    [InlineData("""<a href='https://a.example/single'>quotes</a>""")]
    [InlineData("""<a href="https://a.example/x" rel="nofollow">attribute</a>""")]
    [InlineData("""<a href="https://a.example/x" href="https://b.example/y">twice</a>""")]
    [InlineData("""<img src="https://a.example/pixel.gif" width="1">""")]
    [InlineData("""<img src="data:image/png;base64,AAAA">""")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<style>p{}</style>")]
    [InlineData("<iframe src=\"https://www.youtube.com/embed/abc\"></iframe>")]
    [InlineData("<!-- comment --><p>x</p>")]
    [InlineData("<P>upper</P>")]
    [InlineData("<p>unclosed")]
    [InlineData("<p>one<p>two</p>")]
    [InlineData("<p><div>block in paragraph</div></p>")]
    [InlineData("<b><i>misnested</b></i>")]
    [InlineData("<a href=\"https://a.example/1\"><a href=\"https://a.example/2\">x</a></a>")]
    [InlineData("<li>outside a list</li>")]
    [InlineData("<h1><h2>x</h2></h1>")]
    [InlineData("<pre>\nleading newline</pre>")]
    [InlineData("AT&T")]
    [InlineData("&copy 2026")]
    [InlineData("&#150;")]
    [InlineData("&#0;")]
    [InlineData("&NotEqualTilde;")]
    [InlineData("a\r\nb<br>")]
    [InlineData("<p/>")]
    [InlineData("<br>x</br>")]
    [InlineData("<table><tr><td>x</td></tr></table>")]
    [InlineData("<svg><script>alert(1)</script></svg>")]
    [InlineData("<p title=\"x\">attribute on a paragraph</p>")]
    public void AnythingElse_IsDeclined_AndLeftToTheSanitizer(string html)
    {
        Assert.Null(PlainMarkup.TryClean(html));
        Assert.Equal(_cleaner.Clean(html, Base, plain: false), _cleaner.Clean(html, Base, plain: true));
    }

    [Fact]
    public void HostilelyDeepPlainMarkup_IsLeftToTheSanitizersDepthGuard()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 300)) + "deep" + string.Concat(Enumerable.Repeat("</div>", 300));

        Assert.Null(PlainMarkup.TryClean(html));
    }

    [Fact]
    public void EveryHtmlTextOfTheCorpora_CleansTheSameWithOrWithoutTheShortcut()
    {
        var texts = HtmlTexts(Path.Combine(AppContext.BaseDirectory, "Parsing", "Fixtures"))
            .Concat(HtmlTexts(TestCorpus.Folder("real")))
            .Concat(HtmlTexts(TestCorpus.Folder("feedparser")))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var plain = 0;
        foreach (var html in texts)
        {
            if (PlainMarkup.TryClean(html) is not null)
            {
                plain++;
            }

            Assert.True(
                _cleaner.Clean(html, Base, plain: false) == _cleaner.Clean(html, Base, plain: true),
                $"Cleaned differently with the shortcut: {html}");
        }

        // The comparison means something only if the shortcut took part of the corpus.
        Assert.True(plain > 50, $"{plain} of {texts.Count} texts were plain");
    }

    /// <summary>The text of every element of every XML file under the folder that looks like markup.</summary>
    private static IEnumerable<string> HtmlTexts(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.xml", SearchOption.AllDirectories))
        {
            XDocument document;
            try
            {
                document = XDocument.Load(file, LoadOptions.PreserveWhitespace);
            }
            catch (XmlException)
            {
                continue;
            }

            foreach (var element in document.Descendants())
            {
                var text = element.HasElements
                    ? string.Concat(element.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting)))
                    : element.Value;
                if (text.Contains('<', StringComparison.Ordinal) || text.Contains('&', StringComparison.Ordinal))
                {
                    yield return text;
                }
            }
        }
    }
}
