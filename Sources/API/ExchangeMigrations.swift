import Store

/// The exchange's database schema as named, append-only migrations (never edit one that has
/// shipped; add the next). Applied by `Database.init` at start-up and by `klagebro migrate`.
public enum ExchangeMigrations {
    public static let all: [Migration] = [
        Migration(name: "001-klagesak-dokument-hendelse", sql: """
            CREATE TABLE klagesak (
                klagesak_id TEXT PRIMARY KEY,
                -- The municipal NAV unit holding the case (sender of the transfer).
                avsender_orgnr TEXT NOT NULL,
                opprettet_ms INTEGER NOT NULL,
                status TEXT NOT NULL,
                trinn TEXT NOT NULL,
                hastesak INTEGER NOT NULL,
                -- The transfer message; NULL while NAV reports its own stage before transferring.
                melding_id TEXT,
                embete_orgnr TEXT,
                kommunenummer TEXT,
                mottatt_ms INTEGER,
                kvittering_ms INTEGER,
                saksbehandler TEXT,
                innhold_sha256 TEXT,
                innhold_sha512 TEXT,
                melding BLOB,
                klager_ident TEXT,
                fullmektig_ident TEXT,
                UNIQUE (avsender_orgnr, melding_id)
            ) STRICT;
            -- The embete's inbox: urgent first, then oldest, then id (the cursor order).
            CREATE INDEX klagesak_innboks ON klagesak (embete_orgnr, hastesak DESC, mottatt_ms, klagesak_id);
            CREATE INDEX klagesak_avsender ON klagesak (avsender_orgnr, mottatt_ms);

            CREATE TABLE dokument (
                klagesak_id TEXT NOT NULL REFERENCES klagesak (klagesak_id),
                dokument_id TEXT NOT NULL,
                tittel TEXT NOT NULL,
                dokumenttype TEXT NOT NULL,
                mediatype TEXT NOT NULL,
                storrelse INTEGER NOT NULL,
                sha512 TEXT NOT NULL,
                oppfort_av TEXT NOT NULL,
                mottatt_ms INTEGER,
                PRIMARY KEY (klagesak_id, dokument_id)
            ) STRICT;

            CREATE TABLE hendelse (
                sekvens INTEGER PRIMARY KEY,
                klagesak_id TEXT NOT NULL REFERENCES klagesak (klagesak_id),
                hendelse_id TEXT NOT NULL,
                type TEXT NOT NULL,
                status TEXT,
                aktor_rolle TEXT NOT NULL,
                aktor_orgnr TEXT NOT NULL,
                hendelsestidspunkt TEXT NOT NULL,
                registrert_ms INTEGER NOT NULL,
                innhold_sha256 TEXT NOT NULL,
                melding BLOB NOT NULL,
                UNIQUE (klagesak_id, hendelse_id)
            ) STRICT;
            -- Events are append-only: a wrong one is retracted by a later event, never changed.
            CREATE TRIGGER hendelse_ingen_endring BEFORE UPDATE ON hendelse
                BEGIN SELECT RAISE(ABORT, 'hendelse is append-only'); END;
            CREATE TRIGGER hendelse_ingen_sletting BEFORE DELETE ON hendelse
                BEGIN SELECT RAISE(ABORT, 'hendelse is append-only'); END;

            CREATE TABLE tilbakemelding (
                melding_id TEXT PRIMARY KEY,
                klagesak_id TEXT NOT NULL REFERENCES klagesak (klagesak_id),
                meldingstype TEXT NOT NULL,
                avsender_orgnr TEXT NOT NULL,
                mottaker_orgnr TEXT NOT NULL,
                registrert_ms INTEGER NOT NULL,
                kvittert_ms INTEGER,
                innhold_sha256 TEXT NOT NULL,
                melding BLOB NOT NULL
            ) STRICT;
            CREATE INDEX tilbakemelding_mottaker ON tilbakemelding (mottaker_orgnr, registrert_ms, melding_id);
            """),
        Migration(name: "002-revisjonslogg-tilgangsnokkel", sql: """
            -- Who read which case's personal data, and when. Append-only like the events.
            CREATE TABLE revisjonslogg (
                sekvens INTEGER PRIMARY KEY,
                tidspunkt_ms INTEGER NOT NULL,
                rolle TEXT NOT NULL,
                orgnr TEXT NOT NULL,
                klagesak_id TEXT,
                handling TEXT NOT NULL,
                correlation_id TEXT NOT NULL
            ) STRICT;
            CREATE INDEX revisjonslogg_klagesak ON revisjonslogg (klagesak_id, sekvens);
            CREATE TRIGGER revisjonslogg_ingen_endring BEFORE UPDATE ON revisjonslogg
                BEGIN SELECT RAISE(ABORT, 'revisjonslogg is append-only'); END;
            CREATE TRIGGER revisjonslogg_ingen_sletting BEFORE DELETE ON revisjonslogg
                BEGIN SELECT RAISE(ABORT, 'revisjonslogg is append-only'); END;

            -- Development bearer tokens, only as SHA-256 of the token.
            CREATE TABLE tilgangsnokkel (
                sha256 TEXT PRIMARY KEY,
                rolle TEXT NOT NULL,
                orgnr TEXT NOT NULL,
                opprettet_ms INTEGER NOT NULL
            ) STRICT;

            -- Registry files imported with `klagebro registry import` (NAV units, embeter' organisation
            -- numbers), applied in order onto the shipped structure at start-up.
            CREATE TABLE registerimport (
                sekvens INTEGER PRIMARY KEY,
                dokument BLOB NOT NULL,
                importert_ms INTEGER NOT NULL
            ) STRICT;
            """),
        Migration(name: "003-klagesak-melding-sist", sql: """
            -- The transfer message (a few kilobytes, in overflow pages) becomes the case row's last column.
            -- SQLite reaches a column stored after a large one only by walking the overflow chain, so
            -- reading a case's other columns (status, parties) read the message too. ADD COLUMN appends;
            -- DROP COLUMN rewrites the rows.
            ALTER TABLE klagesak RENAME COLUMN melding TO melding_flyttes;
            ALTER TABLE klagesak ADD COLUMN melding BLOB;
            UPDATE klagesak SET melding = melding_flyttes;
            ALTER TABLE klagesak DROP COLUMN melding_flyttes;
            """),
        Migration(name: "004-revisjonslogg-uten-sakindeks", sql: """
            -- The audit log is written on every read of personal data, inside the group commit that
            -- precedes the answer. An index by case put one random page per entry into every commit
            -- (about 50 WAL pages per commit at 10k status reads/s, and checkpoints to match). Without
            -- it each commit appends to the last pages of one B-tree in time order; a lookup by case
            -- scans backwards from the newest entry (an admin's occasional query, not a hot path).
            DROP INDEX revisjonslogg_klagesak;
            """),
    ]
}
