using MevDefense.Ingest.Fec;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Pipeline;

/// <summary>
/// Legacy (pre-Merkle, 0xA5 data / 0x5A coding) shreds, as in agave <c>ledger/src/shred/legacy.rs</c>: every shred is signed by
/// the leader individually over payload[64..1228] (one Ed25519 check per shred, inherent to the format); FEC sets are keyed by
/// (slot, fec_set_index) and recovered with <see cref="LegacyErasure"/> once data + coding shreds reach num_data. Legacy sets
/// own their data buffers like Merkle sets (kept until the set is complete and consumed, or its slot retired), so that recovery
/// has the received shards; legacy is historical replay, not the hot path, and may allocate during recovery.
/// </summary>
public sealed partial class ShredPipeline
{
    private readonly Memory<byte>[] _legacyData = new Memory<byte>[FecSetState.MaxShardsPerKind];
    private readonly ReadOnlyMemory<byte>[] _legacyCode = new ReadOnlyMemory<byte>[FecSetState.MaxShardsPerKind];

    private ShredProcessResult ProcessLegacyData(ReadOnlySpan<byte> shred, in ShredHeader h, long ts, out ShredRejectReason reason)
    {
        reason = ShredRejectReason.None;
        FindSet(h.Slot, h.FecSetIndex, out var slot, out var set); // slot is found even when the set is not held
        if (slot is not null && slot.IsPresent(h.Index))
        {
            // Same (slot, index, data) again: a duplicate, or — different signed bytes — an equivocation.
            return slot.Data.TryGetValue(h.Index, out var held) && !SamePadded(shred, held.Buffer)
                ? OnLegacyConflict(shred, h, set, held.Buffer, out reason)
                : Duplicate();
        }

        int pos = (int)(h.Index - h.FecSetIndex);
        if (set is not null && (set.Family != ShredKind.LegacyData || h.Version != set.Version
            || (set.NumData != 0 && pos >= set.NumData) || (set.ParentOffset >= 0 && h.ParentOffset != set.ParentOffset)))
        {
            return Reject(reason = ShredRejectReason.InconsistentWithFecSet);
        }

        if (!TryVerifyLegacy(shred, h.Slot, out bool? valid, out reason))
        {
            return Reject(reason);
        }

        slot ??= GetSlot(h.Slot); // created only for shreds that passed verification
        set ??= RentLegacySet(slot, h, shred);
        NoteLegacySignature(set, valid);
        var buf = RentBuffer();
        CopyPadded(shred, buf);
        FecSetState? owner = null;
        if (pos < FecSetState.MaxShardsPerKind)
        {
            owner = set;
            set.AddReceivedData(pos, buf, h);
        }

        AddData(slot, h.Index, buf, h.Flags, ts, owner);
        if (owner is not null)
        {
            TryComplete(slot, set, ts);
        }

        return ShredProcessResult.Accepted;
    }

    private ShredProcessResult ProcessLegacyCode(ReadOnlySpan<byte> shred, in ShredHeader h, long ts, out ShredRejectReason reason)
    {
        reason = ShredRejectReason.None;
        int pos = h.Position;
        if (pos >= FecSetState.MaxShardsPerKind || h.NumDataShreds > FecSetState.MaxShardsPerKind || h.NumCodingShreds > FecSetState.MaxShardsPerKind)
        {
            return Reject(reason = ShredRejectReason.InvalidCodingHeader);
        }

        FindSet(h.Slot, h.FecSetIndex, out var slot, out var set);
        if (set is not null)
        {
            if (set.Family != ShredKind.LegacyData || h.Version != set.Version)
            {
                return Reject(reason = ShredRejectReason.InconsistentWithFecSet);
            }

            if (set.CodePresent[pos])
            {
                return set.Code[pos] is { } held && !held.AsSpan(0, ShredConstants.CodePayloadSize).SequenceEqual(shred)
                    ? OnLegacyConflict(shred, h, set, held, out reason)
                    : Duplicate();
            }

            if (set.NumData != 0
                && (h.NumDataShreds != set.NumData || h.NumCodingShreds != set.NumCode || h.Index - h.Position != set.FirstCodeIndex))
            {
                return OnLegacyConflict(shred, h, set, null, out reason); // a second, conflicting erasure config for the set
            }

            if (set.NumData == 0 && set.HighestDataPosition >= h.NumDataShreds)
            {
                return Reject(reason = ShredRejectReason.InconsistentWithFecSet);
            }
        }

        if (!TryVerifyLegacy(shred, h.Slot, out bool? valid, out reason))
        {
            return Reject(reason);
        }

        slot ??= GetSlot(h.Slot);
        set ??= RentLegacySet(slot, h, shred);
        NoteLegacySignature(set, valid);
        set.CodePresent[pos] = true;
        set.CodeReceived++;
        if (set.NumData == 0)
        {
            set.NumData = h.NumDataShreds;
            set.NumCode = h.NumCodingShreds;
            set.FirstCodeIndex = h.Index - h.Position;
        }

        if (!set.Complete)
        {
            var buf = RentBuffer();
            CopyPadded(shred, buf);
            set.Code[pos] = buf;
        }

        TryComplete(slot, set, ts);
        return ShredProcessResult.Accepted;
    }

