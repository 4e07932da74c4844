using FeedHub.Model;
using Microsoft.Extensions.Options;

namespace FeedHub.Sources;

/// <summary>Refuses to start on a source declaration in configuration that could never be polled.</summary>
internal sealed class SourcesOptionsValidator(TimeProvider time) : IValidateOptions<SourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        var failures = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var key = $"FeedHub:Sources:{i}";
            if (!Slug.IsValid(source.Id))
            {
                failures.Add($"{key}:Id: '{source.Id}' must be 1 to 64 lowercase letters, digits and dashes.");
            }
            else if (!ids.Add(source.Id!))
            {
                failures.Add($"{key}:Id: '{source.Id}' is declared twice.");
            }

            if (HttpUrl.Parse(source.Url, out var urlError) is null)
            {
                failures.Add($"{key}:Url: {urlError}");
            }

            if (!string.IsNullOrWhiteSpace(source.Schedule))
            {
                if (!PollSchedule.TryParse(source.Schedule, out var schedule, out var scheduleError))
                {
                    failures.Add($"{key}:Schedule: {scheduleError}");
                }
                else if (!schedule.FiresAfter(time.GetUtcNow()))
                {
                    failures.Add($"{key}:Schedule: '{source.Schedule}' never fires again.");
                }
            }

            if (!Enum.IsDefined(source.License))
            {
                failures.Add($"{key}:License: must be Full, Excerpt or LinkOnly.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
