//! Numbers for reading in printed tables: thousands separators, and decimals only where
//! they carry information. Files (CSV, Parquet, JSON) keep the raw numbers.

/// `x` with thousands separators and a few significant decimals: `1,023,456`, `612.3`,
/// `0.823`, `n/a` for a missing value; never `-0`.
pub fn readable(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let magnitude = x.abs();
    let decimals = if magnitude >= 1000.0 {
        0
    } else if magnitude >= 100.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else {
        3
    };
    let text = format!("{:.*}", decimals, magnitude);
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if !fraction.is_empty() {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    let zero = grouped.chars().all(|c| c == '0' || c == '.' || c == ',');
    if x < 0.0 && !zero {
        format!("-{grouped}")
    } else {
        grouped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_with_separators_and_no_negative_zero() {
        assert_eq!(readable(611_785.4), "611,785");
        assert_eq!(readable(-1_023_456.0), "-1,023,456");
        assert_eq!(readable(612.34), "612.3");
        assert_eq!(readable(0.8234), "0.823");
        assert_eq!(readable(-0.0001), "0.000");
        assert_eq!(readable(999.96), "1,000.0");
        assert_eq!(readable(f64::NAN), "n/a");
    }
}
