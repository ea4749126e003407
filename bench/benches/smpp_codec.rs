//! SMPP decode and encode, ours and rusmpp side by side on the same frames: a USSD
//! deliver_sm with TLVs, a UCS-2 submit_sm and an enquire_link.

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hotline_codecs::smpp::{decode_frame, Pdu, DEFAULT_MAX_COMMAND_LENGTH};
use rusmpp::decode::DecodeWithLength;
use rusmpp::encode::{Encode, Length};
use rusmpp::Command;
use std::hint::black_box;

fn frames() -> Vec<(&'static str, Vec<u8>)> {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/smpp/");
    [
        ("deliver_sm", "deliver_sm_ussd_session.hex"),
        ("submit_sm_ucs2", "submit_sm_ucs2_persian.hex"),
        ("enquire_link", "enquire_link.hex"),
    ]
    .into_iter()
    .map(|(label, file)| {
        let text = std::fs::read_to_string(format!("{fixtures}{file}")).expect("fixture");
        (label, parse_hex(&text))
    })
    .collect()
}

fn parse_hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.bytes().filter(u8::is_ascii_hexdigit))
        .collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ascii"), 16).expect("hex"))
        .collect()
}

fn ours_decode(frame: &BytesMut) -> Pdu {
    let mut buf = frame.clone();
    decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH)
        .expect("decodes")
        .expect("whole")
}

fn rusmpp_decode(frame: &BytesMut) -> Command {
    let mut buf = frame.clone();
    let _ = buf.split_to(4);
    let len = buf.len();
    <Command as DecodeWithLength>::decode(&mut buf, len)
        .expect("rusmpp decodes")
        .0
}

fn bench(c: &mut Criterion) {
    for (label, bytes) in frames() {
        let frame = BytesMut::from(&bytes[..]);
        let mut g = c.benchmark_group(format!("smpp_{label}"));
        g.throughput(Throughput::Elements(1));
        g.bench_function("decode/ours", |b| b.iter(|| ours_decode(black_box(&frame))));
        // What a session pays per PDU: the read buffer's `split_to` hands the decoder a
        // frame without a copy, so the harness's `BytesMut` clone above is not part of it.
        let split = bytes::Bytes::copy_from_slice(&bytes);
        g.bench_function("decode/ours, frame already split", |b| {
            b.iter(|| Pdu::decode(black_box(&split)).expect("decodes"))
        });
        g.bench_function("decode/rusmpp", |b| {
            b.iter(|| rusmpp_decode(black_box(&frame)))
        });
        let pdu = ours_decode(&frame);
        let command = rusmpp_decode(&frame);
        let mut out = BytesMut::with_capacity(1024);
        g.bench_function("encode/ours", |b| {
            b.iter(|| {
                out.clear();
                black_box(&pdu).encode(&mut out);
                out.len()
            })
        });
        let mut raw = vec![0u8; 1024];
        g.bench_function("encode/rusmpp", |b| {
            b.iter(|| {
                let c = black_box(&command);
                let n = 4 + c.length();
                raw[..4].copy_from_slice(&(n as u32).to_be_bytes());
                c.encode(&mut raw[4..n])
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
