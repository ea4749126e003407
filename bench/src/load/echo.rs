//! The baseline: an SMPP server that binds anyone and answers each subscriber message with
//! its `submit_sm_resp` and one `deliver_sm` screen, ending the dialog after a fixed number
//! of steps. It does no menu, session or store work, so its rate is what loopback and
//! framing allow on this machine.

use std::collections::HashMap;

use bytes::{Bytes, BytesMut};
use hotline_codecs::smpp::{
    decode_frame, BindResp, COctetString, DeliverSm, Header, OctetString, Pdu, SubmitSmResp, Tlv,
    Tlvs, UssdServiceOp,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Serves the baseline on `listener`; each dialog ends after `steps` screens.
pub async fn serve(listener: TcpListener, steps: usize) {
    while let Ok((stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, steps));
    }
}

async fn connection(mut stream: TcpStream, steps: usize) {
    let mut rx = BytesMut::with_capacity(64 * 1024);
    let mut tx = BytesMut::with_capacity(64 * 1024);
    let mut progress: HashMap<Bytes, usize> = HashMap::new();
    let mut seq = hotline_codecs::smpp::SequenceNumbers::new();
    loop {
        match stream.read_buf(&mut rx).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        while let Ok(Some(pdu)) = decode_frame(&mut rx, 65536) {
            answer(pdu, &mut tx, &mut progress, &mut seq, steps);
        }
        if !tx.is_empty() {
            if stream.write_all(&tx).await.is_err() {
                return;
            }
            tx.clear();
        }
    }
}

fn answer(
    pdu: Pdu,
    tx: &mut BytesMut,
    progress: &mut HashMap<Bytes, usize>,
    seq: &mut hotline_codecs::smpp::SequenceNumbers,
    steps: usize,
) {
    let h = Header::new(pdu.header().sequence_number);
    match pdu {
        Pdu::BindTransceiver(..) => Pdu::BindTransceiverResp(
            h,
            Some(BindResp {
                system_id: COctetString::empty(),
                tlvs: Tlvs::new(),
            }),
        )
        .encode(tx),
        Pdu::EnquireLink(_) => Pdu::EnquireLinkResp(h).encode(tx),
        Pdu::SubmitSm(_, body) => {
            Pdu::SubmitSmResp(
                h,
                Some(SubmitSmResp {
                    message_id: COctetString::empty(),
                    tlvs: Tlvs::new(),
                }),
            )
            .encode(tx);
            let msisdn = body.source_addr.to_bytes();
            let step = progress.entry(msisdn.clone()).or_default();
            if body.tlvs.ussd_service_op() == Some(UssdServiceOp(1)) {
                *step = 0;
            }
            *step += 1;
            let op = if *step >= steps { 17 } else { 2 };
            if op == 17 {
                progress.remove(&msisdn);
            }
            let mut tlvs = Tlvs::new().with(Tlv::UssdServiceOp(UssdServiceOp(op)));
            if let Some(its) = body.tlvs.its_session_info() {
                tlvs.push(Tlv::ItsSessionInfo(its));
            }
            Pdu::DeliverSm(
                Header::new(seq.allocate()),
                DeliverSm {
                    source_addr: body.destination_addr.clone(),
                    destination_addr: COctetString::new(msisdn).unwrap_or_default(),
                    short_message: OctetString::from_static(b"Echo screen\n1 Next\n2 Back"),
                    tlvs,
                    ..DeliverSm::default()
                },
            )
            .encode(tx);
        }
        _ => {}
    }
}
