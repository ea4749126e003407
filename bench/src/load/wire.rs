//! The load generator's side of SMPP: one connection with a writer task and a reader that
//! answers `deliver_sm`/`submit_sm` at once and hands each screen to its subscriber.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{bail, Context};
use bytes::{Bytes, BytesMut};
use hotline_codecs::smpp::{
    decode_frame, Bind, COctetString, CommandStatus, DeliverSm, DeliverSmResp, Header, OctetString,
    Pdu, SubmitSm, SubmitSmResp, Tlv, Tlvs, UssdServiceOp,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Which PDU carries the subscriber's messages on this connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// We are an ESME: we send `submit_sm`, screens come as `deliver_sm`.
    Esme,
    /// We are the operator's gateway: we send `deliver_sm`, screens come as `submit_sm`.
    Gateway,
}

/// A screen as the subscriber sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// `ussd_service_op` (2 continues, 17 ends).
    pub op: Option<u8>,
    /// The screen's octets as sent, kept so that an unexpected screen can be shown.
    pub text: Bytes,
    /// `data_coding` of `text` (8 is UCS-2).
    pub data_coding: u8,
}

impl Screen {
    /// The screen's text, decoded well enough to be read in an error report.
    pub fn readable(&self) -> String {
        if self.data_coding == 8 {
            let units: Vec<u16> = self
                .text
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            String::from_utf8_lossy(&self.text).into_owned()
        }
    }
}

type Routes = Arc<Mutex<HashMap<Bytes, mpsc::Sender<Screen>>>>;

/// One bound connection shared by many subscribers.
#[derive(Clone, Debug)]
pub struct Conn {
    side: Side,
    tx: mpsc::Sender<Pdu>,
    routes: Routes,
}

fn cstr<const N: usize>(s: &[u8]) -> COctetString<N> {
    COctetString::new(s.to_vec()).unwrap_or_default()
}

impl Conn {
    /// Connects to an SMPP server and binds as a transceiver.
    pub async fn bind(addr: &str, system_id: &str, password: &str) -> anyhow::Result<Conn> {
        let mut stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("cannot connect to {addr}"))?;
        stream.set_nodelay(true)?;
        let bind = Pdu::BindTransceiver(
            Header::new(1),
            Bind {
                system_id: cstr(system_id.as_bytes()),
                password: cstr(password.as_bytes()),
                system_type: COctetString::empty(),
                interface_version: 0x34,
                addr_ton: 0,
                addr_npi: 0,
                address_range: COctetString::empty(),
                tlvs: Tlvs::new(),
            },
        );
        stream.write_all(&bind.to_bytes()).await?;
        let mut buf = BytesMut::with_capacity(4096);
        loop {
            if let Some(pdu) = decode_frame(&mut buf, 65536)? {
                match pdu {
                    Pdu::BindTransceiverResp(h, _) if h.command_status.is_ok() => break,
                    Pdu::BindTransceiverResp(h, _) => bail!("bind refused: {}", h.command_status),
                    _ => continue,
                }
            }
            if stream.read_buf(&mut buf).await? == 0 {
                bail!("the server closed the connection during bind");
            }
        }
        Ok(Self::start(stream, buf, Side::Esme))
    }

    /// Waits for Hotline to bind to us (as its gateway) on `stream`.
    pub async fn accept_bind(mut stream: TcpStream) -> anyhow::Result<Conn> {
        stream.set_nodelay(true)?;
        let mut buf = BytesMut::with_capacity(4096);
        loop {
            if let Some(pdu) = decode_frame(&mut buf, 65536)? {
                if let Pdu::BindTransceiver(h, _) = pdu {
                    let resp = Pdu::BindTransceiverResp(
                        Header::new(h.sequence_number),
                        Some(hotline_codecs::smpp::BindResp {
                            system_id: cstr(b"load-gw"),
                            tlvs: Tlvs::new(),
                        }),
                    );
                    stream.write_all(&resp.to_bytes()).await?;
                    break;
                }
                continue;
            }
            if stream.read_buf(&mut buf).await? == 0 {
                bail!("Hotline closed the connection before binding");
            }
        }
        Ok(Self::start(stream, buf, Side::Gateway))
    }

    fn start(stream: TcpStream, buf: BytesMut, side: Side) -> Conn {
        let (read, write) = stream.into_split();
        let (tx, rx) = mpsc::channel(8192);
        let routes: Routes = Arc::default();
        tokio::spawn(write_loop(write, rx));
        tokio::spawn(read_loop(read, buf, tx.clone(), routes.clone()));
        Conn { side, tx, routes }
    }

    /// Registers a subscriber; its screens arrive on the returned receiver.
    pub fn subscribe(&self, msisdn: &str) -> mpsc::Receiver<Screen> {
        let (tx, rx) = mpsc::channel(4);
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(Bytes::copy_from_slice(msisdn.as_bytes()), tx);
        rx
    }

    /// Forgets a subscriber's route, so that late screens for it are counted as unrouted.
    pub fn unsubscribe(&self, msisdn: &str) {
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(msisdn.as_bytes());
    }

    /// Sends a subscriber's message.
    pub async fn send(&self, msisdn: &str, code: &str, text: &str, op: u8, its: u16) -> bool {
        let tlvs = Tlvs::new()
            .with(Tlv::UssdServiceOp(UssdServiceOp(op)))
            .with(Tlv::ItsSessionInfo(its));
        let short_message = OctetString::new(text.as_bytes().to_vec()).unwrap_or_default();
        let (source_addr, destination_addr) = (cstr(msisdn.as_bytes()), cstr(code.as_bytes()));
        let header = Header::new(0);
        let pdu = match self.side {
            Side::Esme => Pdu::SubmitSm(
                header,
                SubmitSm {
                    service_type: COctetString::empty(),
                    source_addr_ton: 1,
                    source_addr_npi: 1,
                    source_addr,
                    dest_addr_ton: 0,
                    dest_addr_npi: 0,
                    destination_addr,
                    esm_class: 0,
                    protocol_id: 0,
                    priority_flag: 0,
                    schedule_delivery_time: COctetString::empty(),
                    validity_period: COctetString::empty(),
                    registered_delivery: 0,
                    replace_if_present_flag: 0,
                    data_coding: 0,
                    sm_default_msg_id: 0,
                    short_message,
                    tlvs,
                },
            ),
            Side::Gateway => Pdu::DeliverSm(
                header,
                DeliverSm {
                    service_type: COctetString::empty(),
                    source_addr_ton: 1,
                    source_addr_npi: 1,
                    source_addr,
                    dest_addr_ton: 0,
                    dest_addr_npi: 0,
                    destination_addr,
                    esm_class: 0,
                    protocol_id: 0,
                    priority_flag: 0,
                    schedule_delivery_time: COctetString::empty(),
                    validity_period: COctetString::empty(),
                    registered_delivery: 0,
                    replace_if_present_flag: 0,
                    data_coding: 0,
                    sm_default_msg_id: 0,
                    short_message,
                    tlvs,
                },
            ),
        };
        self.tx.send(pdu).await.is_ok()
    }
}

