namespace MevDefense.Detection.Decoding;

/// <summary>One transaction of a block as read from a <c>getBlock</c> response: its wire bytes and the addresses its lookup tables loaded (from <c>meta.loadedAddresses</c>, when present).</summary>
/// <param name="Wire">The serialized transaction.</param>
/// <param name="LoadedWritable">The writable addresses loaded from lookup tables, or <see langword="null"/> when the response had none.</param>
/// <param name="LoadedReadonly">The read-only addresses loaded from lookup tables, or <see langword="null"/>.</param>
public sealed record BlockTransaction(byte[] Wire, Pubkey[]? LoadedWritable, Pubkey[]? LoadedReadonly);
