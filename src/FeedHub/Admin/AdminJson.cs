using System.Text.Json;
using System.Text.Json.Serialization;

namespace FeedHub.Admin;

/// <summary>How the admin surface writes JSON, the API and the command line alike: camelCase, enums by name, times in UTC.</summary>
internal static class AdminJson
{
    /// <summary>For the command line's <c>--json</c>: as the API answers, indented for a reader.</summary>
    public static readonly JsonSerializerOptions Indented = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        return options;
    }
}
