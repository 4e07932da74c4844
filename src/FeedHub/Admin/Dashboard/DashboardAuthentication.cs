using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin.Dashboard;

/// <summary>
/// Dashboard sessions: the operator signs in with the admin key and gets an HttpOnly, SameSite=Strict
/// cookie. A session ends after eight idle hours, on sign-out, or when the key changes.
/// </summary>
internal static class DashboardAuthentication
{
    public const string Scheme = "FeedHub.Dashboard";

    public const string Policy = "Dashboard";

    public const string SignInLimit = "dashboard-sign-in";

    private const string KeyClaim = "feedhub:key";

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents();

        // Sessions and antiforgery tokens are protected with keys kept beside the store, under one
        // application name, so they outlive a restart and every node sharing the folder accepts them.
        services.AddDataProtection().SetApplicationName("FeedHub");
        services.AddOptions<DashboardKeysOptions>().BindConfiguration(AdminOptions.Section);
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<DashboardKeysOptions>, IHostEnvironment, ILoggerFactory>((keys, folder, environment, logging) =>
            keys.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.GetFullPath(folder.Value.KeysPath, environment.ContentRootPath)), logging));
        services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "feedhub-admin";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.Path = "/admin";
            cookie.LoginPath = "/admin/sign-in";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = EndIfTheKeyChangedAsync;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());

        // Guessing the key through the sign-in form is slowed to ten tries a minute per address.
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? string.Empty,
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.KeyGuessesPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                }));
        });
        return services;
    }

    /// <summary>A session for the key just presented.</summary>
    public static ClaimsPrincipal Session(string key) =>
        new(new ClaimsIdentity([new Claim(KeyClaim, AdminKey.Fingerprint(key))], Scheme));

    private static async Task EndIfTheKeyChangedAsync(CookieValidatePrincipalContext context)
    {
        var key = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<AdminOptions>>().CurrentValue.ApiKey;
        var signedInWith = context.Principal?.FindFirst(KeyClaim)?.Value;
        if (string.IsNullOrEmpty(key) || signedInWith != AdminKey.Fingerprint(key))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
