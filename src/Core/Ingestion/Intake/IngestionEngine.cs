using System.Globalization;
using KampungKB.Core.Ingestion.Layouts;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// The front door of ingestion: any Pokja spreadsheet in (.xlsx, .xlsm, .xls, .csv, .tsv), a validated,
/// normalised <see cref="IngestionReport"/> out. Nothing in a user's file throws: every problem becomes a
/// <see cref="Problem"/> with a code and an Indonesian message. Templates are loaded once; one instance is
/// thread-safe and meant to live for the whole process.
/// </summary>
public sealed class IngestionEngine
{
    private readonly IngestionOptions _options;
    private readonly LayoutCatalogue _layouts;
    private readonly MessageCatalogue _messages;

    private IngestionEngine(IngestionOptions options, LayoutCatalogue layouts, MessageCatalogue messages)
    {
        _options = options;
        _layouts = layouts;
        _messages = messages;
    }

    /// <summary>Loads and checks the templates under <paramref name="templatesDir"/> (layouts/, messages/).</summary>
    /// <exception cref="TemplateException">A template is missing or invalid; the message lists every fault.</exception>
    public static IngestionEngine Load(string templatesDir) => Create(new IngestionOptions { TemplatesDirectory = templatesDir });

    /// <exception cref="TemplateException">Options or templates are invalid; the message lists every fault.</exception>
    public static IngestionEngine Create(IngestionOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new TemplateException("Invalid ingestion options: " + string.Join("; ", errors));
        ExcelSource.EnsureCodePages();
        var layouts = LayoutCatalogue.Load(Path.Combine(options.TemplatesDirectory, "layouts"));
        var messages = MessageCatalogue.Load(Path.Combine(options.TemplatesDirectory, "messages", "problems.json"));
        return new IngestionEngine(options, layouts, messages);
    }

    public IngestionOptions Options => _options;

    /// <summary>Test seam: called with each visible sheet's name and the read's deadline token before it is analysed
    /// (to simulate a bug in our sheet code, or a sheet that outlasts the deadline).</summary>
    internal Action<string, CancellationToken>? BeforeSheet { get; set; }

    /// <summary>
    /// A whole-file problem with its message from the same catalogue, for the stages after reading (the
    /// pipeline's attribution to a kampung, size caps before reading).
    /// </summary>
    public Problem Problem(string code, string fileName, IReadOnlyDictionary<string, string>? args = null, Severity severity = Severity.Error)
    {
        var sink = new ProblemSink(_messages, fileName);
        var pairs = (args ?? new Dictionary<string, string>()).Select(a => (a.Key, (object?)a.Value)).ToArray();
        sink.Add(severity, code, null, null, null, null, pairs);
        return sink.Problems[0];
    }

    public IngestionReport Ingest(Stream content, string fileName, CancellationToken cancellationToken = default)
        => Ingest(content, new IngestionContext(fileName), cancellationToken);

    public IngestionReport Ingest(Stream content, string fileName, ReportingPeriod? expectedPeriod, CancellationToken cancellationToken = default)
        => Ingest(content, new IngestionContext(fileName) { ExpectedPeriod = expectedPeriod }, cancellationToken);

    public IngestionReport Ingest(Stream content, IngestionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        var read = ReadReport(content, context, cancellationToken);
        return read.Format is null ? Rejected(context.FileName, read.Sink, null) : Judge(read, context, context.PreviousIndicators);
    }

    /// <summary>
    /// <see cref="Ingest(Stream, IngestionContext, CancellationToken)"/> for a caller that can look up last month's
    /// figures only once the file has said which month it is for (the upload path of a bulk drop or of a link without a
    /// month): the file is read once, and <paramref name="previousIndicators"/> is asked for the report's period only when
    /// the file holds indicators and a period was found (and <see cref="IngestionContext.PreviousIndicators"/> is null).
    /// The report is the one <see cref="Ingest(Stream, IngestionContext, CancellationToken)"/> gives with those figures in
    /// the context.
    /// </summary>
    internal async Task<IngestionReport> IngestAsync(Stream content, IngestionContext context,
        Func<ReportingPeriod, CancellationToken, Task<IReadOnlyDictionary<string, decimal>?>> previousIndicators, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(previousIndicators);
        var read = ReadReport(content, context, cancellationToken);
        if (read.Format is null) return Rejected(context.FileName, read.Sink, null);
        var previous = context.PreviousIndicators;
        if (previous is null && read.Findings.Indicators.Count > 0 && read.Period is { } period)
            previous = await previousIndicators(period, cancellationToken).ConfigureAwait(false);
        return Judge(read, context, previous);
    }

