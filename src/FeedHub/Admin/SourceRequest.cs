using FeedHub.Model;

namespace FeedHub.Admin;

/// <summary>A source as the admin API takes it: only <c>url</c> is required.</summary>
public sealed record SourceRequest(string? Id, string? Title, string? Url, string? Schedule, List<string>? Tags, string? License)
{
    /// <summary>The source this request describes, or the problems with it, keyed by field.</summary>
    public Source? Validate(string defaultSchedule, DateTimeOffset now, Dictionary<string, string[]> errors, string? fixedId = null)
    {
        var url = HttpUrl.Parse(Url, out var urlError);
        if (url is null)
        {
            errors["url"] = [urlError!];
        }

        var id = fixedId ?? (string.IsNullOrWhiteSpace(Id) ? (url is null ? null : Slug.FromUrl(url)) : Id.Trim());
        if (fixedId is null && id is not null && !Slug.IsValid(id))
        {
            errors["id"] = [$"'{id}' must be 1 to 64 lowercase letters, digits and dashes."];
        }

        var schedule = string.IsNullOrWhiteSpace(Schedule) ? defaultSchedule : Schedule.Trim();
        if (!PollSchedule.TryParse(schedule, out var parsed, out var scheduleError))
        {
            errors["schedule"] = [scheduleError!];
        }
        else if (!parsed.FiresAfter(now))
        {
            errors["schedule"] = [$"'{schedule}' never fires again."];
        }

        var license = LicensePolicy.Full;
        if (License is not null && (!Enum.TryParse(License, ignoreCase: true, out license) || !Enum.IsDefined(license)))
        {
            errors["license"] = [$"'{License}' is not one of Full, Excerpt, LinkOnly."];
        }

        return errors.Count > 0 ? null : new Source
        {
            Id = id!,
            Title = string.IsNullOrWhiteSpace(Title) ? null : Title.Trim(),
            Url = url!.AbsoluteUri,
            Schedule = schedule,
            Tags = (Tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            License = license,
            Origin = SourceOrigin.Api,
        };
    }
}
