using System.Globalization;
using System.Text.RegularExpressions;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

internal sealed partial class SheetAnalyzer
{
    private static readonly (string Field, int Width)[] IdColumns = [("provinceId", 2), ("regencyId", 2), ("districtId", 2), ("villageId", 4)];

    /// <summary>
    /// The SIGA columns of the BKKBN website's regional update export: the codes after a kecamatan split (pemekaran). The website
    /// moved every kampung of such a row to these codes (its seeder <c>22-kampung-regional-update.sql</c> sets the kampung's ids to
    /// the lpad-ed <c>siga_*</c> ids), so a row that has them is registered under them, not under the old pre-split ids.
    /// </summary>
    private static readonly (string Field, int Width)[] SigaColumns = [("sigaProvinceId", 2), ("sigaRegencyId", 2), ("sigaDistrictId", 2), ("sigaVillageId", 4)];

    /// <summary>A registry header needs the kampung name and either an area code or the four id columns of the BKKBN website's export.</summary>
    private static bool IsRegistryHeader(IReadOnlyDictionary<string, int> columns) =>
        columns.ContainsKey("name") && (columns.ContainsKey("areaCode") || IdColumns.All(c => columns.ContainsKey(c.Field)));

    /// <summary>
    /// Reads the rows of a dinas' registry (one Kampung KB per row): the dinas' own workbook or the BKKBN website's
    /// CSV export (area code composed from <c>provinsi_id</c>/<c>kabupaten_id</c>/<c>kecamatan_id</c>/<c>desa_id</c>),
    /// plus the optional profile columns that feed the class (<see cref="KampungProfile"/>).
    /// </summary>
    private sealed class RegistryRowReader(SheetAnalyzer owner, string sheet, HeaderMatch header)
    {
        private readonly Dictionary<string, (int Row, int Index, string? Rw)> _codes = new(StringComparer.Ordinal);
        private readonly int _labelColumnsEnd = new[] { header.Column("number"), header.Column("areaCode"), header.Column("name"), 2 }.Max();

        private LayoutCatalogue Catalogue => owner._catalogue;
        private ProblemSink Sink => owner._sink;
        private List<RegistryEntry> Entries => owner._findings.Registry;
        private string Display(string field) => header.Layout.Fields[field].DisplayName;

