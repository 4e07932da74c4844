using FeedHub.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// The set-up the integration test classes share, in place of each writing its own
/// <see cref="IAsyncLifetime"/>. xunit makes a new instance of the class for every test, so the parts
/// <see cref="SetUpAsync"/> starts through this base (a loopback upstream, a content root, a store,
/// FeedHub itself) are that test's own; after it they are disposed, the last started first, so that an
/// app stops before the upstream it polls, the store it writes to and the folder it runs in.
/// </summary>
public abstract class IntegrationTest : IAsyncLifetime
{
    /// <summary>The moment the tests on a fake clock start from.</summary>
    protected static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly Stack<IAsyncDisposable> _parts = new();
    private TestUpstream? _upstream;
    private TestDirectory? _root;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The test's own upstream, once <see cref="StartUpstreamAsync"/> has started it.</summary>
    protected TestUpstream Upstream => _upstream ?? throw new InvalidOperationException($"{GetType().Name} has not started its upstream: SetUpAsync calls StartUpstreamAsync.");

    /// <summary>A temporary folder of the test's own, made on first use: FeedHub's content root, say.</summary>
    protected TestDirectory Root => _root ??= NewDirectory();

    /// <summary>What the class starts before each test; parts started through this base stop after it.</summary>
    protected virtual ValueTask SetUpAsync() => ValueTask.CompletedTask;

    /// <summary>Starts <see cref="Upstream"/>, a real HTTP server on 127.0.0.1 of this test's own, standing in for upstream publishers.</summary>
    protected async Task StartUpstreamAsync() => _upstream = Own(await TestUpstream.StartAsync());

    /// <summary>Another temporary folder of this test's own, deleted after it.</summary>
    protected TestDirectory NewDirectory() => OwnDisposable(new TestDirectory());

    /// <summary>A store of this test's own on <paramref name="provider"/> (a PostgreSQL one skips without a server).</summary>
    protected async Task<TestStore> CreateStoreAsync(StorageProvider provider) => Own(await TestStore.CreateAsync(provider));

    /// <summary>FeedHub on a store of this test's own on <paramref name="provider"/>, both stopped after the test.</summary>
    protected async Task<FeedHubApp> StartAppOnStoreAsync(StorageProvider provider) =>
        StartApp(settings: (await CreateStoreAsync(provider)).Settings);

    /// <summary>FeedHub, started (migrations, sources, schedule) and stopped after the test.</summary>
    protected FeedHubApp StartApp(string? contentRoot = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        Own(FeedHubApp.Start(contentRoot, settings, services));

    /// <summary>Disposes <paramref name="part"/> after the test, before whatever was owned earlier.</summary>
    protected T Own<T>(T part)
        where T : IAsyncDisposable
    {
        _parts.Push(part);
        return part;
    }

    /// <inheritdoc cref="Own"/>
    protected T OwnDisposable<T>(T part)
        where T : IDisposable
    {
        _parts.Push(new Disposing(part));
        return part;
    }

    public ValueTask InitializeAsync() => SetUpAsync();

    public async ValueTask DisposeAsync()
    {
        // Also after a set-up that failed or skipped part-way: only what was started is on the stack.
        while (_parts.TryPop(out var part))
        {
            await part.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private sealed class Disposing(IDisposable part) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            part.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
