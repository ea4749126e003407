//! In-band DTMF: a Goertzel detector for trunks that send keypresses as tones in the audio
//! instead of RFC 4733 events. It runs on 20 ms blocks of 8 kHz samples and reports a key
//! once per press: on the second consecutive block that carries it, and not again until a
//! block without it.

const ROWS: [f64; 4] = [697.0, 770.0, 852.0, 941.0];
const COLS: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
const KEYS: [[char; 4]; 4] = [
    ['1', '2', '3', 'A'],
    ['4', '5', '6', 'B'],
    ['7', '8', '9', 'C'],
    ['*', '0', '#', 'D'],
];
/// Samples per analysis block (20 ms, one G.711 frame).
pub const BLOCK: usize = 160;
/// Below this mean power per sample (about -45 dBm0) a block is silence.
const MIN_POWER: f64 = 2_500.0;
/// The two tones together must hold this share of the block's energy (speech does not).
const MIN_SHARE: f64 = 0.6;
/// Each tone must hold this share (a twist of about 8 dB at most).
const MIN_TONE: f64 = 0.08;
/// The strongest tone of a group must beat the next one by this factor (6 dB).
const DOMINANCE: f64 = 4.0;

/// Detector state across blocks.
#[derive(Debug, Clone, Default)]
pub struct Detector {
    pending: Vec<f64>,
    candidate: Option<char>,
    held: Option<char>,
}

impl Detector {
    /// Feeds samples; returns the keys whose press was recognised in them.
    pub fn feed(&mut self, samples: impl IntoIterator<Item = i16>) -> Vec<char> {
        let mut keys = Vec::new();
        for s in samples {
            self.pending.push(f64::from(s));
            if self.pending.len() == BLOCK {
                let key = classify(&self.pending);
                self.pending.clear();
                if let Some(k) = self.block(key) {
                    keys.push(k);
                }
            }
        }
        keys
    }

    fn block(&mut self, key: Option<char>) -> Option<char> {
        let confirmed = key.is_some() && key == self.candidate;
        self.candidate = key;
        if key.is_none() {
            self.held = None;
            return None;
        }
        if confirmed && self.held != key {
            self.held = key;
            return key;
        }
        None
    }
}

/// The key a block carries, if it is a clean dual tone.
fn classify(block: &[f64]) -> Option<char> {
    let n = block.len() as f64;
    let energy: f64 = block.iter().map(|x| x * x).sum();
    if energy / n < MIN_POWER {
        return None;
    }
    let share = |f: f64| 2.0 * goertzel(block, f) / (n * energy);
    let rows = ROWS.map(share);
    let cols = COLS.map(share);
    let (r, rp) = strongest(&rows)?;
    let (c, cp) = strongest(&cols)?;
    (rp + cp >= MIN_SHARE && rp >= MIN_TONE && cp >= MIN_TONE).then(|| KEYS[r][c])
}

/// The index and share of the dominant tone of a group, if one dominates.
fn strongest(shares: &[f64; 4]) -> Option<(usize, f64)> {
    let (best, &p) = shares
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let runner_up = shares
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .map(|(_, v)| *v)
        .fold(0.0, f64::max);
    (p >= runner_up * DOMINANCE).then_some((best, p))
}

/// Squared magnitude of the block's component at `freq` (8 kHz sampling).
fn goertzel(block: &[f64], freq: f64) -> f64 {
    let coeff = 2.0 * (2.0 * std::f64::consts::PI * freq / 8_000.0).cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in block {
        let s = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    s1 * s1 + s2 * s2 - coeff * s1 * s2
}

/// 8 kHz samples of `key` as a telephone makes it: the two tones at `amplitude` each.
pub fn tone(key: char, ms: u32, amplitude: f64) -> Vec<i16> {
    let Some((r, c)) = (0..4)
        .flat_map(|r| (0..4).map(move |c| (r, c)))
        .find(|&(r, c)| KEYS[r][c] == key)
    else {
        return Vec::new();
    };
    let (fr, fc) = (ROWS[r], COLS[c]);
    (0..ms * 8)
        .map(|n| {
            let t = f64::from(n) / 8_000.0;
            let v = amplitude
                * ((2.0 * std::f64::consts::PI * fr * t).sin()
                    + (2.0 * std::f64::consts::PI * fc * t).sin());
            v.clamp(-32_000.0, 32_000.0) as i16
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_alone_is_recognised_once() {
        for key in "0123456789*#ABCD".chars() {
            let mut d = Detector::default();
            let mut audio = tone(key, 100, 6_000.0);
            audio.extend(std::iter::repeat_n(0, 400));
            assert_eq!(d.feed(audio), [key], "key {key}");
        }
    }

    #[test]
    fn a_pure_tone_and_noise_are_no_key() {
        let mut d = Detector::default();
        let beep: Vec<i16> = (0..8_000)
            .map(|n| {
                ((f64::from(n) * 2.0 * std::f64::consts::PI * 440.0 / 8_000.0).sin() * 8_000.0)
                    as i16
            })
            .collect();
        assert!(d.feed(beep).is_empty());
        let noise: Vec<i16> = (0..8_000).map(|_| fastrand::i16(-8_000..8_000)).collect();
        assert!(d.feed(noise).is_empty());
    }
}
