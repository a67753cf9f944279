using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>
/// A fact of the store conformance suite. When the concrete test class has a public static <c>StoreSkipReason</c> that is not
/// null (its backing service is unreachable locally), the test is reported as skipped with that reason instead of running.
/// </summary>
[XunitTestCaseDiscoverer("MevDefense.Dna.Tests.Stores.StoreFactDiscoverer", "MevDefense.Dna.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests, skipping them per concrete class.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        Type? type = testMethod.TestClass.Class.ToRuntimeType();
        if (type?.GetProperty("StoreSkipReason", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)?.GetValue(null) is string reason)
        {
            return [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
