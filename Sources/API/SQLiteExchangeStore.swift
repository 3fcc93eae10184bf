import Store

/// The exchange's records in SQLite (WAL), through the Store's single group-committing writer.
///
/// Each state change is one write job: it re-reads what it decides on inside the transaction, so the
/// idempotency check and the insert (or the status check and the new event) are atomic, and it
/// returns only once the commit is on disk. Reads go to the read pool and see committed data only.
public final class SQLiteExchangeStore: ExchangeStore {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Opens (creating and migrating) `klagebro.sqlite` in `dataDirectory`.
    public convenience init(dataDirectory: String) throws {
        try self.init(database: Database(path: dataDirectory + "/klagebro.sqlite", migrations: ExchangeMigrations.all))
    }

    // MARK: Transfers

    public func submitTransfer(
        sender: String, meldingId: String, klagesakId: String,
        _ decide: @escaping @Sendable (CaseSnapshot?) throws -> TransferWrite
    ) async throws -> TransferOutcome {
        try await database.write { db in
            if let row = try db.queryOne(
                "SELECT * FROM klagesak WHERE avsender_orgnr = ? AND melding_id = ?", [.text(sender), .text(meldingId)])
            {
                return .existing(try Self.storedCase(row))
            }
            // A klagesakId is almost always new: one index probe, and the full snapshot only if it is not.
            let known = try db.queryOne("SELECT 1 FROM klagesak WHERE klagesak_id = ?", [.text(klagesakId)]) != nil
            let existing = known ? try Self.snapshot(klagesakId, in: db, parts: Self.writeParts) : nil
            let write = try decide(existing)
            if existing != nil {
                try Self.update(write.record, in: db)
            } else {
                try Self.insert(write.record, into: db)
            }
            for document in write.documents { try Self.insert(document, into: db) }
            for event in write.events { try Self.insert(event, into: db) }
            return .created(write.record)
        }
    }

    // MARK: Reads

    public func loadCase(_ klagesakId: String, parts: CaseSnapshot.Parts) async throws -> CaseSnapshot? {
        try database.read { db in try Self.snapshot(klagesakId, in: db, parts: parts) }
    }

    public func inbox(_ query: InboxQuery) async throws -> [StoredCase] {
        try database.read { db in
            var sql = "SELECT * FROM klagesak WHERE embete_orgnr = ?"
            var bindings: [SQLValue] = [.text(query.embeteOrgnr)]
            if !query.statuses.isEmpty {
                sql += " AND status IN (" + query.statuses.map { _ in "?" }.joined(separator: ",") + ")"
                bindings += query.statuses.map { .text($0) }
            }
            if let before = query.receivedBefore {
                sql += " AND mottatt_ms <= ?"
                bindings.append(.integer(before.millisecondsSinceEpoch))
            }
            if let after = query.receivedAfter {
                sql += " AND mottatt_ms >= ?"
                bindings.append(.integer(after.millisecondsSinceEpoch))
            }
            if let cursor = query.after {
                // After the cursor in (hastesak DESC, mottatt_ms, klagesak_id) order: keyset pagination.
                sql += " AND (hastesak < ? OR (hastesak = ? AND (mottatt_ms > ? OR (mottatt_ms = ? AND klagesak_id > ?))))"
                let urgent: SQLValue = .integer(cursor.isUrgent ? 1 : 0)
                let ms: SQLValue = .integer(cursor.mottatt.millisecondsSinceEpoch)
                bindings += [urgent, urgent, ms, ms, .text(cursor.klagesakId)]
            }
            sql += " ORDER BY hastesak DESC, mottatt_ms, klagesak_id LIMIT ?"
            bindings.append(.integer(Int64(query.limit)))
            return try db.query(sql, bindings).map(Self.storedCase)
        }
    }

    // MARK: Changes

