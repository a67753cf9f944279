namespace MevDefense.Dna;

/// <summary>A named amount recorded with a decision (for example <c>victimLoss</c> in the smallest unit of the quote token).</summary>
/// <param name="Name">The amount's name; must not be empty.</param>
/// <param name="Value">The amount. Its scale is preserved exactly in the canonical bytes (<c>1.50</c> differs from <c>1.5</c>).</param>
public readonly record struct DecisionAmount(string Name, decimal Value);
