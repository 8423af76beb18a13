//! Units that the type system should keep apart: money in integer fen.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// Money in fen (0.01 CNY). Integer so that the ledger conserves money exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

impl Fen {
    /// No money.
    pub const ZERO: Fen = Fen(0);

    /// The nearest whole fen to an amount in yuan.
    pub fn from_cny(amount_cny: f64) -> Fen {
        Fen((amount_cny * 100.0).round() as i64)
    }

    /// The amount in yuan.
    pub fn cny(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// This amount times a share in [0, 1], rounded to the nearest fen.
    pub fn share(self, share: f64) -> Fen {
        Fen((self.0 as f64 * share).round() as i64)
    }

    /// The part `numerator / denominator` of this amount, rounded down, in exact integer
    /// arithmetic (used to pay each porter by weight without losing a fen to floating point).
    pub fn pro_rata(self, numerator: u64, denominator: u64) -> Fen {
        debug_assert!(denominator > 0);
        // The 64-bit product when it fits (always, for wages): the same truncated quotient
        // as the 128-bit one, without a 128-bit division.
        if let (Ok(n), Ok(d)) = (i64::try_from(numerator), i64::try_from(denominator))
            && let Some(product) = self.0.checked_mul(n)
        {
            return Fen(product / d);
        }
        Fen((self.0 as i128 * numerator as i128 / denominator as i128) as i64)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, rhs: Fen) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, rhs: Fen) {
        self.0 -= rhs.0;
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_yuan_to_fen_and_back() {
        assert_eq!(Fen::from_cny(40.0), Fen(4000));
        assert_eq!(Fen::from_cny(0.805), Fen(81));
        assert_eq!(Fen(159_000).cny(), 1590.0);
    }

    #[test]
    fn pro_rata_rounds_down_and_never_exceeds_the_whole() {
        let pool = Fen(200_000);
        let parts: Fen = [50u64, 50, 31, 47]
            .iter()
            .map(|&kg| pool.pro_rata(kg, 178))
            .sum();
        assert!(parts <= pool);
        assert!(pool.0 - parts.0 < 4, "at most one fen lost per share");
        assert_eq!(Fen(1000).share(0.5), Fen(500));
    }
}