    public func update<Result: Sendable>(
        _ klagesakId: String, creating: StoredCase?,
        _ decide: @escaping @Sendable (CaseSnapshot) throws -> (CaseChange, Result)
    ) async throws -> Result {
        try await database.write { db in
            let snapshot: CaseSnapshot
            if let found = try Self.snapshot(klagesakId, in: db, parts: Self.writeParts) {
                snapshot = found
            } else if let creating {
                try Self.insert(creating, into: db)
                snapshot = CaseSnapshot(record: creating, documents: [], events: [], feedback: [])
            } else {
                throw APIProblem.caseNotFound(klagesakId: klagesakId)
            }
            let (change, result) = try decide(snapshot)
            if change.isEmpty { return result }
            var sets: [String] = []
            var bindings: [SQLValue] = []
            if let status = change.status { sets.append("status = ?"); bindings.append(.text(status)) }
            if let stage = change.stage { sets.append("trinn = ?"); bindings.append(.text(stage)) }
            if let urgent = change.isUrgent { sets.append("hastesak = ?"); bindings.append(SQLValue(urgent)) }
            if let at = change.kvitteringTidspunkt { sets.append("kvittering_ms = ?"); bindings.append(.integer(at.millisecondsSinceEpoch)) }
            if let handler = change.saksbehandler { sets.append("saksbehandler = ?"); bindings.append(.text(handler)) }
            if !sets.isEmpty {
                try db.execute("UPDATE klagesak SET " + sets.joined(separator: ", ") + " WHERE klagesak_id = ?",
                               bindings + [.text(klagesakId)])
            }
            for document in change.documents { try Self.insert(document, into: db) }
            for (dokumentId, at) in change.receivedDocuments {
                try db.execute(
                    "UPDATE dokument SET mottatt_ms = ? WHERE klagesak_id = ? AND dokument_id = ? AND mottatt_ms IS NULL",
                    [.integer(at.millisecondsSinceEpoch), .text(klagesakId), .text(dokumentId)])
            }
            for event in change.events { try Self.insert(event, into: db) }
            for feedback in change.feedback { try Self.insert(feedback, into: db) }
            for (meldingId, at) in change.acknowledgedFeedback {
                try db.execute(
                    "UPDATE tilbakemelding SET kvittert_ms = ? WHERE melding_id = ? AND klagesak_id = ? AND kvittert_ms IS NULL",
                    [.integer(at.millisecondsSinceEpoch), .text(meldingId), .text(klagesakId)])
            }
            return result
        }
    }

    // MARK: Messages back

    public func feedback(recipient: String, includeAcknowledged: Bool, limit: Int) async throws -> [StoredFeedback] {
        try database.read { db in
            let sql = "SELECT * FROM tilbakemelding WHERE mottaker_orgnr = ?"
                + (includeAcknowledged ? "" : " AND kvittert_ms IS NULL")
                + " ORDER BY registrert_ms, melding_id LIMIT ?"
            return try db.query(sql, [.text(recipient), .integer(Int64(limit))]).map(Self.storedFeedback)
        }
    }

    public func feedbackMessage(meldingId: String) async throws -> StoredFeedback? {
        try database.read { db in
            try db.queryOne("SELECT * FROM tilbakemelding WHERE melding_id = ?", [.text(meldingId)]).map(Self.storedFeedback)
        }
    }

    // MARK: Audit and tokens

