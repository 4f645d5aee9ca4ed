// The namespaces most of these tests use: the Azurite fixture, harnesses and fake servers, the Model/Store/Uploads vocabulary.
global using KampungKB.Integration.Tests.Azurite;
global using KampungKB.Integration.Tests.Pipeline;
global using KampungKB.Integration.Tests.Recaps;
global using KampungKB.Integration.Tests.Support;
global using KampungKB.Core.Model;
global using KampungKB.Core.Store;
global using KampungKB.Core.Uploads;
global using KampungKB.Core.Uploads.Feedback;
global using KampungKB.Core.Registry;
global using KampungKB.Core.Outbox.Notifications;
global using Azure.Data.Tables;
global using Microsoft.Extensions.Logging.Abstractions;
global using System.Text;
global using System.Text.Json;
namespace KampungKB.Integration.Tests;
