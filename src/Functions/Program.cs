using KampungKB.Functions;

return await HandlerApp.RunAsync(args);

public partial class Program;