    public func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await database.write { db in
            for e in entries {
                try db.execute(
                    "INSERT INTO revisjonslogg (tidspunkt_ms, rolle, orgnr, klagesak_id, handling, correlation_id) VALUES (?, ?, ?, ?, ?, ?)",
                    [.integer(e.tidspunkt.millisecondsSinceEpoch), .text(e.rolle), .text(e.organisasjonsnummer),
                     SQLValue(e.klagesakId), .text(e.handling), .text(e.correlationId)])
            }
        }
    }

    public func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
        try database.read { db in
            var sql = "SELECT * FROM revisjonslogg WHERE 1 = 1"
            var bindings: [SQLValue] = []
            if let id = query.klagesakId { sql += " AND klagesak_id = ?"; bindings.append(.text(id)) }
            if let orgnr = query.organisasjonsnummer { sql += " AND orgnr = ?"; bindings.append(.text(orgnr)) }
            sql += " ORDER BY sekvens DESC LIMIT ?"
            bindings.append(.integer(Int64(query.limit)))
            return try db.query(sql, bindings).reversed().map { row in
                AuditEntry(
                    tidspunkt: Timestamp(millisecondsSinceEpoch: try row.int64("tidspunkt_ms")), rolle: try row.string("rolle"),
                    organisasjonsnummer: try row.string("orgnr"), klagesakId: try row.optionalString("klagesak_id"),
                    handling: try row.string("handling"), correlationId: try row.string("correlation_id"))
            }
        }
    }

    public func saveToken(hash: String, caller: Caller, createdAt: Timestamp) async throws {
        try await database.write { db in
            try db.execute(
                "INSERT INTO tilgangsnokkel (sha256, rolle, orgnr, opprettet_ms) VALUES (?, ?, ?, ?)",
                [.text(hash), .text(caller.role.rawValue), .text(caller.organisasjonsnummer), .integer(createdAt.millisecondsSinceEpoch)])
        }
    }

    public func caller(forTokenHash hash: String) async throws -> Caller? {
        try database.read { db in
            guard let row = try db.queryOne("SELECT rolle, orgnr FROM tilgangsnokkel WHERE sha256 = ?", [.text(hash)]),
                let role = Role(rawValue: try row.string("rolle"))
            else { return nil }
            return Caller(role: role, organisasjonsnummer: try row.string("orgnr"))
        }
    }

    /// The imported registry files, in import order.
    public func registryImports() throws -> [[UInt8]] {
        try database.read { db in try db.query("SELECT dokument FROM registerimport ORDER BY sekvens").map { try $0.bytes(0) } }
    }

    public func appendRegistryImport(_ document: [UInt8], at: Timestamp) async throws {
        try await database.write { db in
            try db.execute("INSERT INTO registerimport (dokument, importert_ms) VALUES (?, ?)",
                           [.blob(document), .integer(at.millisecondsSinceEpoch)])
        }
    }

    // MARK: Rows

    /// What a write job decides on: everything but the stored transfer message, which no decision reads
    /// (a transfer rewriting a pre-transfer case sets it anew) and which would cost the single writer
    /// its overflow pages on every upload and event.
    static let writeParts: CaseSnapshot.Parts = [.documents, .feedback]

    static func snapshot(_ klagesakId: String, in db: Connection, parts: CaseSnapshot.Parts) throws -> CaseSnapshot? {
        // The message is the case row's only large column (kept in overflow pages): read it only when asked.
        let columns = parts.contains(.message) ? "*" : "klagesak_id, " + caseColumnsWithoutMessage
        guard let row = try db.queryOne("SELECT \(columns) FROM klagesak WHERE klagesak_id = ?", [.text(klagesakId)]) else { return nil }
        let documents = !parts.contains(.documents) ? [] : try db.query("SELECT * FROM dokument WHERE klagesak_id = ? ORDER BY rowid", [.text(klagesakId)]).map { r in
            ListedDocument(
                klagesakId: klagesakId, dokumentId: try r.string("dokument_id"), tittel: try r.string("tittel"),
                dokumenttype: try r.string("dokumenttype"), mediatype: try r.string("mediatype"), storrelse: try r.int("storrelse"),
                sha512: try r.string("sha512"), listedBy: try r.string("oppfort_av"),
                mottattTidspunkt: try r.optionalInt64("mottatt_ms").map(Timestamp.init(millisecondsSinceEpoch:)))
        }
        let events = try db.query("SELECT * FROM hendelse WHERE klagesak_id = ? ORDER BY sekvens", [.text(klagesakId)]).map { r in
            StoredEvent(
                klagesakId: klagesakId, hendelseId: try r.string("hendelse_id"), type: try r.string("type"),
                status: try r.optionalString("status"), aktorRolle: try r.string("aktor_rolle"), aktorOrgnr: try r.string("aktor_orgnr"),
                hendelsestidspunkt: try r.string("hendelsestidspunkt"),
                registrertTidspunkt: Timestamp(millisecondsSinceEpoch: try r.int64("registrert_ms")),
                contentSha256: try r.string("innhold_sha256"), message: try r.bytes("melding"))
        }
        let feedback = !parts.contains(.feedback) ? [] : try db.query(
            "SELECT * FROM tilbakemelding WHERE klagesak_id = ? ORDER BY registrert_ms, melding_id", [.text(klagesakId)]
        ).map(storedFeedback)
        return CaseSnapshot(record: try storedCase(row), documents: documents, events: events, feedback: feedback)
    }

    static func storedCase(_ r: Row) throws -> StoredCase {
        var c = StoredCase(
            klagesakId: try r.string("klagesak_id"), senderOrgnr: try r.string("avsender_orgnr"),
            opprettetTidspunkt: Timestamp(millisecondsSinceEpoch: try r.int64("opprettet_ms")), status: try r.string("status"),
            stage: try r.string("trinn"), isUrgent: try r.bool("hastesak"))
        c.meldingId = try r.optionalString("melding_id")
        c.embeteOrgnr = try r.optionalString("embete_orgnr")
        c.kommunenummer = try r.optionalString("kommunenummer")
        c.mottattTidspunkt = try r.optionalInt64("mottatt_ms").map(Timestamp.init(millisecondsSinceEpoch:))
        c.kvitteringTidspunkt = try r.optionalInt64("kvittering_ms").map(Timestamp.init(millisecondsSinceEpoch:))
        c.saksbehandler = try r.optionalString("saksbehandler")
        c.contentSha256 = try r.optionalString("innhold_sha256")
        c.contentSha512 = try r.optionalString("innhold_sha512")
        c.message = r["melding"] == nil ? nil : try r.optionalBytes("melding")
        c.klagerIdent = try r.optionalString("klager_ident")
        c.fullmektigIdent = try r.optionalString("fullmektig_ident")
        return c
    }

    static func storedFeedback(_ r: Row) throws -> StoredFeedback {
        StoredFeedback(
            meldingId: try r.string("melding_id"), klagesakId: try r.string("klagesak_id"), meldingstype: try r.string("meldingstype"),
            senderOrgnr: try r.string("avsender_orgnr"), recipientOrgnr: try r.string("mottaker_orgnr"),
            registrertTidspunkt: Timestamp(millisecondsSinceEpoch: try r.int64("registrert_ms")),
            kvittertTidspunkt: try r.optionalInt64("kvittert_ms").map(Timestamp.init(millisecondsSinceEpoch:)),
            contentSha256: try r.string("innhold_sha256"), message: try r.bytes("melding"))
    }

    /// The case columns but the id, the message last (as stored since migration 003).
    private static let caseColumns = caseColumnsWithoutMessage + ", melding"
    private static let caseColumnsWithoutMessage = """
        avsender_orgnr, opprettet_ms, status, trinn, hastesak, melding_id, embete_orgnr, kommunenummer, mottatt_ms,
        kvittering_ms, saksbehandler, innhold_sha256, innhold_sha512, klager_ident, fullmektig_ident
        """

    private static func caseValues(_ c: StoredCase) -> [SQLValue] {
        [.text(c.senderOrgnr), .integer(c.opprettetTidspunkt.millisecondsSinceEpoch), .text(c.status), .text(c.stage),
         SQLValue(c.isUrgent), SQLValue(c.meldingId), SQLValue(c.embeteOrgnr), SQLValue(c.kommunenummer),
         SQLValue(c.mottattTidspunkt.map { Int($0.millisecondsSinceEpoch) }),
         SQLValue(c.kvitteringTidspunkt.map { Int($0.millisecondsSinceEpoch) }), SQLValue(c.saksbehandler),
         SQLValue(c.contentSha256), SQLValue(c.contentSha512), SQLValue(c.klagerIdent), SQLValue(c.fullmektigIdent),
         SQLValue(c.message)]
    }

    static func insert(_ c: StoredCase, into db: Connection) throws {
        try db.execute(
            "INSERT INTO klagesak (klagesak_id, \(caseColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [.text(c.klagesakId)] + caseValues(c))
    }

    /// Rewrites every column of an existing case row (the transfer completing a pre-transfer case).
    static func update(_ c: StoredCase, in db: Connection) throws {
        let assignments = caseColumns.split(separator: ",").map { $0.trimmingCharacters() + " = ?" }.joined(separator: ", ")
        try db.execute("UPDATE klagesak SET \(assignments) WHERE klagesak_id = ?", caseValues(c) + [.text(c.klagesakId)])
    }

    static func insert(_ d: ListedDocument, into db: Connection) throws {
        try db.execute(
            """
            INSERT INTO dokument (klagesak_id, dokument_id, tittel, dokumenttype, mediatype, storrelse, sha512, oppfort_av, mottatt_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(d.klagesakId), .text(d.dokumentId), .text(d.tittel), .text(d.dokumenttype), .text(d.mediatype),
             .integer(Int64(d.storrelse)), .text(d.sha512), .text(d.listedBy),
             SQLValue(d.mottattTidspunkt.map { Int($0.millisecondsSinceEpoch) })])
    }

    static func insert(_ e: StoredEvent, into db: Connection) throws {
        try db.execute(
            """
            INSERT INTO hendelse (klagesak_id, hendelse_id, type, status, aktor_rolle, aktor_orgnr, hendelsestidspunkt, registrert_ms,
                innhold_sha256, melding)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(e.klagesakId), .text(e.hendelseId), .text(e.type), SQLValue(e.status), .text(e.aktorRolle), .text(e.aktorOrgnr),
             .text(e.hendelsestidspunkt), .integer(e.registrertTidspunkt.millisecondsSinceEpoch), .text(e.contentSha256),
             .blob(e.message)])
    }

    static func insert(_ f: StoredFeedback, into db: Connection) throws {
        try db.execute(
            """
            INSERT INTO tilbakemelding (melding_id, klagesak_id, meldingstype, avsender_orgnr, mottaker_orgnr, registrert_ms, kvittert_ms,
                innhold_sha256, melding)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(f.meldingId), .text(f.klagesakId), .text(f.meldingstype), .text(f.senderOrgnr), .text(f.recipientOrgnr),
             .integer(f.registrertTidspunkt.millisecondsSinceEpoch), SQLValue(f.kvittertTidspunkt.map { Int($0.millisecondsSinceEpoch) }),
             .text(f.contentSha256), .blob(f.message)])
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\n" { s.removeLast() }
        return String(s)
    }
}
