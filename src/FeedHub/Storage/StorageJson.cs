using System.Text.Json;
using System.Text.Json.Serialization;

namespace FeedHub.Storage;

/// <summary>How list columns (authors, categories, enclosures) are written as JSON.</summary>
internal static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
