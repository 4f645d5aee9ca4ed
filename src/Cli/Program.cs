using KampungKB.Cli.Commands;

// One line per command: the first word chooses it, the rest is its own business.
return CommandLine.Run(args, new Dictionary<string, Func<ICommand>>(StringComparer.OrdinalIgnoreCase)
{
    ["ingest"] = () => new IngestCommand(),
    ["registry"] = () => new RegistryCommand(),
});
