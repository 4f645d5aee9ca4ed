namespace KampungKB.Core.Model;

/// <summary>An error rejects the upload; a warning is reported to the cadre and the upload is still accepted (docs/ingestion.md).</summary>
public enum Severity { Error, Warning }

/// <summary>
/// One thing wrong (error) or doubtful (warning) in a user's file, located as the cadre sees it in
/// Excel: sheet name, 1-based row number and column letter, plus the original cell text.
/// <see cref="Code"/> is stable kebab-case (see the catalogue in templates/messages); the message is
/// rendered from the catalogue by code, so tests assert codes and arguments, never texts.
/// </summary>
public sealed record Problem(
    Severity Severity,
    string Code,
    string? Sheet,
    int? Row,
    string? Column,
    string? Text,
    string Message,
    IReadOnlyDictionary<string, string>? Args = null);
