using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Core.Model;

/// <summary>
/// Registration of a front door whose constructor is internal (its parameters are Core's inner parts, docs/architecture.md
/// "Visibility"): Microsoft.Extensions.DependencyInjection activates only public constructors, so the module's own
/// registration builds it here the way the container would, each parameter resolved from the provider and an optional one
/// left at its default when nothing is registered for it.
/// </summary>
internal static class InternalServices
{
    /// <summary>Registers <typeparamref name="T"/> as a singleton built by <see cref="Create{T}"/> when first resolved.</summary>
    public static IServiceCollection AddInternalSingleton<T>(this IServiceCollection services) where T : class =>
        services.AddSingleton(sp => Create<T>(sp));

    /// <summary>
    /// Builds <typeparamref name="T"/> through its widest public or internal constructor.
    /// </summary>
    /// <exception cref="InvalidOperationException">A required parameter's type is not registered (the container's own message).</exception>
    public static T Create<T>(IServiceProvider provider) where T : class
    {
        var constructor = typeof(T).GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(c => c.IsPublic || c.IsAssembly).OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select(p => provider.GetService(p.ParameterType)
            ?? (p.HasDefaultValue ? p.DefaultValue
                : throw new InvalidOperationException($"Unable to resolve service for type '{p.ParameterType}' while attempting to activate '{typeof(T)}'.")))
            .ToArray();
        return (T)constructor.Invoke(arguments);
    }
}
