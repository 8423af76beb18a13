//! Figures across replicates: a grid of one figure per replicate and month (or year), and
//! the band of its 5th percentile, median and 95th percentile across replicates.

use std::collections::BTreeMap;

use crate::summary::{Across, Band};

/// One figure per replicate (row) and period (column).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Grid {
    columns: usize,
    cells: Vec<f64>,
}

impl Grid {
    /// A grid of zeros: totals start from nothing in every replicate and period.
    pub fn zeros(rows: usize, columns: usize) -> Grid {
        Grid {
            columns,
            cells: vec![0.0; rows * columns],
        }
    }

    /// Adds `amount` to a cell; a cell outside the grid is ignored.
    pub fn add(&mut self, row: usize, column: usize, amount: f64) {
        if column < self.columns
            && let Some(cell) = self.cells.get_mut(row * self.columns + column)
        {
            *cell += amount;
        }
    }

    fn rows(&self) -> impl Iterator<Item = &[f64]> {
        self.cells.chunks(self.columns.max(1))
    }

    /// Per period, the band across replicates.
    pub fn bands(&self) -> Vec<Band> {
        (0..self.columns)
            .map(|c| {
                let column: Vec<f64> = self.rows().map(|row| row[c]).collect();
                Band::across(&column)
            })
            .collect()
    }

    /// Per replicate, the sum over periods.
    pub fn totals(&self) -> Vec<f64> {
        self.rows().map(|row| row.iter().sum()).collect()
    }

    /// This grid divided cell by cell by `denominator`; NaN where that is zero.
    pub fn divided_by(&self, denominator: &Grid) -> Grid {
        let cells = self
            .cells
            .iter()
            .zip(&denominator.cells)
            .map(|(n, d)| if *d == 0.0 { f64::NAN } else { n / d })
            .collect();
        Grid {
            columns: self.columns,
            cells,
        }
    }

    /// Sums the columns into `groups` new columns, column `c` going into `group_of[c]`
    /// (months into years, say).
    pub fn regrouped(&self, group_of: &[usize], groups: usize) -> Grid {
        let rows = self.cells.len() / self.columns.max(1);
        let mut grouped = Grid::zeros(rows, groups);
        for (r, row) in self.rows().enumerate() {
            for (value, group) in row.iter().zip(group_of) {
                grouped.add(r, *group, *value);
            }
        }
        grouped
    }
}

/// Sums rows into one grid per key. `place` gives a row's key, replicate slot, period
/// and amount, or `None` to leave the row out.
pub(crate) fn grids_by<'a, T, K: Ord>(
    rows: impl IntoIterator<Item = &'a T>,
    shape: (usize, usize),
    mut place: impl FnMut(&'a T) -> Option<(K, usize, usize, f64)>,
) -> BTreeMap<K, Grid>
where
    T: 'a,
{
    let mut grids = BTreeMap::new();
    for row in rows {
        if let Some((key, replicate, period, amount)) = place(row) {
            grids
                .entry(key)
                .or_insert_with(|| Grid::zeros(shape.0, shape.1))
                .add(replicate, period, amount);
        }
    }
    grids
}

/// The mean across replicates of each grid's total, largest first.
pub(crate) fn ranked_by_total<K: Clone>(grids: &BTreeMap<K, Grid>) -> Vec<(K, f64)> {
    let mut ranked: Vec<(K, f64)> = grids
        .iter()
        .map(|(key, grid)| (key.clone(), Across(grid.totals()).mean()))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_sums_regroups_and_divides() {
        let mut grid = Grid::zeros(2, 3);
        grid.add(0, 0, 1.0);
        grid.add(0, 2, 2.0);
        grid.add(1, 1, 4.0);
        grid.add(5, 0, 100.0); // outside: ignored
        assert_eq!(grid.totals(), vec![3.0, 4.0]);
        let years = grid.regrouped(&[0, 0, 1], 2);
        assert_eq!(years.totals(), vec![3.0, 4.0]);
        assert_eq!(years.bands()[0].median, 2.5);
        let mut people = Grid::zeros(2, 3);
        people.add(0, 0, 2.0);
        let mean = grid.divided_by(&people);
        assert_eq!(mean.cells[0], 0.5);
        assert!(mean.cells[1].is_nan());
    }
}