    /// <summary>Recovers the missing data shreds of a legacy set; each must parse as a data shred of the set and carry a valid leader
    /// signature (when verification is on), else nothing is emitted and the failure is counted.</summary>
    private void RecoverLegacy(SlotState slot, FecSetState set, long ts)
    {
        int k = set.NumData;
        int m = set.NumCode;
        for (int i = 0; i < k; i++)
        {
            if (!set.DataPresent[i])
            {
                set.Data[i] = RentBuffer();
            }

            _legacyData[i] = set.Data[i];
        }

        for (int j = 0; j < m; j++)
        {
            bool held = set.CodePresent[j] && set.Code[j] is not null; // a coding shred's buffer is kept until the set completes
            _shardPresent[j] = held;
            _legacyCode[j] = held ? set.Code[j] : ReadOnlyMemory<byte>.Empty;
        }

        bool ok = LegacyErasure.TryRecoverData(
            _codecs.Get(k, m), set.Slot, set.Version, set.FecSetIndex,
            _legacyData.AsSpan(0, k), set.DataPresent.AsSpan(0, k), _legacyCode.AsSpan(0, m), _shardPresent.AsSpan(0, m));
        Array.Clear(_legacyData, 0, k);
        Array.Clear(_legacyCode, 0, m);
        for (int i = 0; ok && i < k; i++)
        {
            ok = set.DataPresent[i] || IsValidRecoveredLegacy(set, set.Data[i]!.AsSpan(0, ShredConstants.CodePayloadSize));
        }

        if (!ok)
        {
            Stats._recoveryFailures++;
            set.RecoveryFailed = true;
            ReleaseUnrecoveredData(set, k);

            return;
        }

        if (_observer is not null)
        {
            for (int i = 0; i < k; i++)
            {
                if (!set.DataPresent[i])
                {
                    _observer.OnShredRecovered(set.Slot, set.FecSetIndex + (uint)i, true, set.Data[i].AsSpan(0, ShredConstants.CodePayloadSize));
                }
            }
        }

        CommitRecoveredData(slot, set, k, ts);
    }

    private bool IsValidRecoveredLegacy(FecSetState set, ReadOnlySpan<byte> payload)
    {
        if (!ShredParser.TryRead(payload, _rules, out var rh, out _) || rh.Kind != ShredKind.LegacyData
            || (set.ParentOffset >= 0 && rh.ParentOffset != set.ParentOffset))
        {
            return false;
        }

        if (_options.VerifySignatures && _options.LeaderSchedule is not null && _options.LeaderSchedule.TryGetLeader(set.Slot, out var leader))
        {
            Stats._signatureVerifications++;
            return _verifier.VerifyUncached(leader, payload[..Signature.Size], payload[Signature.Size..ShredConstants.CodePayloadSize]);
        }

        return true;
    }

