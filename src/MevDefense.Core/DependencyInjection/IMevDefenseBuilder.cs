using Microsoft.Extensions.DependencyInjection;

namespace MevDefense;

/// <summary>Composes MevDefense features; returned by <c>services.AddMevDefense()</c>.</summary>
public interface IMevDefenseBuilder
{
    /// <summary>Gets the service collection the features are registered in.</summary>
    IServiceCollection Services { get; }
}
