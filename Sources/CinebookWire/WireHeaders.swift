/// The API's own request headers, named once for the server and its clients. Each carries
/// something a URL must not (URLs end up in logs).
public enum WireHeader {
    /// The waiting room's pass, on the first lock after admission.
    public static let pass = "Cinebook-Pass"
    /// The party the caller acts for, on the seat operations.
    public static let party = "Cinebook-Party"
}
