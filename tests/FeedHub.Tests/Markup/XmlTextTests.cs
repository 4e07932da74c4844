using FeedHub.Markup;

namespace FeedHub.Tests.Markup;

public sealed class XmlTextTests
{
    [Theory]
    [InlineData("plain text, tab\t, line\n, return\r, and an emoji \U0001F600", -1)]
    [InlineData("a\u001Cb", 1)]
    [InlineData("\u0000", 0)]
    [InlineData("ab\uFFFE", 2)]
    public void IndexOfInvalid_FindsWhatXmlCannotCarry(string text, int expected) =>
        Assert.Equal(expected, XmlText.IndexOfInvalid(text));

    /// <summary>Apart from the theory: test discovery would turn a lone surrogate into U+FFFD before the test saw it.</summary>
    [Fact]
    public void IndexOfInvalid_FindsALoneSurrogate()
    {
        Assert.Equal(5, XmlText.IndexOfInvalid("lone \uD800 high"));
        Assert.Equal(9, XmlText.IndexOfInvalid("lone low \uDC00"));
        Assert.Equal(-1, XmlText.IndexOfInvalid("pair \uD83D\uDE00"));
    }

    [Fact]
    public void Clean_DropsWhatXmlCannotCarry_AndKeepsSurrogatePairs() =>
        Assert.Equal("ab\U0001F600c\td", XmlText.Clean("a\u0001b\U0001F600\uD800c\uFFFF\t\u001Fd"));

    [Fact]
    public void Markup_NeverPassesOnACharacterXmlCannotCarry()
    {
        // A reference decodes to the character it names; a JSON feed's escapes do the same.
        Assert.Equal("Title", HtmlText.PlainText("Tit&#28;le"));
        Assert.Equal("<p>Body</p>", new HtmlCleaner().Clean("<p>Bo&#1;dy</p>", new Uri("https://up.example/")));
    }
}
