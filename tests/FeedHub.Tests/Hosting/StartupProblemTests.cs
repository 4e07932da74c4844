using FeedHub.Hosting;
using FeedHub.Polling;
using Microsoft.Extensions.Options;

namespace FeedHub.Tests.Hosting;

public sealed class StartupProblemTests
{
    [Fact]
    public void Describe_NamesTheFullKey_OncePerProblem()
    {
        var failure = new OptionsValidationException(
            string.Empty,
            typeof(PollingOptions),
            ["DataAnnotation validation failed for 'PollingOptions' members: 'MaxConcurrency' with the error: 'The field MaxConcurrency must be between 1 and 256.'.", "FeedHub:Polling:DefaultSchedule is wrong."]);

        var lines = StartupProblem.Describe(new AggregateException(failure, failure));

        Assert.Equal(["FeedHub:Polling:MaxConcurrency: The field MaxConcurrency must be between 1 and 256.", "FeedHub:Polling:DefaultSchedule is wrong."], lines);
    }

    [Fact]
    public void Describe_LeavesOtherFailuresToTheHost()
    {
        Assert.Empty(StartupProblem.Describe(new InvalidOperationException("a bug")));
    }
}
