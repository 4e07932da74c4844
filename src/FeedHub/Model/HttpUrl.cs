namespace FeedHub.Model;

/// <summary>The URLs FeedHub accepts from operators and authors: absolute, and http or https.</summary>
public static class HttpUrl
{
    /// <summary>An absolute http or https URL, or null with the reason.</summary>
    public static Uri? Parse(string? url, out string? error)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "The URL is empty.";
            return null;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            error = $"'{url}' is not an absolute http or https URL.";
            return null;
        }

        error = null;
        return uri;
    }
}
