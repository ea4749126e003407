//! G.711 (ITU-T G.711): 16-bit linear samples to 8-bit mu-law (PCMU, payload type 0) and
//! A-law (PCMA, payload type 8), and back.

const BIAS: i32 = 0x84;
const CLIP: i32 = 32_635;

/// Encodes one linear sample as mu-law.
pub fn linear_to_ulaw(sample: i16) -> u8 {
    let mut s = i32::from(sample);
    let sign = if s < 0 {
        s = -s;
        0x80
    } else {
        0
    };
    let s = s.min(CLIP) + BIAS;
    let exponent = (7 - (s as u32).leading_zeros().saturating_sub(17)).min(7) as i32;
    let mantissa = (s >> (exponent + 3)) & 0x0f;
    !(sign | (exponent << 4) | mantissa) as u8
}

/// Decodes one mu-law octet.
pub fn ulaw_to_linear(octet: u8) -> i16 {
    let u = !octet;
    let exponent = i32::from((u >> 4) & 0x07);
    let mantissa = i32::from(u & 0x0f);
    let magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
    (if u & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

/// Encodes one linear sample as A-law.
pub fn linear_to_alaw(sample: i16) -> u8 {
    let s = i32::from(sample) >> 3;
    let (sign, magnitude) = if s >= 0 { (0xd5, s) } else { (0x55, -s - 1) };
    let magnitude = magnitude.min(0x0fff);
    let octet = if magnitude < 32 {
        magnitude >> 1
    } else {
        let exponent = 31 - (magnitude as u32).leading_zeros() as i32 - 4;
        (exponent << 4) | ((magnitude >> exponent) & 0x0f)
    };
    (octet ^ sign) as u8
}

/// Decodes one A-law octet.
pub fn alaw_to_linear(octet: u8) -> i16 {
    let a = i32::from(octet ^ 0x55);
    let exponent = (a >> 4) & 0x07;
    let mantissa = a & 0x0f;
    let magnitude = if exponent == 0 {
        (mantissa << 4) + 8
    } else {
        ((mantissa << 4) + 0x108) << (exponent - 1)
    };
    (if a & 0x80 != 0 { magnitude } else { -magnitude }) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_code_points() {
        assert_eq!(linear_to_ulaw(0), 0xff);
        assert_eq!(linear_to_ulaw(i16::MAX), 0x80);
        assert_eq!(linear_to_ulaw(i16::MIN), 0x00);
        assert_eq!(linear_to_alaw(0), 0xd5);
        assert_eq!(linear_to_alaw(i16::MAX), 0xaa);
        assert_eq!(linear_to_alaw(i16::MIN), 0x2a);
    }

    #[test]
    fn every_octet_survives_decode_then_encode() {
        for octet in 0..=255u8 {
            // 0x7f is mu-law's negative zero; it comes back as positive zero.
            let expected = if octet == 0x7f { 0xff } else { octet };
            assert_eq!(
                linear_to_ulaw(ulaw_to_linear(octet)),
                expected,
                "ulaw {octet:#x}"
            );
            assert_eq!(
                linear_to_alaw(alaw_to_linear(octet)),
                octet,
                "alaw {octet:#x}"
            );
        }
    }

    #[test]
    fn encoding_error_stays_within_a_step() {
        for s in (-32_000..32_000).step_by(97) {
            let s = s as i16;
            let u = i32::from(ulaw_to_linear(linear_to_ulaw(s)));
            let a = i32::from(alaw_to_linear(linear_to_alaw(s)));
            let tolerance = (i32::from(s).abs() / 16).max(16);
            assert!((u - i32::from(s)).abs() <= tolerance, "ulaw {s} -> {u}");
            assert!((a - i32::from(s)).abs() <= tolerance, "alaw {s} -> {a}");
        }
    }
}
