using KampungKB.Cli.Commands;

// One line per command: the first word chooses it, the rest is its own business.
return await CommandLine.RunAsync(args, new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["ingest"] = a => CommandLine.Sync(new IngestCommand(), a),
    ["registry"] = a => a.FirstOrDefault() == "import" ? StorageCommands.RegistryImportAsync(a[1..]) : CommandLine.Sync(new RegistryCommand(), a),
    ["reports"] = StorageCommands.ReportsAsync,
    ["dev"] = StorageCommands.DevAsync,
    ["demo"] = DemoCommand.RunAsync,
    ["recap"] = RecapCommand.RunAsync, // issue 4
    ["remind"] = RemindCommand.RunAsync, // issue 4
    ["links"] = LinksCommand.RunAsync,
    ["bench"] = BenchCommand.RunAsync,
    ["poison"] = PoisonCommand.RunAsync,
    ["classes"] = ClassesCommand.RunAsync, // issue 14
});