        internal TableReader.Outcome Read(RawRow row)
        {
            var codeCol = header.Column("areaCode") is var c && c >= 0 ? c : header.Column("villageId");
            var (codeText, code, hasIds, incomplete) = AreaCodeOf(row);
            var siga = code is not null && SigaCodeOf(row) is { } current && current != code;
            if (siga) code = SigaCodeOf(row);
            var name = NameText(row, "name");
            var village = (siga ? NameText(row, "sigaVillage") : null) ?? NameText(row, "village");
            if (codeText is null || code is null)
            {
                if (owner.IsTotalRow(row, _labelColumnsEnd)) return TableReader.Outcome.EndTotal;
                if (owner.IsEndRow(row)) return TableReader.Outcome.EndSignature;
            }
            if (codeText is null && name is null && !hasIds) return TableReader.Outcome.Continue;
            // The website's export holds kampung whose desa was never set (ids blank, "?" or ".-"): such a row cannot be a
            // kampung here, but it must not cost the dinas the other rows. It is left out and listed; the rest is imported.
            if (incomplete && header.Column("areaCode") < 0)
            {
                Sink.Warning(ProblemCodes.RegistryRowSkipped, sheet, row.Number, codeCol, codeText, ("name", name ?? Display("name")));
                return TableReader.Outcome.Continue;
            }
            // A placeholder name (warned above) takes the desa's; a blank name stays an error.
            if (name is null && village is not null && header.Column("name") is var nc && nc >= 0 && row[nc] is string ns && Catalogue.IsPlaceholder(ns.Trim()))
                name = "Kampung KB " + village;
            var ok = true;
            if (codeText is null) { Sink.Error(ProblemCodes.MissingRequired, sheet, row.Number, codeCol, null, ("field", Display(header.Columns.ContainsKey("areaCode") ? "areaCode" : "villageId"))); ok = false; }
            if (name is null) { Sink.Error(ProblemCodes.MissingRequired, sheet, row.Number, header.Column("name"), null, ("field", Display("name"))); ok = false; }
            var rw = Rw(row, name);
            if (codeText is not null && code is null) { Sink.Error(ProblemCodes.InvalidAreaCode, sheet, row.Number, codeCol, codeText); ok = false; }
            else if (code is not null) code = Claim(code, rw, row, codeCol, codeText!, ref ok);

            var label = Str(row, "class");
            KampungClass? cls = null;
            if (label is not null && !Catalogue.IsPlaceholder(label))
            {
                cls = Catalogue.Class(label);
                if (cls is null) Sink.Warning(ProblemCodes.UnknownClass, sheet, row.Number, header.Column("class"), label);
            }
            else label = null;
            var year = YearFounded(row, ref ok);
            var pokjaEmail = Email(row, "pokjaEmail", ref ok);
            var pkbEmail = Email(row, "pkbEmail", ref ok);
            var phone = Str(row, "pokjaPhone");
            // WhatsApp is opt-in per kampung; the number defaults to the Pokja's phone.
            var whatsApp = Str(row, "whatsApp");
            var optIn = Str(row, "whatsAppOptIn") is { } consent && Catalogue.YesNo(consent) == true;
            var pkbName = NameText(row, "pkbName");
            var display = name ?? codeText ?? "";
            foreach (var (field, value) in new[] { ("pokjaEmail", pokjaEmail), ("pokjaPhone", phone), ("pkbEmail", pkbEmail) })
                if (value is null && header.Column(field) >= 0)
                    Sink.Warning(ProblemCodes.MissingContact, sheet, row.Number, header.Column(field), null, ("field", Display(field)), ("name", display));
            var profile = new RegistryProfileReader(owner, sheet, header, row).Read(pkbName);
            var driveFolder = DriveFolder(row);
            var accepted = ok && code is not null && name is not null;
            if (code is not null) _codes[code] = (row.Number, accepted ? Entries.Count : -1, rw);
            if (!accepted) return TableReader.Outcome.Continue;
            var district = (siga ? NameText(row, "sigaDistrict") : null) ?? NameText(row, "district");
            var regencyName = (siga ? NameText(row, "sigaRegency") : null) ?? NameText(row, "regency");
            Entries.Add(new RegistryEntry(code!, name!, village, district, regencyName, label, cls, year,
                pokjaEmail, phone, pkbName, pkbEmail, sheet, row.Number, profile, driveFolder) { WhatsAppNumber = whatsApp, WhatsAppOptIn = optIn });
            return TableReader.Outcome.Continue;
        }

        /// <summary>
        /// The key a kampung gets: its desa code, or <c>PP.KK.CC.DDDD-RWnn</c> for a Kampung KB at RW level that shares
        /// its desa with another (an RW column, or "RW 05" in its name). Any other repeat is a duplicate.
        /// </summary>
        private string? Claim(string code, string? rw, RawRow row, int codeCol, string codeText, ref bool ok)
        {
            if (!_codes.TryGetValue(code, out var first)) return code;
            if (rw is not null && !_codes.ContainsKey(WithRw(code, rw))) return WithRw(code, rw);
            if (rw is null && first.Index >= 0 && first.Rw is { } firstRw && !_codes.ContainsKey(WithRw(code, firstRw)))
            {
                var moved = Entries[first.Index] with { AreaCode = WithRw(code, firstRw) };
                Entries[first.Index] = moved;
                _codes[moved.AreaCode] = first;
                _codes.Remove(code);
                return code;
            }
            Sink.Error(ProblemCodes.DuplicateCode, sheet, row.Number, codeCol, codeText, ("firstRow", first.Row));
            ok = false;
            return null;
        }

        private static string WithRw(string code, string rw) => $"{code}-RW{rw}";

