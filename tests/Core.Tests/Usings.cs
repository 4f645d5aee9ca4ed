namespace KampungKB.Core.Tests;
