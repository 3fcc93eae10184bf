/// What the API keeps, as plain records, and the few atomic operations it needs from storage.
///
/// Every operation that changes state is one write job (one transaction): the idempotency check
/// and the insert, or the status check and the appended event, can never interleave with another
/// request's. An implementation answers only after the data is durable.
public protocol ExchangeStore: AccessTokenLookup {
    /// Stores a transfer, unless the sending unit has already sent this `meldingId`: then nothing is
    /// written and the stored case is returned (`.existing`). Otherwise `decide` sees the case the
    /// transfer names (nil when new) and returns the case row, documents and events to write.
    func submitTransfer(
        sender: String, meldingId: String, klagesakId: String,
        _ decide: @escaping @Sendable (CaseSnapshot?) throws -> TransferWrite
    ) async throws -> TransferOutcome

    /// A case with its events and the `parts` asked for, or nil. Parts not asked for are left empty
    /// (the stored message nil), so a read that does not show them does not pay for them.
    func loadCase(_ klagesakId: String, parts: CaseSnapshot.Parts) async throws -> CaseSnapshot?

    /// Cases addressed to an embete, urgent first, then oldest; after `cursor` when given.
    func inbox(_ query: InboxQuery) async throws -> [StoredCase]

    /// Runs `decide` on the current snapshot (without the stored transfer message) inside one write
    /// transaction and applies its change.
    /// Whatever `decide` throws aborts the transaction and reaches the caller unchanged. When the case
    /// does not exist, `creating` (if given) is inserted first and `decide` sees it with no events;
    /// otherwise the update fails with `caseNotFound`.
    func update<Result: Sendable>(
        _ klagesakId: String, creating: StoredCase?,
        _ decide: @escaping @Sendable (CaseSnapshot) throws -> (CaseChange, Result)
    ) async throws -> Result

    /// Messages back to a recipient (decisions, requests), oldest first.
    func feedback(recipient: String, includeAcknowledged: Bool, limit: Int) async throws -> [StoredFeedback]

    /// One message back by its id, or nil.
    func feedbackMessage(meldingId: String) async throws -> StoredFeedback?

    func appendAudit(_ entries: [AuditEntry]) async throws
    func audit(_ query: AuditQuery) async throws -> [AuditEntry]

    func saveToken(hash: String, caller: Caller, createdAt: Timestamp) async throws
}

public enum TransferOutcome: Sendable {
    case created(StoredCase)
    case existing(StoredCase)
}

/// What a new transfer writes: the full case row (inserted, or replacing a pre-transfer row), the
/// documents it lists and the events it records.
public struct TransferWrite: Sendable {
    public var record: StoredCase
    public var documents: [ListedDocument]
    public var events: [StoredEvent]
    public init(record: StoredCase, documents: [ListedDocument], events: [StoredEvent]) {
        self.record = record
        self.documents = documents
        self.events = events
    }
}

/// One case: who holds it, where it is addressed, its derived status, and the transfer message once
/// it has come. A NAV unit may report its own stage before the transfer (first contact by status
/// event); until the transfer arrives the transfer fields are nil and no embete sees the case.
public struct StoredCase: Sendable, Equatable {
    public var klagesakId: String
    /// The municipal NAV unit holding the case: the sender of the transfer, the only recipient of the decision.
    public var senderOrgnr: String
    public var opprettetTidspunkt: Timestamp
    /// The current status word and stage, derived from the events by `CaseProcess` (for filters and lists).
    public var status: String
    public var stage: String
    public var isUrgent: Bool
    public var meldingId: String?
    public var embeteOrgnr: String?
    public var kommunenummer: String?
    /// When the transfer was stored (the `mottatt` receipt).
    public var mottattTidspunkt: Timestamp?
    /// When the embete took the case in (the `kvittering`).
    public var kvitteringTidspunkt: Timestamp?
    public var saksbehandler: String?
    public var contentSha256: String?
    public var contentSha512: String?
    /// The transfer message exactly as received.
    public var message: [UInt8]?
    /// The appellant's and the helper's national identity numbers: whom the innsyn role may act for.
    public var klagerIdent: String?
    public var fullmektigIdent: String?

