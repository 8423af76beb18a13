//! Units that the type system should keep apart: money in integer fen.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// `x.round() as i64` (half away from zero, saturating, NaN to 0), without the library
/// call: the baseline x86-64 target has no rounding instruction, and the money of every
/// transfer is rounded to the fen. Below 2^53 in magnitude `x as i64` truncates exactly
/// and `x - t` is the exact fraction; above, `x` is already whole and the fraction is 0.
/// The step away from zero is added without a branch: whether a fraction reaches a half
/// is a coin toss the processor mispredicts half the time.
pub fn round_to_i64(x: f64) -> i64 {
    let whole = x as i64;
    let fraction = x - whole as f64;
    whole.saturating_add(i64::from(fraction >= 0.5) - i64::from(fraction <= -0.5))
}

/// Money in fen (0.01 CNY). Integer so that the ledger conserves money exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

impl Fen {
    /// No money.
    pub const ZERO: Fen = Fen(0);

    /// The nearest whole fen to an amount in yuan.
    pub fn from_cny(amount_cny: f64) -> Fen {
        Fen(round_to_i64(amount_cny * 100.0))
    }

    /// The amount in yuan.
    pub fn cny(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// This amount times a share in [0, 1], rounded to the nearest fen.
    pub fn share(self, share: f64) -> Fen {
        Fen(round_to_i64(self.0 as f64 * share))
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
    fn rounds_as_the_library_does() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -2.5,
            0.499_999_999_999_999_94,
            -0.499_999_999_999_999_94,
            4_503_599_627_370_495.5,
            -4_503_599_627_370_495.5,
            9_007_199_254_740_993.0,
            9.3e18,
            -9.3e18,
            1e300,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for x in edges {
            assert_eq!(round_to_i64(x), x.round() as i64, "{x:e}");
        }
    }

    proptest::proptest! {
        #[test]
        fn rounds_any_float_as_the_library_does(bits: u64, cny in -1e12f64..1e12) {
            let x = f64::from_bits(bits);
            proptest::prop_assert_eq!(round_to_i64(x), x.round() as i64);
            proptest::prop_assert_eq!(round_to_i64(cny * 100.0), (cny * 100.0).round() as i64);
        }
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
