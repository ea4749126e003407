//! SDP (RFC 4566) as a voice line needs it: read an offer's connection address, audio
//! stream, codecs (PCMU, PCMA, telephone-event), ptime and direction; choose the codec
//! (RFC 3264 offer/answer) and print the answer.

use std::fmt::Write as _;
use std::net::IpAddr;

/// Why an offer cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    /// The body is not UTF-8 or has a line that is not `x=value`.
    #[error("bad SDP line {line:?}")]
    Line {
        /// The line (cut to 80 characters).
        line: String,
    },
    /// An `m=` or `c=` line does not follow its grammar.
    #[error("bad SDP {field} line: {line:?}")]
    Field {
        /// `m` or `c`.
        field: char,
        /// The line (cut to 80 characters).
        line: String,
    },
    /// No active audio stream with an address.
    #[error("no audio stream with a connection address")]
    NoAudio,
    /// The audio stream offers neither PCMU nor PCMA (the caller gets 488).
    #[error("no common codec: offered payload types {offered:?}")]
    NoCodec {
        /// The payload types in the offer.
        offered: Vec<u8>,
    },
}

/// The direction attribute of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// `a=sendrecv` (the default).
    #[default]
    SendRecv,
    /// `a=sendonly`.
    SendOnly,
    /// `a=recvonly`.
    RecvOnly,
    /// `a=inactive`.
    Inactive,
}

impl Direction {
    /// The direction an answer must take for an offer in this direction.
    pub fn answer(self) -> Self {
        match self {
            Self::SendOnly => Self::RecvOnly,
            Self::RecvOnly => Self::SendOnly,
            other => other,
        }
    }

    fn attribute(self) -> &'static str {
        match self {
            Self::SendRecv => "sendrecv",
            Self::SendOnly => "sendonly",
            Self::RecvOnly => "recvonly",
            Self::Inactive => "inactive",
        }
    }
}

/// One `m=` stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `audio`, `video` …
    pub kind: String,
    /// The port (0 rejects the stream).
    pub port: u16,
    /// `RTP/AVP` …
    pub proto: String,
    /// Payload types in preference order.
    pub formats: Vec<u8>,
    /// `a=rtpmap`: payload type, encoding name, clock rate.
    pub rtpmap: Vec<(u8, String, u32)>,
    /// `a=ptime` in milliseconds.
    pub ptime: Option<u32>,
    /// The stream's direction.
    pub direction: Direction,
    /// A media-level `c=` address.
    pub connection: Option<IpAddr>,
}

/// A parsed session description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionDescription {
    /// The session-level `c=` address.
    pub connection: Option<IpAddr>,
    /// The streams, in order.
    pub media: Vec<Media>,
}

/// What the answer agreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// Where the caller said it receives RTP.
    pub remote_ip: IpAddr,
    /// Its RTP port.
    pub remote_port: u16,
    /// PCMU (0) or PCMA (8), the first of those in the offer.
    pub audio_pt: u8,
    /// The caller's telephone-event payload type, when offered at 8000 Hz.
    pub event_pt: Option<u8>,
    /// Packet time to send at (20 ms unless the offer asks otherwise).
    pub ptime: u32,
    /// The answer's direction.
    pub direction: Direction,
}

fn cut(s: &str) -> String {
    s.chars().take(80).collect()
}

impl SessionDescription {
    /// Parses an SDP body. Unknown line types are skipped, as RFC 4566 asks.
    pub fn parse(body: &[u8]) -> Result<Self, SdpError> {
        let text = std::str::from_utf8(body).map_err(|_| SdpError::Line {
            line: String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned(),
        })?;
        let mut sdp = Self::default();
        for line in text.lines().map(|l| l.trim_end_matches('\r')) {
            if line.is_empty() {
                continue;
            }
            let (kind, value) = match line.split_once('=') {
                Some((k, v)) if k.len() == 1 => (k.as_bytes()[0], v),
                _ => return Err(SdpError::Line { line: cut(line) }),
            };
            match (kind, sdp.media.last_mut()) {
                (b'm', _) => sdp.media.push(media_line(value, line)?),
                (b'c', None) => sdp.connection = Some(connection(value, line)?),
                (b'c', Some(m)) => m.connection = Some(connection(value, line)?),
                (b'a', Some(m)) => attribute(m, value),
                _ => {}
            }
        }
        Ok(sdp)
    }

