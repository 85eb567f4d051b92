using Xunit.Abstractions;
using Xunit.Sdk;

namespace AkkaImap.IntegrationTests.Infrastructure;

/// <summary>Runs a class's tests in the order of their names, for classes that restart their server.</summary>
public sealed class ByNameOrderer : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
