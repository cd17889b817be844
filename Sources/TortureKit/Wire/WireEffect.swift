/// What a `WireConversation` asks its connection to do, in order.
enum WireEffect: Equatable {
    case toServer([UInt8])
    case toClient([UInt8])
    /// Hold everything for this long (a delay fault).
    case pause(millis: Int)
    /// Close both sockets now; what is not sent yet is dropped.
    case cut
}
