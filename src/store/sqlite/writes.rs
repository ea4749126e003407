//! The write transactions behind bookings, changes, attendance, work orders and surveys.
//! Each runs on the writer thread inside its own savepoint, checks its invariants there,
//! and writes its outbox row and its idempotency record in the same transaction.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

use super::outbox::emit;
use super::reads::{self, booking_from, booking_row, date_text, BOOKING_SELECT};
use super::Keys;
use crate::store::api::{
    AttendanceRequest, BookRequest, BookResult, ChangeRequest, ChangeResult, SurveyRequest, Ticket,
    TicketKind, TicketRequest,
};
use crate::store::model::{Booking, BookingStatus, Slot};
use crate::store::StoreError;

/// Random codes tried before giving up on finding a free one.
const CODE_ATTEMPTS: u32 = 64;

/// Runs `op` once per key: a key seen before returns its stored result instead.
fn idempotent<T: Serialize + DeserializeOwned>(
    conn: &Connection,
    key: &str,
    now_ms: i64,
    op: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT result FROM idempotency WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()?;
    if let Some(text) = stored {
        return serde_json::from_str(&text)
            .map_err(|_| StoreError::corrupt("idempotency.result", key));
    }
    let value = op(conn)?;
    let text = serde_json::to_string(&value)
        .map_err(|_| StoreError::corrupt("idempotency.result", key))?;
    conn.prepare_cached(
        "INSERT INTO idempotency (key, result, created_at_ms) VALUES (?1, ?2, ?3)",
    )?
    .execute((key, text, now_ms))?;
    Ok(value)
}

/// The code of a seat-holding booking of (person, service) on `date`, other than `except`.
fn held_on(
    conn: &Connection,
    national_id: &str,
    service: &str,
    date: NaiveDate,
    except: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code FROM booking WHERE national_id = ?1 AND service_id = ?2 AND date = ?3
         AND status IN ('active', 'attended') AND code IS NOT ?4",
    )?;
    Ok(stmt
        .query_row((national_id, service, date_text(date), except), |row| {
            row.get(0)
        })
        .optional()?)
}

/// A random 6-digit code that no active booking holds.
fn fresh_code(conn: &Connection) -> Result<String, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT 1 FROM booking WHERE code = ?1 AND status = 'active'")?;
    for _ in 0..CODE_ATTEMPTS {
        let code = fastrand::u32(100_000..=999_999).to_string();
        if !stmt.exists([&code])? {
            return Ok(code);
        }
    }
    Err(StoreError::CodeSpaceExhausted {
        attempts: CODE_ATTEMPTS,
    })
}

/// The lowest queue number of the slot's range that no seat-holding booking has. Without
/// gaps (no cancellations) that is one past the highest, found through the index; only a
/// slot with gaps is scanned.
fn free_queue(conn: &Connection, slot: &Slot) -> Result<u32, StoreError> {
    let base: u32 = conn
        .prepare_cached("SELECT queue_base FROM slot WHERE id = ?1")?
        .query_row([slot.id], |row| row.get(0))?;
    // `slot.booked` counts the seats held; a COUNT(*) here walked every booking of the
    // slot, which made a large slot cost its size per booking. If the counter were ever
    // off, `top + 1` would still be free: the fast path can skip a gap, never reuse a number.
    let held = slot.booked;
    let top: Option<u32> = conn
        .prepare_cached(
            "SELECT MAX(queue) FROM booking
             WHERE slot_id = ?1 AND status IN ('active', 'attended')",
        )?
        .query_row([slot.id], |row| row.get(0))?;
    match top {
        None => return Ok(base + 1),
        Some(top) if top == base + held => return Ok(top + 1),
        Some(_) => {}
    }
    let mut stmt = conn.prepare_cached(
        "SELECT queue FROM booking WHERE slot_id = ?1 AND status IN ('active', 'attended')
         ORDER BY queue",
    )?;
    let taken = stmt.query_map([slot.id], |row| row.get::<_, u32>(0))?;
    let mut next = base + 1;
    for queue in taken {
        let queue = queue?;
        if queue > next {
            break;
        }
        if queue == next {
            next += 1;
        }
    }
    Ok(next)
}

fn adjust_seats(conn: &Connection, slot_id: i64, delta: i32) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE slot SET booked = booked + ?2 WHERE id = ?1")?
        .execute((slot_id, delta))?;
    Ok(())
}

