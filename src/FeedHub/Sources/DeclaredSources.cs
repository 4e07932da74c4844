using System.Globalization;
using FeedHub.Model;

namespace FeedHub.Sources;

/// <summary>
/// The sources an operator declared in files: <c>FeedHub:Sources</c> first, then the OPML outlines.
/// A source declared in both (same id or same URL) is taken from configuration. OPML outlines that
/// cannot be used are reported and skipped; the rest still load.
/// </summary>
public static class DeclaredSources
{
    /// <param name="now">Schedules that never fire after this are refused.</param>
    public static DeclaredSourceList Build(SourcesOptions options, OpmlSubscriptions? opml, string defaultSchedule, DateTimeOffset now)
    {
        var sources = new List<Source>();
        var problems = new List<string>(opml?.Problems ?? []);

        foreach (var declared in options.Sources)
        {
            sources.Add(new Source
            {
                Id = declared.Id!,
                Title = string.IsNullOrWhiteSpace(declared.Title) ? null : declared.Title.Trim(),
                Url = HttpUrl.Parse(declared.Url, out _)!.AbsoluteUri,
                Schedule = string.IsNullOrWhiteSpace(declared.Schedule) ? defaultSchedule : declared.Schedule.Trim(),
                Tags = Tags(declared.Tags),
                License = declared.License,
                Origin = SourceOrigin.Config,
            });
        }

        foreach (var outline in opml?.Outlines ?? [])
        {
            var url = HttpUrl.Parse(outline.XmlUrl, out _)!.AbsoluteUri;
            if (sources.FirstOrDefault(s => s.Url == url) is { } earlier)
            {
                // A feed in both configuration and OPML is configuration's, by design; twice in the OPML is a slip to report.
                if (earlier.Origin == SourceOrigin.Opml)
                {
                    problems.Add($"line {outline.Line}: {url} is already listed (as '{earlier.Id}'); skipped.");
                }

                continue;
            }

            var schedule = outline.Schedule ?? defaultSchedule;
            if (!PollSchedule.TryParse(schedule, out var parsed, out var scheduleError) || !parsed.FiresAfter(now))
            {
                problems.Add($"line {outline.Line}: {scheduleError ?? $"'{schedule}' never fires again."}");
                continue;
            }

            string id;
            if (outline.Id is not null)
            {
                if (!Slug.IsValid(outline.Id))
                {
                    problems.Add($"line {outline.Line}: id '{outline.Id}' must be lowercase letters, digits and dashes.");
                    continue;
                }

                if (sources.Any(s => s.Id == outline.Id))
                {
                    problems.Add($"line {outline.Line}: id '{outline.Id}' is already declared.");
                    continue;
                }

                id = outline.Id;
            }
            else
            {
                // From the URL, not the title: renaming an outline must not make it a new source.
                id = UniqueId(Slug.FromUrl(new Uri(url)), sources);
            }

            sources.Add(new Source
            {
                Id = id,
                Title = outline.Title,
                Url = url,
                Schedule = schedule,
                Tags = Tags(outline.Tags),
                License = outline.License ?? LicensePolicy.Full,
                Origin = SourceOrigin.Opml,
            });
        }

        // Read problems and merge problems together, in the order of the file.
        return new DeclaredSourceList(sources, [.. problems.OrderBy(LineOf)]);
    }

    private static string UniqueId(string slug, List<Source> taken)
    {
        var stem = slug.Length == 0 ? "source" : slug;
        var id = stem;
        for (var n = 2; taken.Any(s => s.Id == id); n++)
        {
            id = $"{stem}-{n}";
        }

        return id;
    }

    /// <summary>The line a problem names ("line 12: ..."), or none for one about the configuration, which goes last.</summary>
    private static int LineOf(string problem) =>
        problem.StartsWith("line ", StringComparison.Ordinal) && int.TryParse(problem.AsSpan(5, Math.Max(0, problem.IndexOf(':', StringComparison.Ordinal) - 5)), CultureInfo.InvariantCulture, out var line)
            ? line
            : int.MaxValue;

    private static List<string> Tags(IEnumerable<string> tags) =>
        tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}

public sealed record DeclaredSourceList(IReadOnlyList<Source> Sources, IReadOnlyList<string> Problems);