    /// Chooses PCMU or PCMA and telephone-event from the first active audio stream.
    pub fn negotiate(&self) -> Result<Negotiated, SdpError> {
        let m = self
            .media
            .iter()
            .find(|m| m.kind == "audio" && m.port != 0)
            .ok_or(SdpError::NoAudio)?;
        let remote_ip = m.connection.or(self.connection).ok_or(SdpError::NoAudio)?;
        let audio_pt = m
            .formats
            .iter()
            .copied()
            .find(|&pt| {
                m.encoding(pt).is_some_and(|(name, rate)| {
                    rate == 8000
                        && (name.eq_ignore_ascii_case("PCMU") || name.eq_ignore_ascii_case("PCMA"))
                })
            })
            .ok_or_else(|| SdpError::NoCodec {
                offered: m.formats.clone(),
            })?;
        let event_pt = m.formats.iter().copied().find(|&pt| {
            m.encoding(pt).is_some_and(|(name, rate)| {
                rate == 8000 && name.eq_ignore_ascii_case("telephone-event")
            })
        });
        Ok(Negotiated {
            remote_ip,
            remote_port: m.port,
            audio_pt,
            event_pt,
            ptime: m
                .ptime
                .filter(|p| (10..=60).contains(p) && p % 10 == 0)
                .unwrap_or(20),
            direction: m.direction.answer(),
        })
    }
}

impl Media {
    /// Encoding name and clock rate of `pt`: from `a=rtpmap`, or RFC 3551's static table.
    pub fn encoding(&self, pt: u8) -> Option<(&str, u32)> {
        if let Some((_, name, rate)) = self.rtpmap.iter().find(|(p, _, _)| *p == pt) {
            return Some((name.as_str(), *rate));
        }
        match pt {
            0 => Some(("PCMU", 8000)),
            8 => Some(("PCMA", 8000)),
            _ => None,
        }
    }
}

fn media_line(value: &str, line: &str) -> Result<Media, SdpError> {
    let bad = || SdpError::Field {
        field: 'm',
        line: cut(line),
    };
    let mut parts = value.split_whitespace();
    let kind = parts.next().ok_or_else(bad)?.to_string();
    let port = parts.next().ok_or_else(bad)?;
    let port: u16 = port
        .split('/')
        .next()
        .unwrap_or(port)
        .parse()
        .map_err(|_| bad())?;
    let proto = parts.next().ok_or_else(bad)?.to_string();
    let formats = parts
        .map(|f| f.parse::<u8>().ok().filter(|pt| *pt < 128))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    Ok(Media {
        kind,
        port,
        proto,
        formats,
        rtpmap: Vec::new(),
        ptime: None,
        direction: Direction::default(),
        connection: None,
    })
}

