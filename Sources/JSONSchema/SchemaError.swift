/// Why a schema could not be registered or compiled.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    /// The schema location (absolute URI with a JSON Pointer fragment) the problem is at.
    public let location: String
    public let message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
