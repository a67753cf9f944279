namespace MevDefense.Ingest.Sources;

/// <summary>A feed of shreds or entries (UDP socket, Jito ShredStream, ...) started and stopped by the ingest host.</summary>
public interface IShredSource : IAsyncDisposable
{
    /// <summary>Gets the source's name, used in logs and metric tags.</summary>
    string Name { get; }

    /// <summary>Gets the id stamped on everything this source delivers (see <see cref="Ring.IDatagramSink"/>).</summary>
    int SourceId { get; }

    /// <summary>Starts receiving. Returns once the source is running (sockets bound, loops started).</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the source runs.</returns>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops receiving and waits for the loops to finish; queued data is delivered first.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the source has stopped.</returns>
    Task StopAsync(CancellationToken cancellationToken = default);
}
