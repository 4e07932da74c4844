using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using FeedHub.Storage;
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

    private const string KeyClaim = "feedhub:key";

    private const string SessionClaim = "feedhub:session";

    /// <summary>How long an idle session lasts; a signed-out one is remembered this long.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents();

        // Sessions and antiforgery tokens are protected with keys kept in the store, under one
        // application name, so they outlive a restart and every node sharing the store accepts them.
        services.AddDataProtection().SetApplicationName("FeedHub");
        services.AddOptions<KeyManagementOptions>().Configure<KeyRingStore>((keys, store) => keys.XmlRepository = store);
        services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "feedhub-admin";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.Path = "/admin";
            cookie.LoginPath = "/admin/sign-in";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.ExpireTimeSpan = Lifetime;
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = EndIfOverAsync;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());

        return services;
    }

    /// <summary>A new session, with an id of its own, for the key just presented.</summary>
    public static ClaimsPrincipal Session(string key) =>
        new(new ClaimsIdentity([new Claim(KeyClaim, AdminKey.Fingerprint(key)), new Claim(SessionClaim, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)))], Scheme));

    /// <summary>Ends the signed-in session of this request for good: a copy of its cookie kept elsewhere opens nothing after this.</summary>
    public static async Task SignOutAsync(HttpContext context)
    {
        if (context.User.FindFirst(SessionClaim)?.Value is { } session)
        {
            var time = context.RequestServices.GetRequiredService<TimeProvider>();
            await context.RequestServices.GetRequiredService<SignOutStore>().EndAsync(session, time.GetUtcNow() + Lifetime, context.RequestAborted);
        }

        await context.SignOutAsync(Scheme);
    }

    /// <summary>A session is over when the key it signed in with has changed, or when it was signed out.</summary>
    private static async Task EndIfOverAsync(CookieValidatePrincipalContext context)
    {
        var key = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<AdminOptions>>().CurrentValue.ApiKey;
        var signedInWith = context.Principal?.FindFirst(KeyClaim)?.Value;
        var session = context.Principal?.FindFirst(SessionClaim)?.Value;
        if (string.IsNullOrEmpty(key) || signedInWith != AdminKey.Fingerprint(key) || session is null
            || await context.HttpContext.RequestServices.GetRequiredService<SignOutStore>().IsEndedAsync(session, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
