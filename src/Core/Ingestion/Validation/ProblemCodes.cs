namespace KampungKB.Core.Ingestion.Validation;

/// <summary>
/// Every problem code the engine can report: stable kebab-case identifiers that callers, tests and the
/// message catalogue (templates/messages/problems.json) key on. Add a code here and a message there.
/// </summary>
public static class ProblemCodes
{
    // The file as a whole.
    public const string UnreadableFile = "unreadable-file";
    /// <summary>Our own code failed on this file (a bug, logged as <c>IngestionBug</c>): the file is not blamed.</summary>
    public const string InternalError = "internal-error";
    public const string UnsupportedFormat = "unsupported-format";
    public const string HtmlTableFile = "html-table-file";
    public const string EncryptedFile = "encrypted-file";
    public const string FileTooLarge = "file-too-large";
    public const string EmptyFile = "empty-file";
    public const string XlsbFile = "xlsb-file";
    public const string PdfFile = "pdf-file";
    public const string ImageFile = "image-file";
    public const string WordFile = "word-file";
    public const string FormulaNotCalculated = "formula-not-calculated";
    public const string HiddenRowsSkipped = "hidden-rows-skipped";
    public const string SuspiciousArchive = "suspicious-archive";
    /// <summary>An XML part declares a DTD or entities, or nests deeper than any spreadsheet does (docs/robustness.md).</summary>
    public const string SuspiciousXml = "suspicious-xml";
    /// <summary>The shared-strings table or the text of all cells is larger than the limits.</summary>
    public const string TooManyStrings = "too-many-strings";
    /// <summary>One cell holds more text than Excel allows (32,767 characters).</summary>
    public const string CellTextTooLong = "cell-text-too-long";
    /// <summary>styles.xml holds more formats than Excel allows.</summary>
    public const string TooManyStyles = "too-many-styles";
    /// <summary>Reading the file took longer than the per-upload deadline.</summary>
    public const string ProcessingTimeout = "processing-timeout";
    public const string TooManyRows = "too-many-rows";
    public const string TooManyCells = "too-many-cells";
    public const string EmptyReport = "empty-report";
    public const string PeriodUnknown = "period-unknown";
    public const string PeriodMismatch = "period-mismatch";

    // Cells.
    public const string InvalidDate = "invalid-date";
    public const string NotANumber = "not-a-number";
    public const string NotWholeNumber = "not-whole-number";
    public const string DecimalCommaCount = "decimal-comma-count";
    public const string CommaThousands = "comma-thousands";
    public const string NegativeCount = "negative-count";
    public const string MissingRequired = "missing-required";
    public const string DateOutsidePeriod = "date-outside-period";
    public const string TotalMismatch = "total-mismatch";
    public const string TotalRowMismatch = "total-row-mismatch";
    public const string DuplicateIndicator = "duplicate-indicator";
    public const string RowNotRead = "row-not-read";
    public const string RowsAfterEnd = "rows-after-end";

    // What a table is: indicator lists, other label-and-number tables, plans (domain.md "What a cadre uploads").
    /// <summary>Warning: a label | number row of an indicator list whose label is no indicator; the number is not read.</summary>
    public const string IndicatorUnknown = "indicator-unknown";
    /// <summary>Warning: a sum rule (methods = PA, methods + reasons = PUS, IAT + TIAL = unmet need) lacks parts while rows were not recognised.</summary>
    public const string SumNotChecked = "sum-not-checked";
    /// <summary>Warning: a label-and-number table that is not an indicator list (a pivot of participants, attendance per group); no figures from it.</summary>
    public const string TableSkipped = "table-skipped";
    /// <summary>Error: the file's only activity table is a plan (Tanggal Rencana, Jumlah Sasaran): nothing says what was carried out.</summary>
    public const string PlanOnly = "plan-only";
    /// <summary>Warning: a plan table beside the report's activities, not counted.</summary>
    public const string PlanSkipped = "plan-skipped";
    /// <summary>Warning: a row with a planned date but no date held, not counted as an activity.</summary>
    public const string PlanNotHeld = "plan-not-held";

    // Indicator rules (errors).
    public const string KbActiveExceedsPus = "kb-active-exceeds-pus";
    public const string MethodSumMismatch = "method-sum-mismatch";
    public const string PusSumMismatch = "pus-sum-mismatch";
    public const string MembersExceedTarget = "members-exceed-target";

    // Plausibility (warnings).
    public const string CprImplausible = "cpr-implausible";
    public const string UnmetNeedHigh = "unmet-need-high";
    public const string UnmetNeedMismatch = "unmet-need-mismatch";
    public const string StockChangeLarge = "stock-change-large";
    public const string FiguresUnchanged = "figures-unchanged";

    // Registry.
    public const string DuplicateCode = "duplicate-code";
    public const string InvalidAreaCode = "invalid-area-code";
    public const string InvalidEmail = "invalid-email";
    public const string InvalidYear = "invalid-year";
    public const string UnknownClass = "unknown-class";
    public const string MissingContact = "missing-contact";
    public const string NotARegistry = "not-a-registry";
    public const string PlaceholderValue = "placeholder-value";
    public const string InvalidProfileValue = "invalid-profile-value";
    /// <summary>Warning: an item of a list column (funding sources, mechanisms, poktan) is none of the BKKBN website's options; not counted.</summary>
    public const string UnknownProfileItem = "unknown-profile-item";
    /// <summary>Warning: a row of the BKKBN website's export without the ids of its desa (provinsi_id … desa_id, or siga_*) is left out; the other rows are imported.</summary>
    public const string RegistryRowSkipped = "registry-row-skipped";
    /// <summary>The "Folder Google Drive" cell is not a Drive folder address (docs/channels.md); the kampung is not linked.</summary>
    public const string InvalidDriveFolder = "invalid-drive-folder";

