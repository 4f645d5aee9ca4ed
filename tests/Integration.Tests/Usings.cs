namespace KampungKB.Integration.Tests;