async fn write_loop(mut write: tokio::net::tcp::OwnedWriteHalf, mut rx: mpsc::Receiver<Pdu>) {
    let mut seq = hotline_codecs::smpp::SequenceNumbers::new();
    let mut buf = BytesMut::with_capacity(64 * 1024);
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(mut pdu) = next.take() {
            if !pdu.command_id().is_response() {
                pdu.header_mut().sequence_number = seq.allocate();
            }
            pdu.encode(&mut buf);
            if buf.len() > 32 * 1024 {
                break;
            }
            next = rx.try_recv().ok();
        }
        if write.write_all(&buf).await.is_err() {
            return;
        }
        buf.clear();
    }
}

async fn read_loop(
    mut read: tokio::net::tcp::OwnedReadHalf,
    mut buf: BytesMut,
    tx: mpsc::Sender<Pdu>,
    routes: Routes,
) {
    loop {
        loop {
            match decode_frame(&mut buf, 65536) {
                Ok(Some(pdu)) => handle(pdu, &tx, &routes).await,
                Ok(None) => break,
                Err(err) if err.can_resync() => continue,
                Err(_) => return,
            }
        }
        match read.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

async fn handle(pdu: Pdu, tx: &mpsc::Sender<Pdu>, routes: &Routes) {
    let seq = pdu.header().sequence_number;
    let (dest, screen, resp) = match &pdu {
        Pdu::DeliverSm(_, b) => (
            b.destination_addr.to_bytes(),
            screen(b.tlvs.ussd_service_op(), &b.short_message, b.data_coding),
            Pdu::DeliverSmResp(
                Header::new(seq),
                Some(DeliverSmResp {
                    message_id: COctetString::empty(),
                    tlvs: Tlvs::new(),
                }),
            ),
        ),
        Pdu::SubmitSm(_, b) => (
            b.destination_addr.to_bytes(),
            screen(b.tlvs.ussd_service_op(), &b.short_message, b.data_coding),
            Pdu::SubmitSmResp(
                Header::new(seq),
                Some(SubmitSmResp {
                    message_id: cstr(b"1"),
                    tlvs: Tlvs::new(),
                }),
            ),
        ),
        Pdu::EnquireLink(_) => {
            let _ = tx.send(Pdu::EnquireLinkResp(Header::new(seq))).await;
            return;
        }
        Pdu::SubmitSmResp(h, _) | Pdu::DeliverSmResp(h, _)
            if h.command_status == CommandStatus::ESME_RTHROTTLED =>
        {
            THROTTLED.fetch_add(1, Ordering::Relaxed);
            return;
        }
        _ => return,
    };
    let _ = tx.send(resp).await;
    // A message without `ussd_service_op` is the confirmation SMS, not a screen.
    if screen.op.is_none() {
        SMS.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let route = routes
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&dest)
        .cloned();
    match route {
        Some(route) => {
            let _ = route.send(screen).await;
        }
        None => {
            UNROUTED.fetch_add(1, Ordering::Relaxed);
            if screen.op != Some(2) {
                UNROUTED_ENDED.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn screen(
    op: Option<UssdServiceOp>,
    text: &hotline_codecs::smpp::ShortMessage,
    data_coding: u8,
) -> Screen {
    Screen {
        op: op.map(|op| op.0),
        text: text.to_bytes(),
        data_coding,
    }
}

/// Messages the peer answered with `ESME_RTHROTTLED`, across all connections.
pub static THROTTLED: AtomicU64 = AtomicU64::new(0);

/// Confirmation SMS received (messages without `ussd_service_op`), across all connections.
pub static SMS: AtomicU64 = AtomicU64::new(0);

/// Screens for an MSISDN no subscriber is waiting on (late screens, held dialogs).
pub static UNROUTED: AtomicU64 = AtomicU64::new(0);

/// Of [`UNROUTED`], the screens that ended their dialog (a "busy" screen, for example).
pub static UNROUTED_ENDED: AtomicU64 = AtomicU64::new(0);
