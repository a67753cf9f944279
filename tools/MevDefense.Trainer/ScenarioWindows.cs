namespace MevDefense.Trainer;

/// <summary>Labelled windows from det-A's signed-transaction scenario generator (MevDefense.Detection.Scenarios), decoded and featurised.</summary>
internal static class ScenarioWindows
{
    public static IEnumerable<LabelledWindow> Generate(int seed, int windows)
        => throw new NotSupportedException($"The scenario generator has not landed yet (seed {seed}, {windows} windows); use --source features.");
}
