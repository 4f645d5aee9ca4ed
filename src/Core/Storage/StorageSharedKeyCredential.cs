using System.Security.Cryptography;
using System.Text;

namespace KampungKB.Core.Storage;

/// <summary>An account name and its base64 account key, used to sign requests with Shared Key.</summary>
public sealed class StorageSharedKeyCredential
{
    private readonly byte[] _key;

    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        AccountName = accountName;
        try
        {
            _key = Convert.FromBase64String(accountKey);
        }
        catch (FormatException)
        {
            throw new ArgumentException("The storage account key is not valid base64.", nameof(accountKey));
        }
    }

    public string AccountName { get; }

    internal string ComputeSignature(string stringToSign)
    {
        var hash = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign));
        return Convert.ToBase64String(hash);
    }
}