    public init(klagesakId: String, senderOrgnr: String, opprettetTidspunkt: Timestamp, status: String, stage: String,
                isUrgent: Bool = false) {
        self.klagesakId = klagesakId
        self.senderOrgnr = senderOrgnr
        self.opprettetTidspunkt = opprettetTidspunkt
        self.status = status
        self.stage = stage
        self.isUrgent = isUrgent
    }

    /// The time the inbox orders by: when the transfer arrived.
    var inboxTime: Timestamp { mottattTidspunkt ?? opprettetTidspunkt }
}

public struct ListedDocument: Sendable, Equatable {
    public var klagesakId: String
    public var dokumentId: String
    public var tittel: String
    public var dokumenttype: String
    public var mediatype: String
    public var storrelse: Int
    public var sha512: String
    /// The organisation number whose message listed the document: only it may upload the file.
    public var listedBy: String
    /// When the file arrived and matched; nil while it is missing.
    public var mottattTidspunkt: Timestamp?

    public init(klagesakId: String, dokumentId: String, tittel: String, dokumenttype: String, mediatype: String,
                storrelse: Int, sha512: String, listedBy: String, mottattTidspunkt: Timestamp?) {
        self.klagesakId = klagesakId
        self.dokumentId = dokumentId
        self.tittel = tittel
        self.dokumenttype = dokumenttype
        self.mediatype = mediatype
        self.storrelse = storrelse
        self.sha512 = sha512
        self.listedBy = listedBy
        self.mottattTidspunkt = mottattTidspunkt
    }
}

public struct StoredEvent: Sendable, Equatable {
    public var klagesakId: String
    public var hendelseId: String
    public var type: String
    public var status: String?
    public var aktorRolle: String
    public var aktorOrgnr: String
    public var hendelsestidspunkt: String
    public var registrertTidspunkt: Timestamp
    public var contentSha256: String
    /// The event as JSON (the posted statushendelse, or one the exchange wrote itself).
    public var message: [UInt8]

    public init(klagesakId: String, hendelseId: String, type: String, status: String?, aktorRolle: String,
                aktorOrgnr: String, hendelsestidspunkt: String, registrertTidspunkt: Timestamp,
                contentSha256: String, message: [UInt8]) {
        self.klagesakId = klagesakId
        self.hendelseId = hendelseId
        self.type = type
        self.status = status
        self.aktorRolle = aktorRolle
        self.aktorOrgnr = aktorOrgnr
        self.hendelsestidspunkt = hendelsestidspunkt
        self.registrertTidspunkt = registrertTidspunkt
        self.contentSha256 = contentSha256
        self.message = message
    }
}

/// A message back to a party (today: the klagevedtak to the sending NAV unit).
public struct StoredFeedback: Sendable, Equatable {
    public var meldingId: String
    public var klagesakId: String
    public var meldingstype: String
    public var senderOrgnr: String
    public var recipientOrgnr: String
    public var registrertTidspunkt: Timestamp
    public var kvittertTidspunkt: Timestamp?
    public var contentSha256: String
    public var message: [UInt8]

    public init(meldingId: String, klagesakId: String, meldingstype: String, senderOrgnr: String, recipientOrgnr: String,
                registrertTidspunkt: Timestamp, kvittertTidspunkt: Timestamp?, contentSha256: String, message: [UInt8]) {
        self.meldingId = meldingId
        self.klagesakId = klagesakId
        self.meldingstype = meldingstype
        self.senderOrgnr = senderOrgnr
        self.recipientOrgnr = recipientOrgnr
        self.registrertTidspunkt = registrertTidspunkt
        self.kvittertTidspunkt = kvittertTidspunkt
        self.contentSha256 = contentSha256
        self.message = message
    }
}

public struct CaseSnapshot: Sendable {
    /// What a snapshot carries beyond the case row and its events.
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// The transfer message itself (`record.message`), a few kilobytes.
        public static let message = Parts(rawValue: 1)
        public static let documents = Parts(rawValue: 2)
        /// Messages back (decisions, tasks, replies).
        public static let feedback = Parts(rawValue: 4)
        public static let all: Parts = [.message, .documents, .feedback]
    }

    public var record: StoredCase
    public var documents: [ListedDocument]
    /// In the order they were registered.
    public var events: [StoredEvent]
    public var feedback: [StoredFeedback]

    public init(record: StoredCase, documents: [ListedDocument], events: [StoredEvent], feedback: [StoredFeedback]) {
        self.record = record
        self.documents = documents
        self.events = events
        self.feedback = feedback
    }

    /// Documents listed but not yet received.
    public var missingDocuments: [ListedDocument] { documents.filter { $0.mottattTidspunkt == nil } }
}