    /// <summary>What reading a report's file gave, before the rules that need figures from outside the file.</summary>
    private sealed record ReportRead(ProblemSink Sink, Findings Findings, string? Format, ReportingPeriod? Period);

    /// <summary>Reads the file (the last month sheet again when several are there and none is the report's month) and finds its period.</summary>
    private ReportRead ReadReport(Stream content, IngestionContext context, CancellationToken cancellationToken)
    {
        var sink = new ProblemSink(_messages, context.FileName);
        var findings = new Findings();
        var start = content.CanSeek ? content.Position : 0;
        var months = new MonthSheets(context.ExpectedPeriod?.Month ?? MonthFromFileName(context.FileName));
        var format = Read(content, context.FileName, sink, findings, AnalysisMode.Report, cancellationToken, context.MaxFileBytes, months, context.Deadline);
        if (format is not null && content.CanSeek && months.Retry() is { } retry)
        {
            // Several monthly sheets and none of the report's month named: read again, the last month sheet only.
            content.Position = start;
            (sink, findings, months) = (new ProblemSink(_messages, context.FileName), new Findings(), retry);
            format = Read(content, context.FileName, sink, findings, AnalysisMode.Report, cancellationToken, context.MaxFileBytes, months, context.Deadline);
        }
        if (format is null) return new ReportRead(sink, findings, null, null);
        if (months.Chosen is { } chosen)
            sink.Warning(months.Only is null ? ProblemCodes.MonthSheetChosen : ProblemCodes.MonthSheetLast, chosen, null, null, null, ("sheets", months.Names));

        var stated = findings.StatedPeriod;
        var fromName = PeriodFromFileName(context.FileName);
        ReportingPeriod? period = null;
        if (context.ExpectedPeriod is { } expected)
        {
            period = expected;
            if (stated is { } s && s.Period != expected)
                sink.Error(ProblemCodes.PeriodMismatch, s.Cell?.Sheet, s.Cell?.Row, s.Cell?.Column, s.Cell?.Text, ("found", s.Period), ("expected", expected));
        }
        else if (stated is { } s) period = s.Period;
        else if (fromName is { } n) period = n;
        else if (findings.Activities.Rows().Any(a => !a.YearMissing))
            period = findings.Activities.Rows().Where(a => !a.YearMissing).GroupBy(a => ReportingPeriod.Of(a.Date))
                .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;
        GiveYears(findings, period, sink);

        if (period is { } p)
            foreach (var a in findings.Activities.Rows().Where(a => !p.Contains(a.Date)))
                sink.Error(ProblemCodes.DateOutsidePeriod, a.Sheet, a.Row, a.DateColumn, a.DateDisplay, ("period", p), ("date", a.Date));
        if (context.Today is { } today) WarnFuture(findings, period, today, sink);
        return new ReportRead(sink, findings, format, period);
    }

    /// <summary>The indicator rules (month to month against <paramref name="previousIndicators"/>), coverage and plans; then the report.</summary>
    private IngestionReport Judge(ReportRead read, IngestionContext context, IReadOnlyDictionary<string, decimal>? previousIndicators)
    {
        var (sink, findings, format, period) = read;
        IndicatorRules.Check(findings.Indicators, _layouts, sink, previousIndicators);
        IndicatorCoverage.Check(findings.Indicators, findings.UnknownIndicators, _layouts, sink);
        SheetAnalyzer.JudgePlans(findings, sink);

        if (findings.Activities.Count == 0 && findings.Indicators.Count == 0 && !findings.RecognisedAnything && findings.PlanTables.Count == 0)
        {
            // Nothing visible holds a report: when hidden sheets were left unread, say so rather than "no table found".
            if (findings.HiddenSheets.Count > 0) sink.Error(ProblemCodes.SheetHidden, args: [("sheets", string.Join(", ", findings.HiddenSheets.Select(n => $"\"{n}\"")))]);
            else sink.Error(format == "html" ? ProblemCodes.HtmlTableFile : ProblemCodes.EmptyReport);
        }
        else if (period is null)
            sink.Error(ProblemCodes.PeriodUnknown);

        sink.Complete(period, findings.SheetOrder);
        var kampung = Identity(findings, context.FileName);
        var status = sink.HasErrors ? ReportStatus.Rejected : ReportStatus.Accepted;
        return new IngestionReport(
            context.FileName, status, period, kampung,
            findings.Activities,
            findings.Indicators.ToDictionary(i => i.Key, i => i.Value.Value, StringComparer.Ordinal),
            sink.Problems, format, findings.Profile.Count > 0 ? findings.Profile : null)
        { ErrorTotal = sink.ErrorCount, WarningTotal = sink.WarningCount };
    }