fn booking_payload(booking: &Booking) -> serde_json::Value {
    json!({
        "code": booking.code,
        "national_id": booking.national_id,
        "service": booking.service_id,
        "facility": booking.facility_id,
        "slot": booking.slot_id,
        "date": date_text(booking.date),
        "time": booking.time,
        "queue": booking.queue,
        "status": booking.status.as_str(),
    })
}

pub fn book(conn: &Connection, keys: &Keys, req: &BookRequest) -> Result<BookResult, StoreError> {
    idempotent(conn, &req.key, req.now_ms, |conn| {
        let Some(slot) = reads::slot(conn, req.slot_id)? else {
            return Ok(BookResult::UnknownSlot);
        };
        if slot.service_id != req.service_id {
            return Ok(BookResult::WrongService);
        }
        if let Some(code) = held_on(conn, &req.national_id, &slot.service_id, slot.date, None)? {
            return Ok(BookResult::AlreadyBooked { code });
        }
        if slot.booked >= slot.capacity {
            return Ok(BookResult::Full);
        }
        let booking = insert_booking(conn, &req.national_id, &slot, req.now_ms)?;
        emit(
            conn,
            keys,
            &booking.national_id,
            "booking.created",
            &booking_payload(&booking),
            req.now_ms,
        )?;
        Ok(BookResult::Booked(booking))
    })
}

fn insert_booking(
    conn: &Connection,
    national_id: &str,
    slot: &Slot,
    now_ms: i64,
) -> Result<Booking, StoreError> {
    let code = fresh_code(conn)?;
    let queue = free_queue(conn, slot)?;
    adjust_seats(conn, slot.id, 1)?;
    conn.prepare_cached(
        "INSERT INTO booking (code, national_id, service_id, slot_id, date, queue, status,
                              created_at_ms, updated_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7, ?7)",
    )?
    .execute((
        &code,
        national_id,
        &slot.service_id,
        slot.id,
        date_text(slot.date),
        queue,
        now_ms,
    ))?;
    Ok(Booking {
        code,
        national_id: national_id.to_owned(),
        service_id: slot.service_id.clone(),
        facility_id: slot.facility_id.clone(),
        slot_id: slot.id,
        date: slot.date,
        time: slot.time.clone(),
        queue,
        status: BookingStatus::Active,
    })
}

/// The active booking with this code (and, when given, this owner).
fn active_booking(
    conn: &Connection,
    code: &str,
    owner: Option<&str>,
) -> Result<Option<Booking>, StoreError> {
    let sql = format!(
        "{BOOKING_SELECT} WHERE b.code = ?1 AND b.status = 'active'
         AND (?2 IS NULL OR b.national_id = ?2)"
    );
    let row = conn
        .prepare_cached(&sql)?
        .query_row((code, owner), booking_row)
        .optional()?;
    row.map(booking_from).transpose()
}

fn set_status(
    conn: &Connection,
    code: &str,
    status: BookingStatus,
    now_ms: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE booking SET status = ?2, updated_at_ms = ?3 WHERE code = ?1 AND status = 'active'",
    )?
    .execute((code, status.as_str(), now_ms))?;
    Ok(())
}

pub fn change(
    conn: &Connection,
    keys: &Keys,
    req: &ChangeRequest,
) -> Result<ChangeResult, StoreError> {
    idempotent(conn, &req.key, req.now_ms, |conn| {
        let Some(mut booking) = active_booking(conn, &req.code, Some(&req.national_id))? else {
            return Ok(ChangeResult::NotFound);
        };
        let Some(new_slot) = req.new_slot else {
            set_status(conn, &booking.code, BookingStatus::Cancelled, req.now_ms)?;
            adjust_seats(conn, booking.slot_id, -1)?;
            booking.status = BookingStatus::Cancelled;
            let payload = booking_payload(&booking);
            emit(
                conn,
                keys,
                &booking.national_id,
                "booking.cancelled",
                &payload,
                req.now_ms,
            )?;
            return Ok(ChangeResult::Cancelled(booking));
        };
        reschedule(conn, keys, booking, new_slot, req.now_ms)
    })
}

