//! Numbered migrations. Version N is `MIGRATIONS[N - 1]`; the file's `PRAGMA user_version`
//! says which have run. Add new versions at the end; never edit a shipped one.

use rusqlite::Connection;

use crate::store::StoreError;

/// The migrations in order. Dates are `YYYY-MM-DD` text (they sort as dates).
const MIGRATIONS: &[&str] = &[
    // 1: roster, catalogue, slots, bookings, work orders, idempotency, outbox.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE person (
        national_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        birth_date TEXT NOT NULL,
        sex TEXT NOT NULL CHECK (sex IN ('F', 'M')),
        coverage TEXT NOT NULL CHECK (coverage IN ('active', 'suspended', 'ended')),
        paid_through TEXT,
        head_id TEXT,
        region TEXT NOT NULL,
        primary_facility TEXT,
        referrals TEXT NOT NULL DEFAULT ''
    ) WITHOUT ROWID;
    CREATE TABLE service (
        id TEXT PRIMARY KEY,
        names TEXT NOT NULL,
        min_age INTEGER,
        max_age INTEGER,
        sex TEXT CHECK (sex IN ('F', 'M')),
        referral_required INTEGER NOT NULL DEFAULT 0,
        primary_care_only INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE facility (
        id TEXT PRIMARY KEY,
        names TEXT NOT NULL,
        region TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX facility_region ON facility (region);
    CREATE TABLE facility_service (
        facility_id TEXT NOT NULL REFERENCES facility (id) ON DELETE CASCADE,
        service_id TEXT NOT NULL REFERENCES service (id),
        PRIMARY KEY (facility_id, service_id)
    ) WITHOUT ROWID;
    CREATE TABLE slot (
        id INTEGER PRIMARY KEY,
        facility_id TEXT NOT NULL REFERENCES facility (id),
        service_id TEXT NOT NULL REFERENCES service (id),
        date TEXT NOT NULL,
        time TEXT NOT NULL,
        session TEXT NOT NULL,
        capacity INTEGER NOT NULL CHECK (capacity >= 0),
        booked INTEGER NOT NULL DEFAULT 0,
        queue_base INTEGER NOT NULL DEFAULT 0,
        CHECK (booked >= 0 AND booked <= capacity),
        UNIQUE (facility_id, service_id, date, time)
    );
    CREATE TABLE booking (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL,
        national_id TEXT NOT NULL,
        service_id TEXT NOT NULL,
        slot_id INTEGER NOT NULL REFERENCES slot (id),
        date TEXT NOT NULL,
        queue INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'attended', 'no_show')),
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX booking_active_code ON booking (code) WHERE status = 'active';
    CREATE UNIQUE INDEX booking_one_per_day ON booking (national_id, service_id, date)
        WHERE status IN ('active', 'attended');
    CREATE INDEX booking_person ON booking (national_id, date);
    CREATE INDEX booking_slot ON booking (slot_id, queue) WHERE status IN ('active', 'attended');
    CREATE TABLE ticket (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('complaint', 'callback')),
        topic TEXT NOT NULL,
        national_id TEXT,
        msisdn TEXT NOT NULL,
        text TEXT,
        status TEXT NOT NULL DEFAULT 'open',
        created_at_ms INTEGER NOT NULL,
        due_at_ms INTEGER NOT NULL
    );
    CREATE INDEX ticket_open_due ON ticket (due_at_ms) WHERE status = 'open';
    CREATE TABLE survey_answer (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        national_id TEXT,
        booking_code TEXT,
        msisdn TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
    );
    CREATE TABLE caller (msisdn TEXT PRIMARY KEY, lang TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        result TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        person_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        acked INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_pending ON outbox (seq) WHERE acked = 0;
    "#,
    // 2: birth date and sex may be unknown (a remote roster record may omit them).
    r#"
    CREATE TABLE person_v2 (
        national_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        birth_date TEXT,
        sex TEXT CHECK (sex IN ('F', 'M')),
        coverage TEXT NOT NULL CHECK (coverage IN ('active', 'suspended', 'ended')),
        paid_through TEXT,
        head_id TEXT,
        region TEXT NOT NULL,
        primary_facility TEXT,
        referrals TEXT NOT NULL DEFAULT ''
    ) WITHOUT ROWID;
    INSERT INTO person_v2 SELECT national_id, name, birth_date, sex, coverage, paid_through,
        head_id, region, primary_facility, referrals FROM person;
    DROP TABLE person;
    ALTER TABLE person_v2 RENAME TO person;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the file up to [`SCHEMA_VERSION`], one transaction per migration.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let failed = |source| StoreError::Migration { version, source };
        let tx = conn.transaction().map_err(failed)?;
        tx.execute_batch(sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_roster_keeps_its_rows_and_may_then_omit_birth_date_and_sex() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch(MIGRATIONS[0]).expect("version 1");
        conn.pragma_update(None, "user_version", 1)
            .expect("mark it");
        conn.execute(
            "INSERT INTO person (national_id, name, birth_date, sex, coverage, region, referrals)
             VALUES ('0012345679', 'Ali', '1980-04-02', 'M', 'active', 'r', 'cardiology')",
            [],
        )
        .expect("a version 1 row");
        migrate(&mut conn).expect("migrates");
        let row: (String, String, String) = conn
            .query_row(
                "SELECT birth_date, sex, referrals FROM person WHERE national_id = '0012345679'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("the row survived");
        assert_eq!(row, ("1980-04-02".into(), "M".into(), "cardiology".into()));
        conn.execute(
            "INSERT INTO person (national_id, name, coverage, region) VALUES ('1', '', 'active', '')",
            [],
        )
        .expect("birth date and sex may be unknown");
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("a version");
        assert_eq!(version, SCHEMA_VERSION);
    }
}