fn connection(value: &str, line: &str) -> Result<IpAddr, SdpError> {
    let bad = || SdpError::Field {
        field: 'c',
        line: cut(line),
    };
    let mut parts = value.split_whitespace();
    let (Some("IN"), Some("IP4" | "IP6"), Some(addr)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    addr.split('/')
        .next()
        .unwrap_or(addr)
        .parse()
        .map_err(|_| bad())
}

fn attribute(m: &mut Media, value: &str) {
    let (name, arg) = value.split_once(':').unwrap_or((value, ""));
    match name {
        "rtpmap" => {
            let mut it = arg.split_whitespace();
            let pt = it.next().and_then(|p| p.parse::<u8>().ok());
            let mut enc = it.next().unwrap_or("").split('/');
            let name = enc.next().unwrap_or("");
            let rate = enc.next().and_then(|r| r.parse::<u32>().ok());
            if let (Some(pt), Some(rate)) = (pt, rate) {
                m.rtpmap.push((pt, name.to_string(), rate));
            }
        }
        "ptime" => m.ptime = arg.trim().parse().ok(),
        "sendrecv" => m.direction = Direction::SendRecv,
        "sendonly" => m.direction = Direction::SendOnly,
        "recvonly" => m.direction = Direction::RecvOnly,
        "inactive" => m.direction = Direction::Inactive,
        _ => {}
    }
}

/// Prints the answer: our address and RTP port, the chosen codec, telephone-event when the
/// caller offered it (under the caller's payload type, as RFC 3264 asks).
pub fn answer(local_ip: IpAddr, local_port: u16, session_id: u64, n: &Negotiated) -> String {
    let family = if local_ip.is_ipv4() { "IP4" } else { "IP6" };
    let codec = if n.audio_pt == 8 { "PCMA" } else { "PCMU" };
    let mut s = String::with_capacity(256);
    let _ = write!(
        s,
        "v=0\r\no=hotline {session_id} {session_id} IN {family} {local_ip}\r\ns=hotline\r\n\
         c=IN {family} {local_ip}\r\nt=0 0\r\nm=audio {local_port} RTP/AVP {}",
        n.audio_pt
    );
    if let Some(ev) = n.event_pt {
        let _ = write!(s, " {ev}");
    }
    let _ = write!(s, "\r\na=rtpmap:{} {codec}/8000\r\n", n.audio_pt);
    if let Some(ev) = n.event_pt {
        let _ = write!(
            s,
            "a=rtpmap:{ev} telephone-event/8000\r\na=fmtp:{ev} 0-15\r\n"
        );
    }
    let _ = write!(
        s,
        "a=ptime:{}\r\na={}\r\n",
        n.ptime,
        n.direction.attribute()
    );
    s
}

/// The telephone-event payload type used in our own offers.
pub const OFFER_EVENT_PT: u8 = 101;

/// Prints our offer, for an INVITE that came without one (the caller answers in the ACK):
/// PCMU, PCMA and telephone-event at 20 ms.
pub fn offer(local_ip: IpAddr, local_port: u16, session_id: u64) -> String {
    let family = if local_ip.is_ipv4() { "IP4" } else { "IP6" };
    let ev = OFFER_EVENT_PT;
    format!(
        "v=0\r\no=hotline {session_id} {session_id} IN {family} {local_ip}\r\ns=hotline\r\n\
         c=IN {family} {local_ip}\r\nt=0 0\r\nm=audio {local_port} RTP/AVP 0 8 {ev}\r\n\
         a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:{ev} telephone-event/8000\r\n\
         a=fmtp:{ev} 0-15\r\na=ptime:20\r\na=sendrecv\r\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &[u8] = b"v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n\
m=audio 40000 RTP/AVP 18 8 0 96\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-16\r\n\
a=ptime:20\r\na=sendonly\r\n";

    #[test]
    fn the_first_g711_codec_and_the_event_type_are_chosen() {
        let n = SessionDescription::parse(OFFER)
            .expect("valid")
            .negotiate()
            .expect("common codec");
        assert_eq!(n.remote_ip.to_string(), "10.0.0.9");
        assert_eq!(
            (n.remote_port, n.audio_pt, n.event_pt),
            (40000, 8, Some(96))
        );
        assert_eq!(n.direction, Direction::RecvOnly);
        let a = answer("127.0.0.1".parse().expect("ip"), 20000, 5, &n);
        assert!(a.contains("m=audio 20000 RTP/AVP 8 96\r\n"), "{a}");
        assert!(a.contains("a=rtpmap:96 telephone-event/8000\r\n"), "{a}");
        assert!(a.contains("a=recvonly\r\n"), "{a}");
    }

    #[test]
    fn our_offer_reads_back_as_an_offer() {
        let o = offer("127.0.0.1".parse().expect("ip"), 20_002, 9);
        let n = SessionDescription::parse(o.as_bytes())
            .expect("valid")
            .negotiate()
            .expect("G.711");
        assert_eq!(
            (n.remote_port, n.audio_pt, n.event_pt, n.ptime),
            (20_002, 0, Some(101), 20)
        );
    }

    #[test]
    fn no_g711_is_no_codec_and_media_c_wins() {
        let sdp = b"v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 5 RTP/AVP 18\r\nc=IN IP4 2.2.2.2\r\n";
        let parsed = SessionDescription::parse(sdp).expect("valid");
        assert_eq!(
            parsed.media[0].connection,
            Some("2.2.2.2".parse().expect("ip"))
        );
        assert!(matches!(parsed.negotiate(), Err(SdpError::NoCodec { .. })));
    }

    #[test]
    fn broken_lines_are_errors() {
        for bad in [
            &b"v=0\r\nm=audio x RTP/AVP 0\r\n"[..],
            b"junk\r\n",
            b"c=IN IP4 nope\r\n",
            b"m=audio 5 RTP/AVP 300\r\n",
        ] {
            assert!(
                SessionDescription::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(
            SessionDescription::parse(b"v=0\r\n")
                .expect("valid")
                .negotiate(),
            Err(SdpError::NoAudio)
        );
    }
}
