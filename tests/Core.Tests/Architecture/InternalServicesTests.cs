using KampungKB.Core.Model;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Core.Tests.Architecture;

/// <summary>
/// A front door with an internal constructor is registered by its module through <see cref="InternalServices"/>
/// (docs/architecture.md, "Visibility"); it must be built as the container would build a public one.
/// </summary>
public class InternalServicesTests
{
    internal sealed class Part { }

    internal sealed class Other { }

    public sealed class Door
    {
        internal Door(Part part, TimeProvider time, Other? other = null)
        {
            Part = part;
            Time = time;
            Other = other;
        }

        internal Part Part { get; }
        internal TimeProvider Time { get; }
        internal Other? Other { get; }
    }

    [Fact]
    public void InternalConstructor_EachParameterResolved_OptionalLeftAtItsDefault_OneInstance()
    {
        var part = new Part();
        var provider = new ServiceCollection().AddSingleton(part).AddSingleton(TimeProvider.System).AddInternalSingleton<Door>().BuildServiceProvider();
        var door = provider.GetRequiredService<Door>();
        Assert.Same(part, door.Part);
        Assert.Same(TimeProvider.System, door.Time);
        Assert.Null(door.Other);
        Assert.Same(door, provider.GetRequiredService<Door>());
    }

    [Fact]
    public void OptionalParameter_Registered_IsGiven()
    {
        var other = new Other();
        var provider = new ServiceCollection().AddSingleton(new Part()).AddSingleton(TimeProvider.System).AddSingleton(other)
            .AddInternalSingleton<Door>().BuildServiceProvider();
        Assert.Same(other, provider.GetRequiredService<Door>().Other);
    }

    [Fact]
    public void RequiredParameter_NotRegistered_FailsNamingItsType()
    {
        var provider = new ServiceCollection().AddSingleton(new Part()).AddInternalSingleton<Door>().BuildServiceProvider();
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<Door>());
        Assert.Contains(nameof(TimeProvider), e.Message);
    }
}
