// The namespaces most of these tests use: the Model vocabulary and the problem codes.
global using KampungKB.Core.Model;
global using KampungKB.Core.Ingestion.Validation;
global using System.Text;
global using System.Text.Json;
namespace KampungKB.Core.Tests;
