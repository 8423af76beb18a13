//! Small statistics shared by every crate that summarises replicates.

/// The `q`-quantile of values sorted ascending, by linear interpolation between order
/// statistics (type 7 in R and numpy's default); NaN when there are none.
pub fn quantile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// The finite values, sorted ascending.
pub fn sorted_finite(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_between_order_statistics() {
        let sorted = sorted_finite([4.0, 1.0, f64::NAN, 3.0, 2.0]);
        assert_eq!(sorted, vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(quantile_of_sorted(&sorted, 0.5), 2.5);
        assert!((quantile_of_sorted(&sorted, 0.05) - 1.15).abs() < 1e-12);
        assert!(quantile_of_sorted(&[], 0.5).is_nan());
    }
}
