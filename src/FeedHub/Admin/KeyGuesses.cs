using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// Wrong admin keys per client address, the API's and the dashboard sign-in's together: an address
/// that has presented <see cref="AdminOptions.KeyGuessesPerMinute"/> of them is refused for the rest
/// of the minute without its key being checked, so guessing cannot go faster than that.
/// </summary>
internal sealed partial class KeyGuesses(IOptionsMonitor<AdminOptions> options, ILogger<KeyGuesses> logger)
{
    private readonly PartitionedRateLimiter<string> _wrong = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.CurrentValue.KeyGuessesPerMinute,
            Window = TimeSpan.FromMinutes(1),
        }));

    public bool Exhausted(IPAddress? address) => _wrong.GetStatistics(Key(address)) is { CurrentAvailablePermits: 0 };

    public void Wrong(IPAddress? address)
    {
        using var guess = _wrong.AttemptAcquire(Key(address));
        if (Exhausted(address))
        {
            LogGuessing(Key(address), options.CurrentValue.KeyGuessesPerMinute);
        }
    }

    private static string Key(IPAddress? address) => address?.ToString() ?? string.Empty;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Address} presented {Limit} wrong admin keys within a minute; its keys are refused unchecked until the minute is out")]
    private partial void LogGuessing(string address, int limit);
}
