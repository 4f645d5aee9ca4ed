using Google.Apis.Auth.OAuth2;
using Google.Apis.Json;

namespace KampungKB.Core.Uploads.Drive;

/// <summary>Gives the bearer token for each Drive request.</summary>
internal interface IDriveAccessToken
{
    /// <summary>A valid access token (cached and refreshed by the implementation).</summary>
    Task<string> GetAsync(CancellationToken cancellationToken);

    /// <summary>The service account's address the Pokja shares its folder with (shown by <c>kkb drive list</c> and in dinas mails), or null.</summary>
    string? Account { get; }
}

/// <summary>
/// The dinas' Google Cloud service account (Google.Apis.Auth's <see cref="ServiceAccountCredential"/>): a JWT
/// signed with the key is exchanged at the key's <c>token_uri</c> for an access token of the read-only scope
/// <see cref="Scope"/>, cached until shortly before it expires. The product never asks for more than read access.
/// </summary>
public sealed class ServiceAccountAccessToken : IDriveAccessToken
{
    /// <summary>Read-only access to the files shared with the account: the app can never change or delete a cadre's file.</summary>
    public const string Scope = "https://www.googleapis.com/auth/drive.readonly";

    private readonly ServiceAccountCredential _credential;

    private ServiceAccountAccessToken(ServiceAccountCredential credential, string account)
    {
        _credential = credential;
        Account = account;
    }

    /// <inheritdoc />
    public string? Account { get; }

    /// <summary>Builds the credential from <paramref name="key"/> (JSON text or a path to the .json file).</summary>
    /// <exception cref="InvalidOperationException">The key is not a usable service-account key (the message says why).</exception>
    public static ServiceAccountAccessToken FromKey(string key) =>
        ReadKey(key, out var error) ?? throw new InvalidOperationException(error);

    /// <summary>The credential, or null with <paramref name="error"/> (never quoting the key itself).</summary>
    internal static ServiceAccountAccessToken? ReadKey(string key, out string error)
    {
        error = "";
        var json = key.TrimStart().StartsWith('{') ? key : null;
        if (json is null)
        {
            if (!File.Exists(key)) { error = "neither a service-account JSON key nor the path of an existing .json file."; return null; }
            json = File.ReadAllText(key);
        }
        JsonCredentialParameters? p;
        try { p = NewtonsoftJsonSerializer.Instance.Deserialize<JsonCredentialParameters>(json); }
        catch (Newtonsoft.Json.JsonException) { error = "the key is not valid JSON."; return null; }
        if (p is null || p.Type != JsonCredentialParameters.ServiceAccountCredentialType)
        {
            error = "the JSON is not a service-account key (\"type\": \"service_account\"); create a key for the service account in the Google Cloud console.";
            return null;
        }
        if (string.IsNullOrWhiteSpace(p.ClientEmail) || string.IsNullOrWhiteSpace(p.PrivateKey))
        {
            error = "the key has no client_email or private_key.";
            return null;
        }
        try
        {
            var initializer = new ServiceAccountCredential.Initializer(p.ClientEmail, string.IsNullOrWhiteSpace(p.TokenUri) ? GoogleAuthConsts.OidcTokenUrl : p.TokenUri)
            {
                Scopes = [Scope],
                ProjectId = p.ProjectId,
                KeyId = p.PrivateKeyId,
            }.FromPrivateKey(p.PrivateKey);
            return new ServiceAccountAccessToken(new ServiceAccountCredential(initializer), p.ClientEmail);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            error = "the private_key of the key cannot be read.";
            return null;
        }
    }

    /// <inheritdoc />
    public Task<string> GetAsync(CancellationToken cancellationToken) =>
        ((ITokenAccess)_credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
}
