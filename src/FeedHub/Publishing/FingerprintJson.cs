using System.Text.Json.Serialization;

namespace FeedHub.Publishing;

/// <summary>What a channel's fingerprint hashes: every entry, where the document sits in the archives, and how long it stays fresh.</summary>
internal sealed record FingerprintContent(IReadOnlyList<ChannelEntry> Entries, ArchivePosition Archive, TimeSpan FreshFor);

/// <summary>
/// The fingerprint's serializer, generated at build time: found by reflection, its metadata for the
/// entry types took a tenth of a second at the first render of every process (benchmark B5).
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(FingerprintContent))]
internal sealed partial class FingerprintJson : JsonSerializerContext;