extension ExchangeStore {
    /// A case with everything: its message, documents, events and messages back.
    func loadCase(_ klagesakId: String) async throws -> CaseSnapshot? { try await loadCase(klagesakId, parts: .all) }
}

/// What one `update` writes. Empty means "nothing to write" (an idempotent replay).
public struct CaseChange: Sendable {
    public var status: String?
    public var stage: String?
    public var isUrgent: Bool?
    public var kvitteringTidspunkt: Timestamp?
    public var saksbehandler: String?
    public var events: [StoredEvent] = []
    public var documents: [ListedDocument] = []
    /// dokumentIds whose file arrived now.
    public var receivedDocuments: [(dokumentId: String, at: Timestamp)] = []
    public var feedback: [StoredFeedback] = []
    /// Messages back that their recipient has now acknowledged.
    public var acknowledgedFeedback: [(meldingId: String, at: Timestamp)] = []

    public init() {}

    public var isEmpty: Bool {
        status == nil && stage == nil && isUrgent == nil && kvitteringTidspunkt == nil && saksbehandler == nil && events.isEmpty
            && documents.isEmpty && receivedDocuments.isEmpty && feedback.isEmpty
            && acknowledgedFeedback.isEmpty
    }
}

public struct InboxQuery: Sendable {
    public var embeteOrgnr: String
    public var statuses: [String]
    /// Only cases received at or before this time (age filter), and at or after `receivedAfter`.
    public var receivedBefore: Timestamp?
    public var receivedAfter: Timestamp?
    /// Position after which to continue, in inbox order.
    public var after: InboxCursor?
    public var limit: Int

    public init(embeteOrgnr: String, statuses: [String] = [], receivedBefore: Timestamp? = nil,
                receivedAfter: Timestamp? = nil, after: InboxCursor? = nil, limit: Int = 50) {
        self.embeteOrgnr = embeteOrgnr
        self.statuses = statuses
        self.receivedBefore = receivedBefore
        self.receivedAfter = receivedAfter
        self.after = after
        self.limit = limit
    }
}

/// A position in the inbox order (urgent first, then oldest, then id): stable under inserts.
public struct InboxCursor: Sendable, Equatable {
    public var isUrgent: Bool
    public var mottatt: Timestamp
    public var klagesakId: String

    public init(isUrgent: Bool, mottatt: Timestamp, klagesakId: String) {
        self.isUrgent = isUrgent
        self.mottatt = mottatt
        self.klagesakId = klagesakId
    }

    /// True when `c` comes after this cursor in inbox order.

    /// Opaque text for the `cursor` query parameter.
    var token: String { "\(isUrgent ? 1 : 0).\(mottatt.millisecondsSinceEpoch).\(klagesakId)" }

    init?(token: String) {
        let parts = token.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "0" || parts[0] == "1", let ms = Int64(parts[1]),
            Identifiers.isUUID(String(parts[2]))
        else { return nil }
        self.init(isUrgent: parts[0] == "1", mottatt: Timestamp(millisecondsSinceEpoch: ms), klagesakId: String(parts[2]))
    }
}

public struct AuditEntry: Sendable, Equatable {
    public var tidspunkt: Timestamp
    public var rolle: String
    public var organisasjonsnummer: String
    public var klagesakId: String?
    /// What was read, e.g. "les-klagesak", "last-ned-dokument:<dokumentId>".
    public var handling: String
    public var correlationId: String

    public init(tidspunkt: Timestamp, rolle: String, organisasjonsnummer: String, klagesakId: String?, handling: String,
                correlationId: String) {
        self.tidspunkt = tidspunkt
        self.rolle = rolle
        self.organisasjonsnummer = organisasjonsnummer
        self.klagesakId = klagesakId
        self.handling = handling
        self.correlationId = correlationId
    }
}

public struct AuditQuery: Sendable {
    public var klagesakId: String?
    public var organisasjonsnummer: String?
    public var limit: Int
    public init(klagesakId: String? = nil, organisasjonsnummer: String? = nil, limit: Int = 100) {
        self.klagesakId = klagesakId
        self.organisasjonsnummer = organisasjonsnummer
        self.limit = limit
    }
}
