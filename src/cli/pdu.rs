//! `hotline pdu encode` builds the PDUs of a bind bring-up from flags (see `encode`).
//!
//! `hotline pdu decode`: explains SMPP PDUs pasted as hex (from Wireshark, a gateway's
//! log or a fixture) for a telco integrator: the header, every field and TLV by its spec
//! name with what the value means, and the short message decoded per `data_coding`.
//! Several PDUs back to back are explained in turn. A malformed PDU is reported as the
//! codec's typed error (command, field, the `command_status` a session answers with) and
//! the exit status is 1; unreadable input (bad hex, a missing file) exits with 2.

mod encode;
mod explain;
mod hex;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bytes::BytesMut;
use clap::Subcommand;
use hotline_codecs::smpp::{decode_frame, DecodeError, Resync, DEFAULT_MAX_COMMAND_LENGTH};
use serde_json::json;

use explain::{explain, Explained};

/// `hotline pdu …`
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: PduCommand,
}

#[derive(Debug, Subcommand)]
enum PduCommand {
    /// Explain PDUs given as hex: an argument, `-` for stdin, or `--file`.
    Decode(DecodeArgs),
    /// Build a PDU from flags and print it as hex (`pdu encode submit-sm --source 989121234567
    /// --text '*123#' --ussd-op 1 --its 0x0100`); `--explain` also decodes it.
    Encode(EncodeCommand),
}

#[derive(Debug, clap::Args)]
struct EncodeCommand {
    #[command(flatten)]
    args: encode::EncodeArgs,
    /// Also print the PDU as `pdu decode` explains it.
    #[arg(long, global = true)]
    explain: bool,
}

#[derive(Debug, clap::Args)]
struct DecodeArgs {
    /// The hex (white space, `0x`, `,` `:` separators and `#` comments are ignored); `-`
    /// reads stdin. Several arguments are joined.
    #[arg(value_name = "HEX", conflicts_with = "file")]
    hex: Vec<String>,
    /// Read the hex from this file (for example `fixtures/smpp/deliver_sm_ussd_session.hex`).
    #[arg(long, short)]
    file: Option<PathBuf>,
    /// One JSON document instead of text.
    #[arg(long)]
    json: bool,
}

/// Why the octets are not a whole PDU (or a run of them).
#[derive(Debug, thiserror::Error)]
enum PduError {
    /// The codec refused a PDU.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The input ends inside a PDU.
    #[error(
        "the input ends inside a PDU: command_length says {command_length} octets, {available} given"
    )]
    Incomplete {
        /// What `command_length` announced.
        command_length: usize,
        /// Octets left in the input.
        available: usize,
    },
    /// Fewer octets than a `command_length` are left after the last PDU.
    #[error("{available} octet(s) after the last PDU: too few for a command_length (4 octets)")]
    Trailing {
        /// Octets left in the input.
        available: usize,
    },
}

/// Runs `hotline pdu`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        PduCommand::Decode(decode) => run_decode(decode),
        PduCommand::Encode(command) => {
            let pdu = encode::build(&command.args)?;
            println!("{}", encode::hex(&pdu));
            if command.explain {
                println!();
                print_text(&explain(&pdu));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_decode(args: DecodeArgs) -> anyhow::Result<ExitCode> {
    let text = read_input(&args)?;
    let octets = hex::parse(&text).context("the input is not hex")?;
    let (pdus, error) = decode_all(&octets);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&as_json(&pdus, error.as_ref()))?
        );
    } else {
        for (i, pdu) in pdus.iter().enumerate() {
            if i > 0 {
                println!();
            }
            print_text(pdu);
        }
        if let Some(err) = &error {
            eprintln!("{}", error_text(err));
        }
    }
    Ok(if error.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn read_input(args: &DecodeArgs) -> anyhow::Result<String> {
    if let Some(path) = &args.file {
        return std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()));
    }
    match args.hex.as_slice() {
        [] => anyhow::bail!("give the PDU as hex, `-` to read stdin, or --file FILE"),
        [dash] if dash == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read stdin")?;
            Ok(text)
        }
        parts => Ok(parts.join(" ")),
    }
}

