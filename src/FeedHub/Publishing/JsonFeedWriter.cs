using System.Globalization;
using System.Text.Json;
using FeedHub.Markup;

namespace FeedHub.Publishing;

/// <summary>
/// Writes a channel as JSON Feed 1.1. Attribution that JSON Feed has no field for (the stories an
/// article draws on, where a republished item came from, the AI disclosure, rights) is carried in a
/// <c>_feedhub</c> extension object, as the specification provides for.
/// </summary>
internal static class JsonFeedWriter
{
    /// <param name="hubs">The WebSub hubs to advertise (JSON Feed's <c>hubs</c>), none for an archive page.</param>
    public static byte[] Write(PublishedChannel channel, Uri publicBaseUrl, IReadOnlyList<Uri> hubs)
    {
        var options = channel.Options;
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("version", "https://jsonfeed.org/version/1.1");
            json.WriteString("title", options.Title);
            json.WriteString("home_page_url", publicBaseUrl.AbsoluteUri);
            json.WriteString("feed_url", PublishedFormats.DocumentUrl(publicBaseUrl, options.Id, PublishedFormat.Json, channel.Archive.Page).AbsoluteUri);

            // JSON Feed pages through older items with next_url: the same pages as the Atom archives.
            if (SyndicationWriter.HistoryLinks(channel.Archive).FirstOrDefault(l => l.Relation == "prev-archive") is ("prev-archive", var older))
            {
                json.WriteString("next_url", PublishedFormats.DocumentUrl(publicBaseUrl, options.Id, PublishedFormat.Json, older).AbsoluteUri);
            }
            Optional(json, "description", options.Description);

            if (options.Icon is { } icon)
            {
                json.WriteString("icon", new Uri(publicBaseUrl, icon).AbsoluteUri);
            }

            json.WriteString("language", "en");
            if (hubs.Count > 0)
            {
                json.WriteStartArray("hubs");
                foreach (var hub in hubs)
                {
                    json.WriteStartObject();
                    json.WriteString("type", "WebSub");
                    json.WriteString("url", hub.AbsoluteUri);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteStartArray("authors");
            json.WriteStartObject();
            json.WriteString("name", options.Title);
            json.WriteString("url", publicBaseUrl.AbsoluteUri);
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteStartArray("items");
            foreach (var entry in channel.Entries)
            {
                WriteItem(json, entry);
            }

            json.WriteEndArray();
            json.WriteStartObject("_feedhub");
            json.WriteString("generator", Product.Token);
            json.WriteString("updated", Time(channel.Updated));
            Optional(json, "rights", options.Rights);

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return output.ToArray();
    }

    private static void WriteItem(Utf8JsonWriter json, ChannelEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("id", entry.Id);
        json.WriteString("url", entry.Link);
        json.WriteString("title", entry.Title);
        if (entry.ContentHtml is not null || entry.SummaryHtml is not null)
        {
            json.WriteString("content_html", entry.ContentHtml ?? entry.SummaryHtml);
        }
        else
        {
            // JSON Feed requires content; a link-only item says what it is.
            json.WriteString("content_text", entry.Title);
        }

        if (entry.SummaryHtml is { } summary)
        {
            json.WriteString("summary", HtmlText.PlainText(summary));
        }

        json.WriteString("date_published", Time(entry.Published));
        json.WriteString("date_modified", Time(entry.Updated));
        json.WriteStartArray("authors");
        foreach (var author in entry.Authors.Where(a => a.Name is not null || a.Uri is not null))
        {
            json.WriteStartObject();
            Optional(json, "name", author.Name);

            Optional(json, "url", author.Uri);

            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (entry.Categories.Count > 0)
        {
            json.WriteStartArray("tags");
            foreach (var category in entry.Categories)
            {
                json.WriteStringValue(category);
            }

            json.WriteEndArray();
        }

        if (entry.Enclosures.Count > 0)
        {
            json.WriteStartArray("attachments");
            foreach (var enclosure in entry.Enclosures)
            {
                json.WriteStartObject();
                json.WriteString("url", enclosure.Url);
                json.WriteString("mime_type", enclosure.Type ?? "application/octet-stream");
                if (enclosure.Length is > 0)
                {
                    json.WriteNumber("size_in_bytes", enclosure.Length.Value);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        WriteAttribution(json, entry);
        json.WriteEndObject();
    }

    private static void WriteAttribution(Utf8JsonWriter json, ChannelEntry entry)
    {
        json.WriteStartObject("_feedhub");
        if (entry.Via.Count > 0)
        {
            json.WriteStartArray("via");
            foreach (var via in entry.Via)
            {
                json.WriteStartObject();
                json.WriteString("title", via.Title);
                json.WriteString("url", via.Url);
                json.WriteString("publisher", via.Publisher);
                Optional(json, "feed_url", via.Feed);
                if (entry.Related.TryGetValue(via.Url, out var stored))
                {
                    // The same story as FeedHub stores and republishes it.
                    json.WriteStartArray("feedhub_items");
                    foreach (var id in stored)
                    {
                        json.WriteStringValue(id);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (entry.Source is not null && entry.Related.TryGetValue(entry.Link, out var citing))
        {
            json.WriteStartArray("cited_by");
            foreach (var id in citing)
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
        }

        if (entry.Source is { } source)
        {
            json.WriteStartObject("source");
            json.WriteString("id", source.Id);
            json.WriteString("title", source.Title);
            json.WriteString("feed_url", source.FeedUrl);
            Optional(json, "home_page_url", source.SiteUrl);

            if (source.Updated is { } updated)
            {
                json.WriteString("updated", Time(updated));
            }

            json.WriteString("license", source.License.ToString());
            json.WriteEndObject();
        }

        Optional(json, "rights", entry.Rights);

        if (entry.Ai is { } ai)
        {
            json.WriteStartObject("ai");
            json.WriteBoolean("generated", ai.Generated);
            Optional(json, "model", ai.Model);

            Optional(json, "statement", ai.Statement);

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary>JSON Feed leaves out what is unknown rather than writing null.</summary>
    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
