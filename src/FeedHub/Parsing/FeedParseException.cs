namespace FeedHub.Parsing;

/// <summary>A document that cannot be read as a feed; the message says why, in words an operator can act on.</summary>
public sealed class FeedParseException : Exception
{
    public FeedParseException(string message)
        : base(message)
    {
    }

    public FeedParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
