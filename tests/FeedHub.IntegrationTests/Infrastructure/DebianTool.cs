namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>A program from Debian's packages that a test drives; the test skips, saying what to install, when it is absent (CI installs it and sets FEEDHUB_REQUIRE_TOOLS, which makes absence a failure).</summary>
public static class DebianTool
{
    public static string Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            var message = $"{path} is needed: apt-get install -y {package}.";
            if (Environment.GetEnvironmentVariable("FEEDHUB_REQUIRE_TOOLS") == "1")
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        return path;
    }
}
