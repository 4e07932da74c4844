namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>Waits for something the app does in the background (a scheduled poll). Not a timing assertion: the deadline only bounds a hang.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {seconds} s.");
            }

            await Task.Delay(50);
        }
    }
}