fn reschedule(
    conn: &Connection,
    keys: &Keys,
    mut booking: Booking,
    slot_id: i64,
    now_ms: i64,
) -> Result<ChangeResult, StoreError> {
    let slot = match reads::slot(conn, slot_id)? {
        Some(slot) if slot.service_id == booking.service_id => slot,
        _ => return Ok(ChangeResult::UnknownSlot),
    };
    if slot.id == booking.slot_id {
        return Ok(ChangeResult::Rescheduled(booking));
    }
    let (nid, service) = (&booking.national_id, &booking.service_id);
    if let Some(code) = held_on(conn, nid, service, slot.date, Some(&booking.code))? {
        return Ok(ChangeResult::AlreadyBooked { code });
    }
    if slot.booked >= slot.capacity {
        return Ok(ChangeResult::Full);
    }
    let queue = free_queue(conn, &slot)?;
    adjust_seats(conn, booking.slot_id, -1)?;
    adjust_seats(conn, slot.id, 1)?;
    conn.prepare_cached(
        "UPDATE booking SET slot_id = ?2, date = ?3, queue = ?4, updated_at_ms = ?5
         WHERE code = ?1 AND status = 'active'",
    )?
    .execute((&booking.code, slot.id, date_text(slot.date), queue, now_ms))?;
    let from = booking_payload(&booking);
    (booking.slot_id, booking.date, booking.time, booking.queue) =
        (slot.id, slot.date, slot.time, queue);
    let payload = json!({ "from": from, "to": booking_payload(&booking) });
    emit(
        conn,
        keys,
        &booking.national_id,
        "booking.rescheduled",
        &payload,
        now_ms,
    )?;
    Ok(ChangeResult::Rescheduled(booking))
}

pub fn mark_attendance(
    conn: &Connection,
    keys: &Keys,
    req: &AttendanceRequest,
) -> Result<Option<Booking>, StoreError> {
    idempotent(conn, &req.key, req.now_ms, |conn| {
        let Some(mut booking) = active_booking(conn, &req.code, None)? else {
            return Ok(None);
        };
        booking.status = if req.attended {
            BookingStatus::Attended
        } else {
            BookingStatus::NoShow
        };
        set_status(conn, &booking.code, booking.status, req.now_ms)?;
        let payload = booking_payload(&booking);
        emit(
            conn,
            keys,
            &booking.national_id,
            "attendance.marked",
            &payload,
            req.now_ms,
        )?;
        Ok(Some(booking))
    })
}

pub fn open_ticket(
    conn: &Connection,
    keys: &Keys,
    req: &TicketRequest,
) -> Result<Ticket, StoreError> {
    idempotent(conn, &req.key, req.now_ms, |conn| {
        let (kind, event) = match req.kind {
            TicketKind::Complaint => ("complaint", "complaint.created"),
            TicketKind::Callback => ("callback", "callback.requested"),
        };
        conn.prepare_cached(
            "INSERT INTO ticket (kind, topic, national_id, msisdn, text, created_at_ms, due_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute((
            kind,
            &req.topic,
            &req.national_id,
            &req.msisdn,
            &req.text,
            req.now_ms,
            req.due_ms,
        ))?;
        let ticket = Ticket {
            number: format!("{:06}", conn.last_insert_rowid()),
            due_ms: req.due_ms,
        };
        let payload = json!({
            "ticket": ticket.number, "kind": kind, "topic": req.topic,
            "national_id": req.national_id, "msisdn": req.msisdn, "text": req.text,
            "due_at_ms": req.due_ms,
        });
        let subject = req.national_id.as_deref().unwrap_or(&req.msisdn);
        emit(conn, keys, subject, event, &payload, req.now_ms)?;
        Ok(ticket)
    })
}

pub fn record_survey(
    conn: &Connection,
    keys: &Keys,
    req: &SurveyRequest,
) -> Result<(), StoreError> {
    idempotent(conn, &req.key, req.now_ms, |conn| {
        conn.prepare_cached(
            "INSERT INTO survey_answer (question, answer, national_id, booking_code, msisdn,
                                        created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute((
            &req.question,
            &req.answer,
            &req.national_id,
            &req.booking_code,
            &req.msisdn,
            req.now_ms,
        ))?;
        let payload = json!({
            "question": req.question, "answer": req.answer, "national_id": req.national_id,
            "booking_code": req.booking_code,
        });
        let subject = req.national_id.as_deref().unwrap_or(&req.msisdn);
        emit(conn, keys, subject, "survey.recorded", &payload, req.now_ms)
    })
}

pub fn set_caller_language(conn: &Connection, msisdn: &str, lang: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR REPLACE INTO caller (msisdn, lang) VALUES (?1, ?2)")?
        .execute((msisdn, lang))?;
    Ok(())
}
