namespace KampungKB.Core.Model;

/// <summary>
/// The one serialised shape of a <see cref="Problem"/> (with camelCase JSON: severity, code, sheet, row,
/// column, text, message) used by <c>kkb ingest --json</c>, the feedback JSON and the upload log.
/// </summary>
public sealed record ProblemJson(string Severity, string Code, string? Sheet, int? Row, string? Column, string? Text, string Message)
{
    public static ProblemJson From(Problem p) => new(
        p.Severity == Model.Severity.Error ? "error" : "warning", p.Code, p.Sheet, p.Row, p.Column, p.Text, p.Message);

    public Problem ToProblem() => new(
        Severity == "error" ? Model.Severity.Error : Model.Severity.Warning, Code, Sheet, Row, Column, Text, Message);
}