    // Attribution of an upload to a kampung of the registry (the pipeline, after reading).
    public const string InvalidUploadPath = "invalid-upload-path";
    public const string KampungNotRegistered = "kampung-not-registered";
    public const string KampungUnknown = "kampung-unknown";
    public const string KampungAmbiguous = "kampung-ambiguous";
    public const string KampungMismatch = "kampung-mismatch";
    /// <summary>The kampung is in the registry but retired: its kabupaten/kota's last import no longer listed it (docs/robustness.md).</summary>
    public const string KampungRetired = "kampung-retired";

    // A zip of reports (a folder uploaded at once, docs/channels.md): the zip as a whole, then each file in it.
    /// <summary>A zip of files given where one spreadsheet is read (e.g. <c>kkb ingest</c>); the pipeline expands it instead.</summary>
    public const string ZipOfFiles = "zip-of-files";
    public const string ArchiveTooManyFiles = "archive-too-many-files";
    /// <summary>The zip declares far more bytes than it holds (size or ratio over the limits): refused unopened.</summary>
    public const string ArchiveSuspicious = "archive-suspicious";
    public const string ArchiveNoSpreadsheet = "archive-no-spreadsheet";
    /// <summary>Warning: system files (__MACOSX, ~$ lock files, hidden files) were left out.</summary>
    public const string ArchiveSystemFiles = "archive-system-files";
    public const string ArchiveEntryNotSpreadsheet = "archive-entry-not-spreadsheet";
    public const string ArchiveEntryNestedZip = "archive-entry-nested-zip";
    public const string ArchiveEntryEncrypted = "archive-entry-encrypted";
    public const string ArchiveEntryTooLarge = "archive-entry-too-large";
    public const string ArchiveEntryUnreadable = "archive-entry-unreadable";

    // What a cell, a merge, a sheet or a block of rows really holds (domain.md: what the dinas reads is what the cadre wrote).
    /// <summary>An error value ("#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?" …) where a count or date belongs: never read as empty.</summary>
    public const string CellError = "cell-error";
    /// <summary>Warning: a count merged down over several rows belongs to its first row and is counted once.</summary>
    public const string MergedCountRows = "merged-count-rows";
    /// <summary>Warning: one count merged across the L and P columns is the row's total, its split unknown.</summary>
    public const string MergedCountColumns = "merged-count-columns";
    /// <summary>Warning: an activity row marked as an example ("(contoh)", "Contoh: Posyandu") was not read.</summary>
    public const string ExampleSkipped = "example-skipped";
    /// <summary>Warning: a banner or profile line marked as an example ("Kelurahan Contoh", "Contoh: Bulan Januari 2025") set neither kampung nor period.</summary>
    public const string ExampleBannerSkipped = "example-banner-skipped";
    /// <summary>Warning: a sheet of instructions ("Petunjuk", "Cara Mengisi", "Contoh") was not read as the report.</summary>
    public const string InstructionSheetSkipped = "instruction-sheet-skipped";
    /// <summary>Warning: a sheet opens with instructions; its banner and month count only when no other sheet states them.</summary>
    public const string InstructionHeading = "instruction-heading";
    /// <summary>Warning: a table below the total row with its own header (a plan, an attendance list, the officers) was not counted.</summary>
    public const string TableBelowTotalSkipped = "table-below-total-skipped";
    /// <summary>Warning: below the total row, a table with a header of its own that is no activity table (a cash book, a guest list, an inventory) was set aside; names its rows.</summary>
    public const string TableBelowTotalUnknown = "table-below-total-unknown";
    /// <summary>Warning: a summary block under the activity table (activities counted per bidang, a pivot) was set aside, not read as activities; names its rows.</summary>
    public const string SummaryTableSkipped = "summary-table-skipped";
    /// <summary>Error: an indicator table holds one row of figures per kampung (a dinas form): a report is one kampung's, so nothing of it is stored.</summary>
    public const string SeveralKampungRows = "several-kampung-rows";
    /// <summary>Warning: the identity written in the table (a "Desa/Kelurahan" or "Kecamatan" column) differs from the banner's.</summary>
    public const string IdentityConflict = "identity-conflict";
    /// <summary>Warning: the rows of an identity column name more than one desa/kelurahan or kecamatan.</summary>
    public const string IdentitySeveral = "identity-several";
    /// <summary>Warning: of several monthly sheets only the one of the report's month (link or file name) was read.</summary>
    public const string MonthSheetChosen = "month-sheet-chosen";
    /// <summary>Warning: of several monthly sheets, with no month named by the link or file name, only the last was read.</summary>
    public const string MonthSheetLast = "month-sheet-last";
    /// <summary>Error: nothing visible holds a report, but hidden sheets do (or may): say which, instead of "no table found".</summary>
    public const string SheetHidden = "sheet-hidden";
    /// <summary>Error: a date written without a year ("12 Nov") while the report's month is unknown.</summary>
    public const string DateYearUnknown = "date-year-unknown";
    /// <summary>Warning: the report is for a month that has not ended yet (or not begun).</summary>
    public const string PeriodInFuture = "period-in-future";
    /// <summary>Warning: an activity dated after today.</summary>
    public const string DateInFuture = "date-in-future";

    /// <summary>All codes above, for the catalogue check.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(ProblemCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();
}
