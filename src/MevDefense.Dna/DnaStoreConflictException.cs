namespace MevDefense.Dna;

/// <summary>Thrown when an append does not continue the stored chain (wrong sequence) or a checkpoint goes backwards.</summary>
public sealed class DnaStoreConflictException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DnaStoreConflictException"/> class.</summary>
    public DnaStoreConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DnaStoreConflictException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public DnaStoreConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DnaStoreConflictException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DnaStoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
