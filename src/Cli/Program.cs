using KampungKB.Cli.Commands;

// One line per command (CommandLine.All): the first word chooses it, the rest is its own business.
return await CommandLine.RunAsync(args, CommandLine.All);
