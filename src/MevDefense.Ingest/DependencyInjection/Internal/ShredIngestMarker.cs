namespace MevDefense.Ingest.DependencyInjection.Internal;

/// <summary>Marks that <c>AddShredIngest</c> ran (idempotency).</summary>
internal sealed class ShredIngestMarker;
