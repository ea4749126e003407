//! `sequence_number` allocation (SMPP 3.4 §5.1.4 / 5.0 §4.7.24): "allowed sequence_number
//! range is from 0x00000001 to 0x7FFFFFFF"; after the top it wraps to 1. Sans-IO: the
//! session owns one and asks it for the next number.

/// Allocates request sequence numbers 1..=0x7FFF_FFFF, wrapping back to 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceNumbers {
    next: u32,
}

impl SequenceNumbers {
    /// The smallest allowed value.
    pub const MIN: u32 = 1;
    /// The largest allowed value.
    pub const MAX: u32 = 0x7FFF_FFFF;

    /// Starts at 1.
    pub const fn new() -> Self {
        Self { next: Self::MIN }
    }

    /// Starts at `first`, clamped into the allowed range (0 and values above MAX give 1).
    pub const fn starting_at(first: u32) -> Self {
        let next = if first >= Self::MIN && first <= Self::MAX {
            first
        } else {
            Self::MIN
        };
        Self { next }
    }

    /// The number the next call to [`allocate`](Self::allocate) returns.
    pub const fn peek(&self) -> u32 {
        self.next
    }

    /// Returns a fresh sequence number and advances, wrapping from MAX to MIN.
    pub fn allocate(&mut self) -> u32 {
        let current = self.next;
        self.next = if current >= Self::MAX {
            Self::MIN
        } else {
            current + 1
        };
        current
    }

    /// True when `n` is in the allowed range (responses to a peer's bad numbers can be
    /// spotted with it).
    pub const fn is_valid(n: u32) -> bool {
        n >= Self::MIN && n <= Self::MAX
    }
}

impl Default for SequenceNumbers {
    fn default() -> Self {
        Self::new()
    }
}