    /// <summary>Checks one legacy shred's own signature (over payload[64..1228], zero padded when stored trimmed).</summary>
    private bool TryVerifyLegacy(ReadOnlySpan<byte> shred, ulong slot, out bool? valid, out ShredRejectReason reason)
    {
        reason = ShredRejectReason.None;
        valid = null;
        if (!_options.VerifySignatures)
        {
            return true;
        }

        if (_options.LeaderSchedule is null || !_options.LeaderSchedule.TryGetLeader(slot, out var leader))
        {
            reason = _options.RejectInvalidSignatures ? ShredRejectReason.UnknownLeader : ShredRejectReason.None;
            return !_options.RejectInvalidSignatures;
        }

        ReadOnlySpan<byte> message;
        if (shred.Length >= ShredConstants.CodePayloadSize)
        {
            message = shred[Signature.Size..ShredConstants.CodePayloadSize];
        }
        else
        {
            Array.Clear(_legacyScratch);
            shred[Signature.Size..].CopyTo(_legacyScratch);
            message = _legacyScratch.AsSpan(0, ShredConstants.CodePayloadSize - Signature.Size);
        }

        Stats._signatureVerifications++;
        valid = _verifier.VerifyUncached(leader, shred[..Signature.Size], message);
        if (valid == false && _options.RejectInvalidSignatures)
        {
            reason = ShredRejectReason.InvalidSignature;
            return false;
        }

        return true;
    }

    /// <summary>A second, different legacy shred for a held (slot, index, type) or a conflicting erasure config: reported as an
    /// equivocation once per set when its own signature holds (or verification is off), rejected either way.</summary>
    private ShredProcessResult OnLegacyConflict(ReadOnlySpan<byte> shred, in ShredHeader h, FecSetState? set, byte[]? held, out ShredRejectReason reason)
    {
        bool verified = false;
        if (_options.VerifySignatures)
        {
            if (!TryVerifyLegacy(shred, h.Slot, out var valid, out reason) || valid != true)
            {
                return Reject(reason = reason == ShredRejectReason.None ? ShredRejectReason.InvalidSignature : reason);
            }

            verified = true;
        }

        if (set is null || !set.Equivocated)
        {
            if (set is not null)
            {
                set.Equivocated = true;
            }

            Stats._equivocations++;
            _metrics?.Equivocation();
            var first = held is not null ? new Signature(held.AsSpan(0, Signature.Size)) : new Signature(set!.Signature);
            _observer?.OnEquivocation(new ShredEquivocation(h.Slot, h.FecSetIndex, first, new Signature(shred[..Signature.Size]), verified));
        }

        return Reject(reason = ShredRejectReason.Equivocation);
    }

    private FecSetState RentLegacySet(SlotState slot, in ShredHeader h, ReadOnlySpan<byte> shred)
    {
        var set = RentSet(slot, h);
        set.Family = ShredKind.LegacyData;
        set.Version = h.Version;
        shred[..Signature.Size].CopyTo(set.Signature); // the first shred's; every legacy shred carries its own
        return set;
    }

    /// <summary>A legacy set's signature state: false once any accepted shred failed, true when all checked ones held.</summary>
    private static void NoteLegacySignature(FecSetState set, bool? valid)
    {
        if (valid is { } v && set.SignatureValid != false)
        {
            set.SignatureValid = v;
        }
    }

    /// <summary>Copies a legacy shred into a pooled buffer zero-padded to 1,228 bytes (the erasure shard and signed range need it).</summary>
    private static void CopyPadded(ReadOnlySpan<byte> shred, byte[] buffer)
    {
        shred.CopyTo(buffer);
        if (shred.Length < ShredConstants.CodePayloadSize)
        {
            buffer.AsSpan(shred.Length, ShredConstants.CodePayloadSize - shred.Length).Clear();
        }
    }

    /// <summary>Whether a legacy shred (possibly stored trimmed) equals a held zero-padded one.</summary>
    private static bool SamePadded(ReadOnlySpan<byte> shred, byte[] held)
    {
        int n = Math.Min(shred.Length, ShredConstants.CodePayloadSize);
        return shred[..n].SequenceEqual(held.AsSpan(0, n)) && !held.AsSpan(n, ShredConstants.CodePayloadSize - n).ContainsAnyExcept((byte)0);
    }
}