    /// <summary>Reads a dinas' registry workbook (one row per Kampung KB) through the same reading and layout machinery.</summary>
    public RegistryImport ReadRegistry(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var sink = new ProblemSink(_messages, fileName);
        var findings = new Findings();
        if (Read(content, fileName, sink, findings, AnalysisMode.Registry, cancellationToken) is not null
            && findings.Registry.Count == 0 && !sink.HasErrors)
            sink.Error(ProblemCodes.NotARegistry, args: [("expected", _layouts.RegistryExpected)]);
        sink.Complete(null, findings.SheetOrder);
        return new RegistryImport(fileName, findings.Registry, sink.Problems);
    }

    /// <summary>The layouts this engine reads by (<c>templates/layouts/*.json</c>), for the registry template writer.</summary>
    internal LayoutCatalogue Layouts => _layouts;

    /// <summary>
    /// A report for a month after today's, and activities dated after today: accepted (a cadre may send a plan
    /// by mistake, or mistype a year), with a warning each. <paramref name="today"/> is the caller's local date.
    /// </summary>
    private static void WarnFuture(Findings findings, ReportingPeriod? period, DateOnly today, ProblemSink sink)
    {
        var now = ReportingPeriod.Of(today);
        if (period is { } p && p.CompareTo(now) > 0) sink.Warning(ProblemCodes.PeriodInFuture, args: [("period", p), ("today", today)]);
        foreach (var a in findings.Activities.Rows())
            if (a.Date > today) sink.Warning(ProblemCodes.DateInFuture, a.Sheet, a.Row, a.DateColumn, a.DateDisplay, ("date", a.Date), ("today", today));
    }

    /// <summary>Dates written without a year ("12 Nov") take the report's year; without a period they cannot be read.</summary>
    private void GiveYears(Findings findings, ReportingPeriod? period, ProblemSink sink)
    {
        var unread = false;
        for (var i = 0; i < findings.Activities.Count; i++)
        {
            ref var a = ref findings.Activities.Row(i);
            if (!a.YearMissing) continue;
            var date = period is { } p ? IndonesianDate.WithYearOf(a.Date, p) : null;
            if (date is { } d) { a.Date = d; a.YearMissing = false; continue; }
            // No period: the day exists, its year is what is unknown (a 29 February of the wrong year is a bad date).
            if (period is null) sink.Error(ProblemCodes.DateYearUnknown, a.Sheet, a.Row, a.DateColumn, a.DateDisplay, ("field", _layouts.Activities.Fields["date"].DisplayName));
            else sink.Error(ProblemCodes.InvalidDate, a.Sheet, a.Row, a.DateColumn, a.DateDisplay, ("field", _layouts.Activities.Fields["date"].DisplayName));
            unread = true; // still YearMissing: removed below
        }
        if (unread) findings.Activities.RemoveWhere(a => a.YearMissing);
    }

    private static IngestionReport Rejected(string fileName, ProblemSink sink, string? format) =>
        new(fileName, ReportStatus.Rejected, null, null, [], new Dictionary<string, decimal>(), sink.Problems, format)
        { ErrorTotal = sink.ErrorCount, WarningTotal = sink.WarningCount };

