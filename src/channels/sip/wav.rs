//! The little of RIFF/WAVE that TTS output and recorded prompts need: 16-bit PCM, mono or
//! stereo, any rate; and a windowed-sinc resampler down to 8 kHz.

/// Why bytes are not a WAV file we can play.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    /// No `RIFF....WAVE` header.
    #[error("no RIFF/WAVE header")]
    NotWave,
    /// No `fmt ` chunk before the `data` chunk.
    #[error("no fmt chunk")]
    NoFormat,
    /// Not 16-bit integer PCM.
    #[error("format {format} with {bits} bits per sample; only 16-bit PCM is read")]
    Unsupported {
        /// The format tag (1 is PCM).
        format: u16,
        /// Bits per sample.
        bits: u16,
    },
    /// Zero channels or a zero sample rate.
    #[error("{channels} channels at {rate} Hz")]
    Shape {
        /// Channels.
        channels: u16,
        /// Rate.
        rate: u32,
    },
    /// No `data` chunk.
    #[error("no data chunk")]
    NoData,
}

/// Parses a WAV file into (sample rate, mono samples). A `data` size larger than the file
/// (streamed output, as `espeak-ng --stdout` writes) means "up to the end".
pub fn parse(bytes: &[u8]) -> Result<(u32, Vec<i16>), WavError> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(WavError::NotWave);
    }
    let mut at = 12;
    let mut format = None;
    while let Some(head) = bytes.get(at..at + 8) {
        let id = &head[..4];
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let body_start = at + 8;
        let body = &bytes[body_start..body_start.saturating_add(len).min(bytes.len())];
        match id {
            b"fmt " => format = Some(fmt(body)?),
            b"data" => {
                let (rate, channels) = format.ok_or(WavError::NoFormat)?;
                return Ok((rate, mono(body, channels)));
            }
            _ => {}
        }
        at = body_start.saturating_add(len).saturating_add(len & 1);
    }
    Err(WavError::NoData)
}

fn fmt(body: &[u8]) -> Result<(u32, u16), WavError> {
    let field = |at: usize| {
        body.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let (Some(format), Some(channels), Some(bits)) = (field(0), field(2), field(14)) else {
        return Err(WavError::NoFormat);
    };
    let rate = body
        .get(4..8)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if format != 1 || bits != 16 {
        return Err(WavError::Unsupported { format, bits });
    }
    if channels == 0 || rate == 0 {
        return Err(WavError::Shape { channels, rate });
    }
    Ok((rate, channels))
}

fn mono(data: &[u8], channels: u16) -> Vec<i16> {
    let frame = 2 * usize::from(channels);
    data.chunks_exact(frame)
        .map(|f| {
            let sum: i32 = f
                .chunks_exact(2)
                .map(|s| i32::from(i16::from_le_bytes([s[0], s[1]])))
                .sum();
            (sum / i32::from(channels)) as i16
        })
        .collect()
}

/// A mono 16-bit PCM WAV file.
pub fn encode(rate: u32, samples: &[i16]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// Half-width of the resampling filter, in input samples at the output's cutoff.
const TAPS: i64 = 12;

/// Resamples with a Hann-windowed sinc low-pass at the lower Nyquist rate, so that
/// 22.05 kHz speech does not alias into the telephone band.
pub fn resample(input: &[i16], from: u32, to: u32) -> Vec<i16> {
    if from == to || input.is_empty() || from == 0 || to == 0 {
        return input.to_vec();
    }
    let ratio = f64::from(from) / f64::from(to);
    let cutoff = (1.0 / ratio).min(1.0);
    let half = (TAPS as f64 / cutoff).ceil() as i64;
    let out_len = (input.len() as f64 / ratio).floor() as usize;
    (0..out_len)
        .map(|n| {
            let centre = n as f64 * ratio;
            let first = centre.floor() as i64 - half + 1;
            let mut acc = 0.0;
            for k in first..first + 2 * half {
                let Some(&s) = usize::try_from(k).ok().and_then(|k| input.get(k)) else {
                    continue;
                };
                let x = k as f64 - centre;
                let w = 0.5 + 0.5 * (std::f64::consts::PI * x / half as f64).cos();
                acc += f64::from(s) * cutoff * sinc(x * cutoff) * w;
            }
            acc.round().clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
        })
        .collect()
}

fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-9 {
        1.0
    } else {
        let px = std::f64::consts::PI * x;
        px.sin() / px
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_parse_round_trips() {
        let samples = [0i16, 1, -1, i16::MAX, i16::MIN];
        assert_eq!(parse(&encode(8000, &samples)), Ok((8000, samples.to_vec())));
    }

    #[test]
    fn streamed_sizes_stereo_and_junk() {
        let mut wav = encode(16_000, &[100, 300, -50, -150]);
        wav[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        wav[22] = 2; // now two channels: (100,300) and (-50,-150)
        assert_eq!(parse(&wav), Ok((16_000, vec![200, -100])));
        assert_eq!(parse(b"RIFF\0\0\0\0WAVE"), Err(WavError::NoData));
        assert_eq!(parse(b"garbage"), Err(WavError::NotWave));
        let mut float = encode(8000, &[1]);
        float[20] = 3;
        assert!(matches!(parse(&float), Err(WavError::Unsupported { .. })));
    }

    #[test]
    fn resampling_keeps_a_tone_and_the_duration() {
        let from = 22_050;
        let tone: Vec<i16> = (0..from)
            .map(|n| {
                ((n as f64 * 2.0 * std::f64::consts::PI * 500.0 / 22_050.0).sin() * 10_000.0) as i16
            })
            .collect();
        let out = resample(&tone, from as u32, 8000);
        assert_eq!(out.len(), 8000);
        let peak = out[100..7900]
            .iter()
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap_or(0);
        assert!((9_000..=11_000).contains(&peak), "peak {peak}");
        let alias: Vec<i16> = (0..from)
            .map(|n| {
                ((n as f64 * 2.0 * std::f64::consts::PI * 7_000.0 / 22_050.0).sin() * 10_000.0)
                    as i16
            })
            .collect();
        let out = resample(&alias, from as u32, 8000);
        let peak = out[100..7900]
            .iter()
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap_or(0);
        assert!(peak < 1_500, "7 kHz must be filtered out, peak {peak}");
    }
}
