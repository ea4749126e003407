//! The signalling side of a call: the INVITE server transaction (100, optional 180, the
//! 200 retransmitted by RFC 3261 timers G and H until the ACK, 487 after a CANCEL) and our
//! BYE with timer E retransmissions.

use std::net::SocketAddr;

use hotline_codecs::sdp::SessionDescription;
use tokio::time::{sleep_until, Instant};

use super::{Call, CallEvent, T1, T2};
use crate::channels::sip::wire;
use hotline_codecs::sip::Method;

impl Call {
    pub(super) async fn send_sip(&self, bytes: &[u8]) {
        self.shared.send_bytes(bytes, &self.peer).await;
    }

    pub(super) async fn respond(&mut self, status: u16, reason: &str) {
        let tag = (status > 100).then_some(self.to_tag.as_str());
        let r = wire::response(&self.invite.headers, self.peer.addr(), status, reason, tag);
        self.last_response = r.to_bytes();
        self.send_sip(&self.last_response).await;
    }

    /// The INVITE server transaction. True when the call is up (the ACK arrived).
    pub(super) async fn answer(&mut self) -> bool {
        self.respond(100, "Trying").await;
        let ring = self.shared.config.ring;
        if !ring.is_zero() {
            self.respond(180, "Ringing").await;
            let until = Instant::now() + ring;
            loop {
                tokio::select! {
                    ev = self.events.recv() => match ev {
                        Some(CallEvent::Cancel) => {
                            self.respond(487, "Request Terminated").await;
                            self.linger().await;
                            return false;
                        }
                        Some(CallEvent::InviteAgain) => self.send_sip(&self.last_response).await,
                        None => return false,
                        Some(_) => {}
                    },
                    () = sleep_until(until) => break,
                    () = self.shared.shutdown.cancelled() => {
                        self.respond(503, "Service Unavailable").await;
                        return false;
                    }
                }
            }
        }
        let ok = wire::answer(
            &self.invite,
            &self.peer,
            &self.to_tag,
            self.shared.local,
            &self.sdp,
        );
        self.last_response = ok.to_bytes();
        self.send_sip(&self.last_response).await;
        self.await_ack().await
    }

    /// Timers G and H for the 2xx: retransmit from T1, doubling up to T2, until the ACK;
    /// after 64*T1 without one, end the call with a BYE.
    async fn await_ack(&mut self) -> bool {
        let start = Instant::now();
        let (mut wait, give_up) = (T1, start + T1 * 64);
        let mut next = start + wait;
        loop {
            tokio::select! {
                ev = self.events.recv() => match ev {
                    Some(CallEvent::Ack(body)) => return self.take_answer(&body).await,
                    Some(CallEvent::InviteAgain) => self.send_sip(&self.last_response).await,
                    Some(CallEvent::Digit(k)) => self.typeahead.push_back(k),
                    Some(CallEvent::Bye) | None => return false,
                    Some(_) => {}
                },
                () = sleep_until(next) => {
                    if next >= give_up {
                        tracing::info!(call = %self.id, "no ACK for the 200 OK: hanging up");
                        self.hang_up().await;
                        return false;
                    }
                    self.send_sip(&self.last_response).await;
                    wait = (wait * 2).min(T2);
                    next = (next + wait).min(give_up);
                }
                () = self.shared.shutdown.cancelled() => return false,
            }
        }
    }

    /// For a late offer, the ACK carries the caller's answer: take its address and codec,
    /// or end the call when it has none we can use.
    async fn take_answer(&mut self, body: &[u8]) -> bool {
        if !self.awaiting_answer {
            return true;
        }
        match SessionDescription::parse(body).and_then(|s| s.negotiate()) {
            Ok(media) => {
                self.media = media;
                self.awaiting_answer = false;
                let to = SocketAddr::new(media.remote_ip, media.remote_port);
                *self.remote.lock().expect("remote lock is never poisoned") = to;
                true
            }
            Err(err) => {
                tracing::info!(call = %self.id, error = %err, "the ACK has no usable SDP answer: hanging up");
                self.hang_up().await;
                false
            }
        }
    }

    /// After a final error response: absorb its ACK, and answer a repeated INVITE again.
    async fn linger(&mut self) {
        let until = Instant::now() + T2 * 2;
        loop {
            tokio::select! {
                ev = self.events.recv() => match ev {
                    Some(CallEvent::InviteAgain) => self.send_sip(&self.last_response).await,
                    Some(CallEvent::Ack(_)) | None => return,
                    Some(_) => {}
                },
                () = sleep_until(until) => return,
            }
        }
    }

    /// Sends our BYE and waits (bounded) for its final response, retransmitting per timer E.
    pub(super) async fn hang_up(&mut self) {
        let transport = self.peer.transport();
        let Some(bye) = wire::bye(&self.invite, &self.to_tag, self.shared.local, transport, 1)
        else {
            return;
        };
        let bytes = bye.to_bytes();
        self.send_sip(&bytes).await;
        let start = Instant::now();
        // On shutdown the whole server waits for this: one retransmission is enough.
        let patience = if self.shared.shutdown.is_cancelled() {
            T1 * 2
        } else {
            T2 * 2
        };
        let (mut wait, give_up) = (T1, start + patience);
        let mut next = start + wait;
        loop {
            tokio::select! {
                ev = self.events.recv() => match ev {
                    Some(CallEvent::Response { status, method: Method::Bye }) if status >= 200 => return,
                    Some(CallEvent::Bye) | None => return,
                    Some(_) => {}
                },
                () = sleep_until(next) => {
                    if next >= give_up {
                        tracing::debug!(call = %self.id, "no answer to our BYE");
                        return;
                    }
                    if !self.peer.reliable() {
                        self.send_sip(&bytes).await;
                    }
                    wait = (wait * 2).min(T2);
                    next = (next + wait).min(give_up);
                }
            }
        }
    }
}