    /// <summary>Sniffs, bounds and reads the file; returns the format read, or null when the file was refused.</summary>
    private string? Read(Stream content, string fileName, ProblemSink sink, Findings findings, AnalysisMode mode, CancellationToken callerToken, long? maxFileBytes = null, MonthSheets? months = null, TimeSpan? deadline = null)
    {
        // The per-upload deadline (docs/robustness.md): a token the readers and the analyzer check every few hundred
        // rows; when it fires (and the caller's own token did not) the file is refused with processing-timeout.
        var limit = deadline ?? _options.Deadline;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        timer.CancelAfter(limit);
        try { return ReadWithin(content, fileName, sink, findings, mode, timer.Token, maxFileBytes, months); }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            sink.Error(ProblemCodes.ProcessingTimeout, args: [("max", (int)Math.Ceiling(limit.TotalSeconds))]);
            return null;
        }
    }

    private string? ReadWithin(Stream content, string fileName, ProblemSink sink, Findings findings, AnalysisMode mode, CancellationToken ct, long? maxFileBytes, MonthSheets? months)
    {
        var maxBytes = maxFileBytes ?? _options.MaxFileBytes;
        Stream? owned = null;
        try
        {
            var stream = content;
            if (!content.CanSeek)
            {
                var copy = new MemoryStream();
                var buffer = new byte[81920];
                int n;
                while ((n = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    copy.Write(buffer, 0, n);
                    if (copy.Length > maxBytes) { TooLarge(copy.Length, true, maxBytes); return null; }
                    ct.ThrowIfCancellationRequested();
                }
                copy.Position = 0;
                stream = owned = copy;
            }
            else
            {
                if (content.Length - content.Position > maxBytes) { TooLarge(content.Length - content.Position, false, maxBytes); return null; }
                if (content.Position != 0) { var copy = new MemoryStream(); content.CopyTo(copy); copy.Position = 0; stream = owned = copy; }
            }

            var format = FileSniffer.Sniff(stream);
            switch (format)
            {
                case FileFormat.Empty: sink.Error(ProblemCodes.EmptyFile); return null;
                case FileFormat.Xlsb: sink.Error(ProblemCodes.XlsbFile); return null;
                case FileFormat.Pdf: sink.Error(ProblemCodes.PdfFile); return null;
                case FileFormat.Image: sink.Error(ProblemCodes.ImageFile); return null;
                case FileFormat.Word: sink.Error(ProblemCodes.WordFile); return null;
                case FileFormat.Archive: sink.Error(ProblemCodes.ZipOfFiles); return null;
                case FileFormat.Xlsx or FileFormat.StrictXlsx or FileFormat.Ods when !ZipGuard.IsSafe(stream, _options): sink.Error(ProblemCodes.SuspiciousArchive); return null;
            }
            try
            {
                // Limits enforced while reading (docs/robustness.md): the parts ExcelDataReader reads whole are streamed
                // under them first; everything else is bounded row by row below.
                switch (format)
                {
                    case FileFormat.Xlsx or FileFormat.StrictXlsx: PackageScan.Check(stream, _options, ct); break;
                    case FileFormat.Ods: PackageScan.CheckOds(stream, _options, ct); break;
                    case FileFormat.SpreadsheetXml: PackageScan.CheckXml(stream); break;
                }
            }
            catch (ReadLimitException limit) { sink.Error(limit.Code, args: limit.Args); return null; }
            if (format == FileFormat.StrictXlsx) stream = owned = Swap(owned, StrictOpenXml.ToTransitional(stream));

            try
            {
                using IWorkbookSource source = format switch
                {
                    FileFormat.Csv => new CsvSource(stream, SheetNameFor(fileName), _options.MaxColumns),
                    FileFormat.SpreadsheetXml => new SpreadsheetMlSource(stream, _options.MaxColumns),
                    FileFormat.Ods => new OdsSource(stream, _options.MaxColumns),
                    FileFormat.Html => new HtmlTableSource(stream, SheetNameFor(fileName), _options.MaxColumns),
                    _ => ExcelSource.Open(stream, format, _options, ct),
                };
                var analyzer = new SheetAnalyzer(_layouts, sink, findings, mode, _options);
                foreach (var sheet in source.Sheets())
                {
                    ct.ThrowIfCancellationRequested();
                    if (sheet.Hidden) { findings.HiddenSheets.Add(sheet.Name); continue; }
                    if (months is not null && !months.Read(sheet.Name)) continue;
                    findings.SheetOrder.Add(sheet.Name);
                    BeforeSheet?.Invoke(sheet.Name, ct);
                    analyzer.Analyze(sheet, ct);
                    if (sheet.Notes.HiddenRows.Count > 0)
                        sink.Warning(ProblemCodes.HiddenRowsSkipped, sheet.Name, null, null, null,
                            ("count", sheet.Notes.HiddenRows.Count), ("rows", RowList(sheet.Notes.HiddenRows)));
                    if (sheet.Notes.UncalculatedCells.Count > 0)
                        sink.Error(ProblemCodes.FormulaNotCalculated, sheet.Name, null, null, null,
                            ("cells", string.Join(", ", sheet.Notes.UncalculatedCells.Take(20))), ("count", sheet.Notes.UncalculatedCells.Count));
                    if (analyzer.CellLimitReached) { sink.Error(ProblemCodes.TooManyCells, args: [("max", _options.MaxCells)]); break; }
                }
                analyzer.ResolveMonthTables(MonthFromFileName(fileName));
                if (mode == AnalysisMode.Report) analyzer.ResolveTableIdentity();
            }
            catch (ReadLimitException limit)
            {
                sink.Error(limit.Code, args: limit.Args);
                return null;
            }
            catch (Exception e) when (format == FileFormat.EncryptedOoxml && e is not OperationCanceledException)
            {
                sink.Error(ProblemCodes.EncryptedFile);
                return null;
            }
            catch (ExcelDataReader.Exceptions.HeaderException) when (format == FileFormat.Unsupported)
            {
                sink.Error(ProblemCodes.UnsupportedFormat);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException && !ReadFaults.IsCritical(e))
            {
                // What the readers throw on a damaged or hostile file is about the file; anything else is our bug.
                if (ReadFaults.Classify(e) == ReadFaults.Kind.Bug) throw new IngestionBugException(e);
                var code = e is ExcelDataReader.Exceptions.InvalidPasswordException || e.GetType().Name.Contains("Password", StringComparison.Ordinal)
                    ? ProblemCodes.EncryptedFile : ProblemCodes.UnreadableFile;
                sink.Error(code, args: [("reason", e.GetType().Name)]);
                return null;
            }
            return format switch
            {
                FileFormat.Xls => "xls", FileFormat.Csv => "csv", FileFormat.SpreadsheetXml => "xml-spreadsheet", FileFormat.Ods => "ods",
                FileFormat.Html => "html", FileFormat.StrictXlsx => "xlsx-strict", FileFormat.Unsupported or FileFormat.EncryptedOoxml => "excel",
                _ => IsMacroName(fileName) ? "xlsm" : "xlsx",
            };
        }
        finally { owned?.Dispose(); }

        void TooLarge(long size, bool atLeast, long max) => sink.Error(ProblemCodes.FileTooLarge,
            args: [("size", atLeast ? sink.Text(MessageCatalogue.AtLeastText, ("size", IndonesianFormat.Megabytes(size))) : IndonesianFormat.Megabytes(size)),
                ("max", IndonesianFormat.Megabytes(max))]);
    }

    private static Stream Swap(Stream? previous, Stream next)
    {
        previous?.Dispose();
        return next;
    }

    /// <summary>"4, 9, 12" — at most ten row numbers, then "…".</summary>
    private static string RowList(List<int> rows) =>
        string.Join(", ", rows.Take(10).Select(r => r.ToString(CultureInfo.InvariantCulture))) + (rows.Count > 10 ? ", …" : "");


    private static bool IsMacroName(string fileName) => fileName.EndsWith(".xlsm", StringComparison.OrdinalIgnoreCase);

    private static string SheetNameFor(string fileName) => Path.GetFileNameWithoutExtension(fileName);

    private static int? MonthFromFileName(string fileName)
    {
        if (PeriodFromFileName(fileName) is { } p) return p.Month;
        foreach (var word in Text.Key(Path.GetFileNameWithoutExtension(fileName)).Split(' '))
            if (word.Length >= 3 && IndonesianDate.MonthOf(word) is { } m) return m;
        return null;
    }

    private static ReportingPeriod? PeriodFromFileName(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName).Replace('_', ' ');
        return IndonesianDate.TryFindPeriod(stem, out var p) ? p : null;
    }

    private KampungIdentity? Identity(Findings f, string fileName)
    {
        var name = f.Identity("name");
        var village = f.Identity("village") ?? VillageFromFileName(fileName, name) ?? StripPrefix(name);
        var district = f.Identity("district");
        var regency = f.Identity("regency");
        return (name ?? village ?? district ?? regency) is null ? null : new KampungIdentity(name, village, district, regency);
    }

    private static string? StripPrefix(string? name) =>
        name is not null && name.StartsWith("Kampung KB ", StringComparison.OrdinalIgnoreCase) ? name["Kampung KB ".Length..].Trim() : name;

    /// <summary>
    /// "E02_data_capaian_oktober_2025_pelambuan.xlsx" → "Pelambuan": the words of the file name that are not
    /// report words, months, years or numbers — used only when they are words of the kampung name.
    /// </summary>
    private string? VillageFromFileName(string fileName, string? kampungName)
    {
        var words = Text.Key(Path.GetFileNameWithoutExtension(fileName)).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.Any(char.IsDigit) && !IndonesianDate.IsMonthWord(w) && !_layouts.FileNameStopWords.Contains(w))
            .ToList();
        if (words.Count == 0 || kampungName is null) return null;
        var nameWords = Text.Key(kampungName).Split(' ');
        if (!words.All(nameWords.Contains)) return null;
        return CultureInfo.InvariantCulture.TextInfo.ToTitleCase(string.Join(' ', words));
    }
}
