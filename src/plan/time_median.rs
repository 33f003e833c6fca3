//! The median over pandas' time window (`s.rolling("2h").median()`), as a window function of
//! ddq's own. pandas' time window for a row is the rows up to it (in order) whose time lies
//! within the span before its own; the engine's range frame would also take the later rows of
//! the same time, and a median cannot be pieced together from parts as sums can, so the
//! function keeps the window itself: rows enter in order, leave once their time falls out of
//! the span, and two balanced halves give the median in logarithmic time. It streams: the
//! engine hands it each row once, in order, and keeps nothing behind it.

use crate::plan::streaming::{RowByRow, in_order};
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::WindowUDF;
use std::collections::{BTreeMap, VecDeque};

/// `ddq_time_median(time_ns, value, span_ns)`: the median of the values of pandas' time window
/// ending at each row (missing when it holds none).
pub fn time_median_udwf() -> WindowUDF {
    crate::plan::streaming::streaming_float(
        "ddq_time_median",
        vec![DataType::Int64, DataType::Float64, DataType::Int64],
        || in_order(TimeMedianEvaluator::default()),
    )
}

/// The window so far: its rows' times and values in order, and the values present in two
/// halves.
#[derive(Debug, Default)]
struct TimeMedianEvaluator {
    rows: VecDeque<(i64, Option<f64>)>,
    halves: Halves,
}

impl RowByRow for TimeMedianEvaluator {
    fn next_row(
        &mut self,
        values: &[datafusion::arrow::array::ArrayRef],
        row: usize,
    ) -> Result<ScalarValue> {
        let [times, numbers, spans, ..] = values else {
            return exec_err!("ddq_time_median takes a time, a value and a span");
        };
        let times = times.as_primitive::<Int64Type>();
        let numbers = numbers.as_primitive::<Float64Type>();
        let spans = spans.as_primitive::<Int64Type>();
        if times.is_null(row) || spans.is_null(row) {
            return Ok(ScalarValue::Float64(None));
        }
        let (time, span) = (times.value(row), spans.value(row));
        let value =
            (numbers.is_valid(row) && !numbers.value(row).is_nan()).then(|| numbers.value(row));
        self.rows.push_back((time, value));
        if let Some(v) = value {
            self.halves.insert(v);
        }
        // pandas' window is (t - span, t].
        while let Some(&(first, leaving)) = self.rows.front() {
            if first > time.saturating_sub(span) {
                break;
            }
            self.rows.pop_front();
            if let Some(v) = leaving {
                self.halves.remove(v);
            }
        }
        Ok(ScalarValue::Float64(self.halves.median()))
    }
}

/// A float's place in a total order, as a map key.
fn key(v: f64) -> u64 {
    let bits = v.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn value_of(key: u64) -> f64 {
    let bits = if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    };
    f64::from_bits(bits)
}

/// A multiset of values split in two: `low` holds the smaller half (one more when the count is
/// odd), `high` the larger.
#[derive(Debug, Default)]
struct Halves {
    low: BTreeMap<u64, usize>,
    high: BTreeMap<u64, usize>,
    low_len: usize,
    high_len: usize,
}

fn add(map: &mut BTreeMap<u64, usize>, k: u64) {
    *map.entry(k).or_insert(0) += 1;
}

/// Takes one `k` out of `map`; false when there is none.
fn take(map: &mut BTreeMap<u64, usize>, k: u64) -> bool {
    match map.get_mut(&k) {
        Some(1) => {
            map.remove(&k);
            true
        }
        Some(n) => {
            *n -= 1;
            true
        }
        None => false,
    }
}

impl Halves {
    fn insert(&mut self, v: f64) {
        let k = key(v);
        match self.low.last_key_value() {
            Some((&top, _)) if k > top => {
                add(&mut self.high, k);
                self.high_len += 1;
            }
            _ => {
                add(&mut self.low, k);
                self.low_len += 1;
            }
        }
        self.balance();
    }

    fn remove(&mut self, v: f64) {
        let k = key(v);
        if take(&mut self.low, k) {
            self.low_len -= 1;
        } else if take(&mut self.high, k) {
            self.high_len -= 1;
        }
        self.balance();
    }

    fn balance(&mut self) {
        while self.low_len > self.high_len + 1 {
            let Some((&top, _)) = self.low.last_key_value() else {
                return;
            };
            take(&mut self.low, top);
            add(&mut self.high, top);
            self.low_len -= 1;
            self.high_len += 1;
        }
        while self.high_len > self.low_len {
            let Some((&bottom, _)) = self.high.first_key_value() else {
                return;
            };
            take(&mut self.high, bottom);
            add(&mut self.low, bottom);
            self.high_len -= 1;
            self.low_len += 1;
        }
    }

    fn median(&self) -> Option<f64> {
        let (&top, _) = self.low.last_key_value()?;
        if self.low_len > self.high_len {
            return Some(value_of(top));
        }
        let (&bottom, _) = self.high.first_key_value()?;
        Some((value_of(top) + value_of(bottom)) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array};
    use std::sync::Arc;

    /// The medians the evaluator gives, row by row.
    fn medians(times: Vec<i64>, values: Vec<Option<f64>>, span: i64) -> Vec<Option<f64>> {
        let n = times.len();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(times)),
            Arc::new(Float64Array::from(values)),
            Arc::new(Int64Array::from(vec![span; n])),
        ];
        let mut evaluator = TimeMedianEvaluator::default();
        (0..n)
            .map(|row| match evaluator.next_row(&columns, row).unwrap() {
                ScalarValue::Float64(v) => v,
                other => panic!("not a float: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn each_row_sees_the_span_before_it_and_its_own_time_up_to_itself() {
        // pandas 2.2: pd.Series([5.0, 1.0, 3.0, 2.0, 8.0], index=pd.to_datetime(
        //   ["2000-01-01", "2000-01-01", "2000-01-02", "2000-01-03", "2000-01-05"]))
        //   .rolling("2D").median() -> 5.0, 3.0, 3.0, 2.5, 8.0
        let day = 86_400_000_000_000i64;
        let got = medians(
            vec![0, 0, day, 2 * day, 4 * day],
            vec![Some(5.0), Some(1.0), Some(3.0), Some(2.0), Some(8.0)],
            2 * day,
        );
        assert_eq!(
            got,
            vec![Some(5.0), Some(3.0), Some(3.0), Some(2.5), Some(8.0)]
        );
    }

    #[test]
    fn missing_values_are_skipped_and_an_empty_window_has_no_median() {
        let got = medians(vec![0, 1, 5], vec![None, Some(-2.0), None], 2);
        assert_eq!(got, vec![None, Some(-2.0), None]);
    }

    #[test]
    fn the_halves_agree_with_sorting_on_a_sliding_window() {
        let values: Vec<f64> = (0..300).map(|i| ((i * 7919) % 101) as f64 - 50.0).collect();
        let mut halves = Halves::default();
        for (i, v) in values.iter().enumerate() {
            halves.insert(*v);
            if i >= 17 {
                halves.remove(values[i - 17]);
            }
            let mut window: Vec<f64> = values[i.saturating_sub(16)..=i].to_vec();
            window.sort_by(f64::total_cmp);
            let n = window.len();
            let expected = if n % 2 == 1 {
                window[n / 2]
            } else {
                (window[n / 2 - 1] + window[n / 2]) / 2.0
            };
            assert_eq!(halves.median(), Some(expected), "row {i}");
        }
    }
}