/// Every whole PDU in `octets`, and the error that stopped the run, if any.
fn decode_all(octets: &[u8]) -> (Vec<Explained>, Option<PduError>) {
    let mut buf = BytesMut::from(octets);
    let mut pdus = Vec::new();
    while !buf.is_empty() {
        match decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH) {
            Ok(Some(pdu)) => pdus.push(explain(&pdu)),
            Ok(None) => {
                let available = buf.len();
                let error = match buf.get(..4) {
                    Some(w) => PduError::Incomplete {
                        command_length: u32::from_be_bytes([w[0], w[1], w[2], w[3]]) as usize,
                        available,
                    },
                    None => PduError::Trailing { available },
                };
                return (pdus, Some(error));
            }
            Err(err) => return (pdus, Some(err.into())),
        }
    }
    (pdus, None)
}

fn print_text(pdu: &Explained) {
    let name = pdu.command_id.name.unwrap_or("unknown command");
    println!("{name} ({} octets)", pdu.command_length);
    println!("  header");
    row(4, "command_length", &pdu.command_length.to_string(), None);
    let id = format!("0x{:08x}", pdu.command_id.value);
    let id_meaning = match pdu.command_id.name {
        Some(name) => name.to_owned(),
        None => "not an SMPP 3.4 command: a session answers generic_nack ESME_RINVCMDID".into(),
    };
    row(4, "command_id", &id, Some(&id_meaning));
    let status = format!("0x{:08x}", pdu.command_status.value);
    let status_meaning = pdu
        .command_status
        .name
        .unwrap_or("unnamed (vendor or reserved)");
    row(4, "command_status", &status, Some(status_meaning));
    row(4, "sequence_number", &pdu.sequence_number.to_string(), None);
    if !pdu.fields.is_empty() {
        println!("  body");
        for field in &pdu.fields {
            let value = match &field.value {
                serde_json::Value::String(s) if field.quoted => format!("\"{s}\""),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            row(4, field.name, &value, field.meaning.as_deref());
        }
    }
    if !pdu.tlvs.is_empty() {
        println!("  tlvs");
        for tlv in &pdu.tlvs {
            let name = tlv
                .name
                .map_or_else(|| "(vendor)".to_owned(), str::to_owned);
            let head = format!("{name} 0x{:04x} len {}", tlv.tag, tlv.length);
            row(4, &head, &tlv.value_hex, Some(&tlv.meaning));
        }
    }
}

fn row(indent: usize, name: &str, value: &str, meaning: Option<&str>) {
    let pad = " ".repeat(indent);
    match meaning {
        Some(meaning) => println!("{pad}{name:<34} {value:<12} {meaning}"),
        None => println!("{pad}{name:<34} {value}"),
    }
}

fn error_text(err: &PduError) -> String {
    match err {
        PduError::Decode(err) => {
            let command = err
                .command_id
                .map_or_else(|| "unknown".to_owned(), |id| id.to_string());
            let resync = match err.resync {
                Resync::SkipFrame => "the frame is skipped and the bind lives on",
                Resync::Close => "frame boundaries are lost: the connection is closed",
            };
            format!(
                "malformed PDU: {err}\n  command:          {command}\n  field:            {}\n  problem:          {}\n  a session answers generic_nack with {} ({}); {resync}",
                err.field,
                err.kind,
                err.command_status,
                err.command_status.description().unwrap_or("no description"),
            )
        }
        PduError::Incomplete { .. } | PduError::Trailing { .. } => {
            format!("malformed input: {err}")
        }
    }
}

fn as_json(pdus: &[Explained], error: Option<&PduError>) -> serde_json::Value {
    let error = error.map(|err| match err {
        PduError::Decode(e) => json!({
            "message": e.to_string(),
            "command_id": e.command_id.map(|id| id.0),
            "command": e.command_id.and_then(|id| id.name()),
            "sequence_number": e.sequence_number,
            "field": e.field,
            "problem": e.kind.to_string(),
            "command_status": e.command_status.0,
            "command_status_name": e.command_status.name(),
            "resync": matches!(e.resync, Resync::SkipFrame),
        }),
        PduError::Incomplete { .. } | PduError::Trailing { .. } => {
            json!({ "message": err.to_string() })
        }
    });
    json!({ "pdus": pdus, "error": error })
}
