namespace KampungKB.Core.Ingestion.Normalisation;

/// <summary>NoYear: a date written without its year ("12 Nov"); the value's year is a placeholder.</summary>
internal enum ParseStatus { Ok, Empty, Invalid, NotWhole, Negative, NoYear }

/// <summary>The outcome of parsing one cell: a value, nothing (blank or "-"), or why it failed. Never an exception.</summary>
internal readonly record struct Parsed<T>(ParseStatus Status, T Value)
{
    public bool IsOk => Status == ParseStatus.Ok;
    public bool IsEmpty => Status == ParseStatus.Empty;
    public static Parsed<T> Ok(T value) => new(ParseStatus.Ok, value);
    public static Parsed<T> Empty => new(ParseStatus.Empty, default!);
    public static Parsed<T> Fail(ParseStatus status) => new(status, default!);
}
