using System.Text.Json;
using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// templates/layouts/other-content.json: what a workbook holds that is not the report (domain.md: what the dinas
/// reads is what the cadre wrote, so an example row, an instruction sheet or next month's plan is never read as
/// this month's report). Optional: without the file nothing is set aside.
/// </summary>
internal sealed partial class LayoutCatalogue
{
    private List<string> _exampleMarkers = [];
    /// <summary>The markers for one vectorised search per cell (most cells hold none).</summary>
    private System.Buffers.SearchValues<string>? _exampleSearch;
    private List<string> _instructionSheets = [];
    private List<string> _instructionHeadings = [];
    private List<(string Kind, string Name, List<string> Markers)> _otherTables = [];

    /// <summary>
    /// True for a text marked as an example: "Contoh", "(contoh)", "Contoh: Posyandu", "Posyandu (contoh)",
    /// "Kelurahan Contoh" — the marker as the whole text, its first word or its last word. "Pemberian contoh
    /// menu sehat" is not. Most cells fail the cheap test (no marker letters at all) without a key being built.
    /// </summary>
    internal bool IsExample(string text)
    {
        if (_exampleSearch is null || text.Length > 200 || !text.AsSpan().ContainsAny(_exampleSearch)) return false;
        var key = Key(text);
        foreach (var m in _exampleMarkers)
            if (key == m || key.StartsWith(m + " ", StringComparison.Ordinal) || key.EndsWith(" " + m, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>A sheet of instructions or examples by its name ("Petunjuk", "Cara Mengisi", "Contoh Pengisian").</summary>
    internal bool IsInstructionSheet(string sheetName)
    {
        var key = Key(sheetName);
        foreach (var m in _instructionSheets)
            if (key == m || key.StartsWith(m + " ", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>A heading that makes the sheet an instruction sheet when it is the sheet's first text ("PETUNJUK PENGISIAN").</summary>
    internal bool IsInstructionHeading(string text)
    {
        var key = Key(text);
        foreach (var m in _instructionHeadings)
            if (key == m || key.StartsWith(m + " ", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// The kind of table a title or header text below the total row announces: ("plan", "rencana kegiatan"),
    /// ("attendance", …), ("officers", …); null when it names none. A marker matches as whole words anywhere.
    /// </summary>
    internal (string Kind, string Name)? OtherTable(string key)
    {
        if (key.Length == 0) return null;
        var padded = " " + key + " ";
        foreach (var (kind, name, markers) in _otherTables)
            foreach (var m in markers)
                if (padded.Contains(" " + m + " ", StringComparison.Ordinal)) return (kind, name);
        return null;
    }

    private void LoadOther((string Path, JsonElement Root)? doc, List<string> errors)
    {
        if (doc is not { } d) return;
        _exampleMarkers = ReadList(d.Root, "exampleMarkers", d.Path, errors).Select(Key).Where(k => k.Length > 0).ToList();
        if (_exampleMarkers.Count > 0) _exampleSearch = System.Buffers.SearchValues.Create(_exampleMarkers.ToArray(), StringComparison.OrdinalIgnoreCase);
        _instructionSheets = ReadList(d.Root, "instructionSheets", d.Path, errors).Select(Key).Where(k => k.Length > 0).ToList();
        _instructionHeadings = ReadList(d.Root, "instructionHeadings", d.Path, errors).Select(Key).Where(k => k.Length > 0).ToList();
        if (!d.Root.TryGetProperty("tablesBelowTotal", out var tables) || tables.ValueKind != JsonValueKind.Object)
        { errors.Add($"{d.Path}: needs \"tablesBelowTotal\": {{ kind: {{ name, markers }} }}"); return; }
        foreach (var t in tables.EnumerateObject())
        {
            if (t.Value.ValueKind != JsonValueKind.Object || !t.Value.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
            { errors.Add($"{d.Path}: \"tablesBelowTotal.{t.Name}\" needs a \"name\" (Indonesian, for messages) and \"markers\""); continue; }
            _otherTables.Add((t.Name, n.GetString()!, ReadList(t.Value, "markers", d.Path, errors).Select(Key).Where(k => k.Length > 0).ToList()));
        }
    }
}
