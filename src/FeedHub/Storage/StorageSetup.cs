using Microsoft.Extensions.Options;

namespace FeedHub.Storage;

internal static class StorageSetup
{
    /// <summary>The store (SQLite or PostgreSQL, chosen by <c>FeedHub:Storage:Provider</c>), its migrations, and one store class per table.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<StorageOptions>(StorageOptions.Section)
            .Validate(o => Enum.IsDefined(o.Provider), "FeedHub:Storage:Provider must be Sqlite or Postgres.")
            .Validate(
                o => o.Provider != StorageProvider.Sqlite || !SqliteDatabase.IsInMemory(o.ConnectionString),
                "FeedHub:Storage:ConnectionString: an in-memory SQLite database would lose every item; give a file.")
            .Validate(
                o => o.Provider != StorageProvider.Postgres || PostgresDatabase.IsValid(o.ConnectionString),
                "FeedHub:Storage:ConnectionString: with the Postgres provider, give an Npgsql connection string naming a Host and a Database (Host=db;Database=feedhub;Username=feedhub;Password=...).");
        builder.Services.AddSingleton<Database>(services =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            var environment = services.GetRequiredService<IHostEnvironment>();
            return options.Provider == StorageProvider.Postgres
                ? new PostgresDatabase(options.ConnectionString)
                : new SqliteDatabase(options.ConnectionString, environment.ContentRootPath);
        });
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton<SourceStore>();
        builder.Services.AddSingleton<ItemStore>();
        builder.Services.AddSingleton<FetchLogStore>();
        builder.Services.AddSingleton<PollStore>();
        builder.Services.AddSingleton<ChannelSequenceStore>();
        builder.Services.AddSingleton<ContentVersion>();
        builder.Services.AddSingleton<ArticleStore>();
        builder.Services.AddSingleton<WebSubStore>();
        builder.Services.AddSingleton<UpstreamSubscriptionStore>();
        builder.Services.AddSingleton<SignOutStore>();
        builder.Services.AddSingleton<KeyRingStore>();
        return builder;
    }
}
