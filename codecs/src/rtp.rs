//! RTP (RFC 3550) fixed headers and the RFC 4733 telephone-event payload.

/// Octets of the fixed RTP header (no CSRCs).
pub const HEADER_LEN: usize = 12;

/// Payload type of PCMU (RFC 3551).
pub const PT_PCMU: u8 = 0;
/// Payload type of PCMA (RFC 3551).
pub const PT_PCMA: u8 = 8;

/// Why a datagram is not an RTP packet we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtpError {
    /// Shorter than the header it announces.
    #[error("RTP packet of {len} octets is shorter than its {need}-octet header")]
    Short {
        /// Octets received.
        len: usize,
        /// Octets the header (with CSRCs and extension) needs.
        need: usize,
    },
    /// The version field is not 2.
    #[error("RTP version {0}, expected 2")]
    Version(u8),
    /// Padding longer than the payload.
    #[error("RTP padding of {0} octets overruns the payload")]
    Padding(u8),
    /// A telephone-event payload is not 4 octets or names no DTMF key.
    #[error("telephone-event payload is malformed")]
    Event,
}

/// The fields of an RTP header a voice line uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    /// Marks the first packet of a talkspurt (audio) or of an event.
    pub marker: bool,
    /// The payload type (0..=127).
    pub payload_type: u8,
    /// Increments by one per packet, wrapping.
    pub sequence: u16,
    /// Sampling instant of the first octet, in the payload's clock (8 kHz here).
    pub timestamp: u32,
    /// Identifies the sender's stream.
    pub ssrc: u32,
}

/// A parsed packet: its header and a view of its payload (padding removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    /// The header.
    pub header: RtpHeader,
    /// The payload.
    pub payload: &'a [u8],
}

impl<'a> RtpPacket<'a> {
    /// Parses a datagram, skipping CSRCs and a header extension.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, RtpError> {
        let short = |need| RtpError::Short {
            len: bytes.len(),
            need,
        };
        let fixed = bytes.get(..HEADER_LEN).ok_or(short(HEADER_LEN))?;
        let version = fixed[0] >> 6;
        if version != 2 {
            return Err(RtpError::Version(version));
        }
        let mut offset = HEADER_LEN + 4 * usize::from(fixed[0] & 0x0f);
        if fixed[0] & 0x10 != 0 {
            let ext = bytes.get(offset..offset + 4).ok_or(short(offset + 4))?;
            offset += 4 + 4 * usize::from(u16::from_be_bytes([ext[2], ext[3]]));
        }
        let mut end = bytes.len();
        if offset > end {
            return Err(short(offset));
        }
        if fixed[0] & 0x20 != 0 {
            let pad = bytes[end - 1];
            if usize::from(pad) > end - offset || pad == 0 {
                return Err(RtpError::Padding(pad));
            }
            end -= usize::from(pad);
        }
        let header = RtpHeader {
            marker: fixed[1] & 0x80 != 0,
            payload_type: fixed[1] & 0x7f,
            sequence: u16::from_be_bytes([fixed[2], fixed[3]]),
            timestamp: u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]),
            ssrc: u32::from_be_bytes([fixed[8], fixed[9], fixed[10], fixed[11]]),
        };
        Ok(Self {
            header,
            payload: &bytes[offset..end],
        })
    }
}

impl RtpHeader {
    /// Writes the 12-octet header followed by `payload` into `out` (cleared first).
    pub fn write(&self, payload: &[u8], out: &mut Vec<u8>) {
        out.clear();
        out.push(0x80);
        out.push(u8::from(self.marker) << 7 | (self.payload_type & 0x7f));
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        out.extend_from_slice(payload);
    }
}

/// An RFC 4733 section 2.3 telephone-event payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// The event code (0-9 digits, 10 `*`, 11 `#`, 12-15 A-D).
    pub event: u8,
    /// Set on the final packet(s) of the event; senders repeat it three times.
    pub end: bool,
    /// Tone power in -dBm0 (0..=63).
    pub volume: u8,
    /// Duration so far, in timestamp units.
    pub duration: u16,
}

impl TelephoneEvent {
    /// Parses a payload.
    pub fn parse(payload: &[u8]) -> Result<Self, RtpError> {
        let [event, flags, d0, d1] = payload.get(..4).ok_or(RtpError::Event)? else {
            return Err(RtpError::Event);
        };
        Ok(Self {
            event: *event,
            end: flags & 0x80 != 0,
            volume: flags & 0x3f,
            duration: u16::from_be_bytes([*d0, *d1]),
        })
    }

    /// The 4-octet payload.
    pub fn to_bytes(&self) -> [u8; 4] {
        let d = self.duration.to_be_bytes();
        [
            self.event,
            u8::from(self.end) << 7 | (self.volume & 0x3f),
            d[0],
            d[1],
        ]
    }

    /// The keypad key of a DTMF event code.
    pub fn digit(&self) -> Option<char> {
        event_digit(self.event)
    }
}

/// The keypad key of an RFC 4733 DTMF event code.
pub fn event_digit(event: u8) -> Option<char> {
    match event {
        0..=9 => Some(char::from(b'0' + event)),
        10 => Some('*'),
        11 => Some('#'),
        12..=15 => Some(char::from(b'A' + event - 12)),
        _ => None,
    }
}

/// The RFC 4733 event code of a keypad key.
pub fn digit_event(key: char) -> Option<u8> {
    match key {
        '0'..='9' => Some(key as u8 - b'0'),
        '*' => Some(10),
        '#' => Some(11),
        'A'..='D' => Some(key as u8 - b'A' + 12),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = RtpHeader {
            marker: true,
            payload_type: PT_PCMA,
            sequence: 65_535,
            timestamp: 0xdead_beef,
            ssrc: 7,
        };
        let mut out = Vec::new();
        h.write(&[1, 2, 3], &mut out);
        assert_eq!(&out[..2], &[0x80, 0x88]);
        let p = RtpPacket::parse(&out).expect("valid");
        assert_eq!((p.header, p.payload), (h, &[1u8, 2, 3][..]));
    }

    #[test]
    fn csrcs_extension_and_padding_are_skipped() {
        let mut bytes = vec![0xb1, 101, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9];
        bytes.extend_from_slice(&[0; 4]); // one CSRC
        bytes.extend_from_slice(&[0xbe, 0xde, 0, 1, 0, 0, 0, 0]); // extension, one word
        bytes.extend_from_slice(&[5, 0x8a, 0x03, 0x20, 0, 2]); // event + 2 padding
        let p = RtpPacket::parse(&bytes).expect("valid");
        let e = TelephoneEvent::parse(p.payload).expect("event");
        assert_eq!(
            (e.digit(), e.end, e.volume, e.duration),
            (Some('5'), true, 10, 800)
        );
        assert_eq!(e.to_bytes(), [5, 0x8a, 0x03, 0x20]);
    }

    #[test]
    fn broken_packets_are_errors() {
        assert!(RtpPacket::parse(&[0x80; 5]).is_err());
        assert!(RtpPacket::parse(&[0x40; 12]).is_err());
        assert!(RtpPacket::parse(&[0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
        let mut padded = vec![0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9];
        assert!(RtpPacket::parse(&padded).is_err());
        padded.pop();
        padded.push(0);
        assert!(RtpPacket::parse(&padded).is_err());
        assert!(TelephoneEvent::parse(&[1, 2]).is_err());
    }
}
