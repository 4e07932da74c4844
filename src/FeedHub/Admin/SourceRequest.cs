using FeedHub.Markup;
using FeedHub.Model;

namespace FeedHub.Admin;

/// <summary>A source as the admin API takes it: only <c>url</c> is required.</summary>
public sealed record SourceRequest(string? Id, string? Title, string? Url, string? Schedule, List<string>? Tags, string? License)
{
    // Generous for any real source, and small enough that one source cannot make every listing huge.
    public const int MaxTitleLength = 300;
    public const int MaxUrlLength = 2048;
    public const int MaxScheduleLength = 100;
    public const int MaxTags = 50;
    public const int MaxTagLength = 100;

    /// <summary>The source this request describes, or the problems with it, keyed by field.</summary>
    public Source? Validate(string defaultSchedule, DateTimeOffset now, Dictionary<string, string[]> errors, string? fixedId = null)
    {
        var url = HttpUrl.Parse(Url, out var urlError);
        if (Url?.Length > MaxUrlLength)
        {
            (url, errors["url"]) = (null, [$"The URL is longer than {MaxUrlLength} characters."]);
        }
        else if (url is null)
        {
            errors["url"] = [urlError!];
        }

        if (Title?.Length > MaxTitleLength)
        {
            errors["title"] = [$"The title is longer than {MaxTitleLength} characters."];
        }

        else if (Title is not null && XmlText.IndexOfInvalid(Title) is >= 0 and var at)
        {
            errors["title"] = [XmlText.Refusal("The title", Title, at)];
        }

        if (Tags?.Count > MaxTags || Tags?.Any(t => t.Length > MaxTagLength) == true)
        {
            errors["tags"] = [$"Give at most {MaxTags} tags of at most {MaxTagLength} characters each."];
        }
        else if (Tags?.FirstOrDefault(t => XmlText.IndexOfInvalid(t) >= 0) is { } tag)
        {
            errors["tags"] = [XmlText.Refusal($"The tag '{XmlText.Clean(tag)}'", tag, XmlText.IndexOfInvalid(tag))];
        }

        var id = fixedId ?? (string.IsNullOrWhiteSpace(Id) ? (url is null ? null : Slug.FromUrl(url)) : Id.Trim());
        if (fixedId is null && id is not null && !Slug.IsValid(id))
        {
            errors["id"] = [$"'{id}' must be 1 to 64 lowercase letters, digits and dashes."];
        }

        var schedule = string.IsNullOrWhiteSpace(Schedule) ? defaultSchedule : Schedule.Trim();
        if (schedule.Length > MaxScheduleLength)
        {
            errors["schedule"] = [$"The schedule is longer than {MaxScheduleLength} characters."];
        }
        else if (!PollSchedule.TryParse(schedule, out var parsed, out var scheduleError))
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