        private string? Rw(RawRow row, string? name)
        {
            var text = Str(row, "rw") ?? (name is null ? null : RwInName().Match(name) is { Success: true } m ? m.Groups[1].Value : null);
            if (text is null || !int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 999) return null;
            return n.ToString("D2", CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// (text as written or composed, normalised code or null when invalid, whether the id columns hold anything, whether
        /// an id is blank or not digits — an incomplete export row rather than a wrong code).
        /// </summary>
        private (string? Text, string? Code, bool HasIds, bool Incomplete) AreaCodeOf(RawRow row)
        {
            if (Str(row, "areaCode") is { } written) return (written, NormaliseAreaCode(written), false, false);
            var (text, code, incomplete) = Compose(row, IdColumns);
            if (text is null && !incomplete && SigaCodeOf(row) is { } siga) return (siga, siga, true, false);
            if (incomplete && SigaCodeOf(row) is { } fromSiga) return (text ?? fromSiga, fromSiga, true, false);
            return (text, code, text is not null, incomplete);
        }

        /// <summary>The code from the <c>siga_*</c> columns when all four hold digits, else null.</summary>
        private string? SigaCodeOf(RawRow row) => Compose(row, SigaColumns) is { Code: { } c } ? c : null;

        private (string? Text, string? Code, bool Incomplete) Compose(RawRow row, (string Field, int Width)[] columns)
        {
            if (columns.Any(c => header.Column(c.Field) < 0)) return (null, null, false);
            var raw = columns.Select(c => Text.IsBlank(row[header.Column(c.Field)]) ? null : Text.Display(row[header.Column(c.Field)])?.Trim()).ToArray();
            if (raw.All(r => r is null || r.Length == 0 || Catalogue.IsPlaceholder(r))) return (null, null, true);
            var text = string.Join("/", raw.Select(r => r ?? "?"));
            var digits = "";
            for (var i = 0; i < columns.Length; i++)
            {
                var d = raw[i];
                if (d is null || d.Length == 0 || !d.All(char.IsAsciiDigit)) return (text, null, true);
                var width = columns[i].Width;
                // Some exports give the full prefix ("6301" as kabupaten_id under provinsi 63): keep its own digits.
                if (d.Length == digits.Length + width && d.StartsWith(digits, StringComparison.Ordinal)) d = d[digits.Length..];
                if (d.Length > width) return (text, null, false);
                digits += d.PadLeft(width, '0');
            }
            return (text, $"{digits[..2]}.{digits[2..4]}.{digits[4..6]}.{digits[6..]}", false);
        }

        private int? YearFounded(RawRow row, ref bool ok)
        {
            var col = header.Column("yearFounded");
            if (col < 0 || Text.IsBlank(row[col]) || row[col] is string p && Catalogue.IsPlaceholder(p)) return null;
            var cell = row[col];
            var count = IndonesianNumber.ParseCount(cell);
            if (count.IsOk && count.Value is >= 1970 and <= 2100) return count.Value;
            if (cell is DateTime dt) return dt.Year;
            if (cell is string s)
            {
                var date = IndonesianDate.Parse(s);
                if (date.IsOk && date.Value.Year is >= 1970 and <= 2100) return date.Value.Year;
                if (YearInText().Matches(s) is { Count: 1 } m) return int.Parse(m[0].Value, CultureInfo.InvariantCulture);
            }
            Sink.Error(ProblemCodes.InvalidYear, sheet, row.Number, col, Text.Display(cell));
            ok = false;
            return null;
        }

        /// <summary>A name cell: ".-", "-", "?" are placeholders, read as missing with a warning.</summary>
        private string? NameText(RawRow row, string field)
        {
            var col = header.Column(field);
            if (col < 0 || Text.IsBlank(row[col])) return null;
            var s = Text.Collapse(Text.Display(row[col]) ?? "");
            if (s.Length == 0) return null;
            if (!Catalogue.IsPlaceholder(s)) return s;
            Sink.Warning(ProblemCodes.PlaceholderValue, sheet, row.Number, col, s, ("field", Display(field)));
            return null;
        }

        private string? Str(RawRow row, string field)
        {
            var col = header.Column(field);
            if (col < 0 || Text.IsBlank(row[col])) return null;
            var s = Text.Collapse(Text.Display(row[col]) ?? "");
            return s.Length == 0 || s is "-" ? null : s;
        }

        /// <summary>The Google Drive folder id of the optional column; an address that is no folder link is a warning (the kampung is then not linked).</summary>
        private string? DriveFolder(RawRow row)
        {
            var text = Str(row, "driveFolder");
            if (text is null || Catalogue.IsPlaceholder(text)) return null;
            if (DriveFolderUrl.TryParse(text, out var id, out _)) return id;
            Sink.Warning(ProblemCodes.InvalidDriveFolder, sheet, row.Number, header.Column("driveFolder"), text);
            return null;
        }

        private string? Email(RawRow row, string field, ref bool ok)
        {
            var text = Str(row, field);
            if (text is null || Catalogue.IsPlaceholder(text)) return null;
            if (EmailPattern().IsMatch(text)) return text;
            Sink.Error(ProblemCodes.InvalidEmail, sheet, row.Number, header.Column(field), text);
            ok = false;
            return null;
        }
    }

    [GeneratedRegex(@"\bRW\.?\s*0*(\d{1,3})\b", RegexOptions.IgnoreCase)]
    private static partial Regex RwInName();

    [GeneratedRegex(@"\b(?:19[7-9]\d|20\d\d)\b")]
    private static partial Regex YearInText();
}
