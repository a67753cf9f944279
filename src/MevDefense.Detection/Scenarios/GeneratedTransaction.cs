namespace MevDefense.Detection.Scenarios;

/// <summary>One generated, signed wire transaction and its role label.</summary>
/// <param name="Wire">The serialized transaction (legacy or v0).</param>
/// <param name="Signature">The first signature.</param>
/// <param name="Role">The role label.</param>
public sealed record GeneratedTransaction(byte[] Wire, Signature Signature, ScenarioRole Role);
