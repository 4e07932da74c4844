using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling;

/// <summary>Caps the polls running at once against one host, so one publisher with many feeds is not hammered.</summary>
internal sealed class HostLimiter(IOptions<PollingOptions> options)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IDisposable> EnterAsync(string host, CancellationToken cancellationToken)
    {
        var gate = _hosts.GetOrAdd(host, _ => new SemaphoreSlim(options.Value.MaxConcurrencyPerHost));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
