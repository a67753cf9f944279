using System.Diagnostics;
using MevDefense.Ingest.Selection;
using MevDefense.Ingest.ShredStream;
using MevDefense.Wire;

namespace MevDefense.Ingest.Sources;

/// <summary>
/// Follows a Solana JSON-RPC node: polls <c>getSlot</c> (confirmed) and fetches every new block with <c>getBlock</c> (base64),
/// handing its transactions, in block order, to an <see cref="IEntryBatchSink"/> as one entry batch per block — the same sink
/// ShredStream feeds, so detection consumes all three sources alike. Slower than shreds (blocks arrive after confirmation) but
/// needs nothing but an RPC URL.
/// </summary>
/// <remarks>Skipped slots are counted, not retried; malformed transactions are dropped and counted; RPC failures are counted
/// and the next poll tries again. Catch-up after a pause is bounded by <see cref="MaxSlotsPerPoll"/>.</remarks>
public sealed class RpcBlockSource
{
    private readonly SolanaRpcClient _client;
    private readonly IEntryBatchSink _sink;
    private readonly TimeProvider _time;
    private ulong? _next;

    /// <summary>Creates the source.</summary>
    /// <param name="client">The JSON-RPC client.</param>
    /// <param name="sink">Receives one entry batch per block.</param>
    /// <param name="timeProvider">Time for the poll interval, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="sink"/> is <see langword="null"/>.</exception>
    public RpcBlockSource(SolanaRpcClient client, IEntryBatchSink sink, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(sink);
        _client = client;
        _sink = sink;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets or sets the source id passed to the sink.</summary>
    /// <value>The default value is 0.</value>
    public int SourceId { get; set; }

    /// <summary>Gets or sets the time between polls.</summary>
    /// <value>The default value is 400 ms (one slot).</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Gets or sets the most blocks fetched per poll; older gaps are skipped and counted.</summary>
    /// <value>The default value is 32.</value>
    public int MaxSlotsPerPoll { get; set; } = 32;

    /// <summary>Gets or sets the first slot to fetch; <see langword="null"/> starts at the node's current slot.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ulong? StartSlot { get; set; }

    /// <summary>Gets the number of blocks delivered.</summary>
    public long Blocks { get; private set; }

    /// <summary>Gets the number of transactions delivered.</summary>
    public long Transactions { get; private set; }

    /// <summary>Gets the number of slots without a block (skipped, or beyond the catch-up bound).</summary>
    public long SkippedSlots { get; private set; }

    /// <summary>Gets the number of transactions dropped because they did not parse.</summary>
    public long MalformedTransactions { get; private set; }

    /// <summary>Gets the number of failed RPC calls.</summary>
    public long Errors { get; private set; }

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled, then returns normally.</summary>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that completes when the loop stops.</returns>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SolanaRpcException or HttpRequestException or TaskCanceledException)
            {
                Errors++; // TaskCanceledException here is an HTTP timeout, not our cancellation
            }

            try
            {
                await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Fetches the blocks from the next expected slot up to the node's current slot.</summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The number of blocks delivered.</returns>
    /// <exception cref="SolanaRpcException">The node answered with an error or a malformed result.</exception>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        ulong tip = await _client.GetSlotAsync(cancellationToken).ConfigureAwait(false);
        ulong next = _next ?? StartSlot ?? tip;
        if (next > tip)
        {
            return 0;
        }

        ulong window = (ulong)Math.Max(1, MaxSlotsPerPoll);
        if (tip - next + 1 > window)
        {
            SkippedSlots += (long)(tip - next + 1 - window);
            next = tip - window + 1;
        }

        int delivered = 0;
        for (ulong slot = next; slot <= tip; slot++)
        {
            var block = await _client.GetBlockAsync(slot, cancellationToken).ConfigureAwait(false);
            _next = slot + 1;
            if (block is null)
            {
                SkippedSlots++;
                continue;
            }

            var transactions = new List<Transaction>(block.Transactions.Count);
            foreach (var t in block.Transactions)
            {
                if (Transaction.TryParse(t.Wire, out var parsed))
                {
                    transactions.Add(parsed);
                }
                else
                {
                    MalformedTransactions++;
                }
            }

            var entries = EntryWriter.Write([new Entry(0, default, transactions)]);
            _sink.OnEntryBatch(slot, entries, Stopwatch.GetTimestamp(), SourceId);
            Blocks++;
            Transactions += transactions.Count;
            delivered++;
        }

        return delivered;
    }
}
