using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>A configuration FeedHub cannot start with; the message names the key and says why.</summary>
public sealed class StartupProblemException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Turns a refused start into lines an operator can act on: one per problem, each naming its key.</summary>
public static partial class StartupProblem
{
    public static IReadOnlyList<string> Describe(Exception error) => error switch
    {
        OptionsValidationException options => options.Failures
            .Select(failure => Keyed(options.OptionsType, failure))
            .Distinct(StringComparer.Ordinal)
            .ToList(),
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(Describe).Distinct(StringComparer.Ordinal).ToList(),
        StartupProblemException problem => [problem.Message],
        _ => [],
    };

    /// <summary>"DataAnnotation validation failed for 'PollingOptions' members: 'MaxConcurrency' with the error: '…'" becomes "FeedHub:Polling:MaxConcurrency: …".</summary>
    private static string Keyed(Type optionsType, string failure)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var section = optionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        return $"{(section is null ? string.Empty : section + ":")}{match.Groups["member"].Value}: {match.Groups["error"].Value}";
    }

    [GeneratedRegex(@"members: '(?<member>[^']+)' with the error: '(?<error>.*)'\.?$")]
    private static partial Regex DataAnnotationFailure();
}
