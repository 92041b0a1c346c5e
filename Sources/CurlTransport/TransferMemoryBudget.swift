/// A shared budget of body bytes held in memory, across transfers (and, for the caller, until it has
/// used the bodies). A transfer asks for its body's weight at the first body byte and is paused until
/// it is granted, so no body is buffered past the budget.
public protocol TransferMemoryBudget: Sendable {
    /// The most bytes the budget can ever grant: a body larger than this can never be admitted.
    var capacity: Int { get }
    /// Asks for `bytes`. Returns true when granted at once. Otherwise the request waits, and `granted`
    /// is called later (on any thread, never under a caller's lock) once the bytes are held for it.
    func acquire(_ bytes: Int, ticket: UInt64, granted: @escaping @Sendable () -> Void) -> Bool
    /// Withdraws a waiting request. Returns false when it was already granted (the caller then holds
    /// the bytes and must release them); a withdrawn request held nothing and releases nothing.
    func withdraw(ticket: UInt64) -> Bool
    /// Gives bytes back.
    func release(_ bytes: Int)
}
