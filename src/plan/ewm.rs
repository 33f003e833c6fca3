//! `ewm(...).mean()`: pandas' exponentially weighted mean, as a window function of ddq's own.
//! The mean is recursive (each row's weight decays from the row before it), which no frame of
//! the engine's aggregates expresses, so the function streams the rows in order and keeps the
//! running mean and weight, exactly as pandas' own loop does (`adjust`, `ignore_na`, and with
//! `times` a decay by the time since the row before, in halflives).

use crate::error::Result as DdqResult;
use crate::plan::ops::{expr_type, float, is_numeric};
use crate::plan::streaming::{RowByRow, in_order};
use crate::plan::value::Series;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type, TimeUnit};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::expr::WindowFunction;
use datafusion::logical_expr::{Expr, WindowUDF, cast, lit};
use std::sync::Arc;

/// How an `ewm(...)` weighs rows: pandas' center of mass (every form of decay is turned into
/// one), and with `times` the column of times and the halflife in nanoseconds.
#[derive(Clone, Debug)]
pub struct Ewm {
    pub com: f64,
    pub times: Option<(Expr, f64)>,
    pub adjust: bool,
    pub ignore_na: bool,
    pub min_periods: i64,
}

/// pandas' `get_center_of_mass`: exactly one of com, span, halflife (without times) and alpha.
pub fn center_of_mass(
    com: Option<f64>,
    span: Option<f64>,
    halflife: Option<f64>,
    alpha: Option<f64>,
) -> std::result::Result<f64, String> {
    match (com, span, halflife, alpha) {
        (Some(c), None, None, None) if c >= 0.0 => Ok(c),
        (Some(_), None, None, None) => Err("com must satisfy: com >= 0".into()),
        (None, Some(s), None, None) if s >= 1.0 => Ok((s - 1.0) / 2.0),
        (None, Some(_), None, None) => Err("span must satisfy: span >= 1".into()),
        (None, None, Some(h), None) if h > 0.0 => {
            let decay = 1.0 - (0.5f64.ln() / h).exp();
            Ok(1.0 / decay - 1.0)
        }
        (None, None, Some(_), None) => Err("halflife must satisfy: halflife > 0".into()),
        (None, None, None, Some(a)) if a > 0.0 && a <= 1.0 => Ok((1.0 - a) / a),
        (None, None, None, Some(_)) => Err("alpha must satisfy: 0 < alpha <= 1".into()),
        (None, None, None, None) => Err("give one of com, span, halflife or alpha".into()),
        _ => Err("com, span, halflife and alpha are mutually exclusive".into()),
    }
}

/// The exponentially weighted mean of a numeric series, in the frame's row order.
pub fn mean(series: &Series, ewm: &Ewm) -> DdqResult<Series> {
    let t = expr_type(&series.frame, &series.expr)?;
    if !is_numeric(&t) {
        return Err(crate::error::DdqError::type_error(format!(
            "ewm().mean() needs numbers, but `{}` has dtype {}",
            series.name,
            crate::types::dtype::pandas_dtype(&t)
        )));
    }
    let (time, halflife) = match &ewm.times {
        Some((times, halflife)) => {
            let nanos = DataType::Timestamp(TimeUnit::Nanosecond, None);
            (
                cast(cast(times.clone(), nanos), DataType::Int64),
                lit(*halflife),
            )
        }
        None => (lit(0i64), lit(ScalarValue::Float64(None))),
    };
    let args = vec![
        cast(float(series.expr.clone()), DataType::Float64),
        time,
        lit(ewm.com),
        halflife,
        lit(ewm.adjust),
        lit(ewm.ignore_na),
        lit(ewm.min_periods.max(1)),
    ];
    let mut call = WindowFunction::new(Arc::new(ewm_mean_udwf()), args);
    call.params.order_by = series.frame.order.clone();
    Ok(Series {
        expr: Expr::from(call),
        categories: None,
        ..series.clone()
    })
}

/// `ddq_ewm_mean(value, time_ns, com, halflife_ns, adjust, ignore_na, min_periods)`: without a
/// halflife (null) each row is one step after the row before it.
pub fn ewm_mean_udwf() -> WindowUDF {
    crate::plan::streaming::streaming_float(
        "ddq_ewm_mean",
        vec![
            DataType::Float64,
            DataType::Int64,
            DataType::Float64,
            DataType::Float64,
            DataType::Boolean,
            DataType::Boolean,
            DataType::Int64,
        ],
        || in_order(EwmEvaluator::default()),
    )
}

/// pandas' running state: the weighted mean so far (NaN before the first value), the weight
/// of the past, the count of values, and the previous row's time.
#[derive(Debug)]
struct EwmEvaluator {
    weighted: f64,
    old_wt: f64,
    observations: i64,
    previous_time: Option<i64>,
}

impl Default for EwmEvaluator {
    fn default() -> Self {
        EwmEvaluator {
            weighted: f64::NAN,
            old_wt: 1.0,
            observations: 0,
            previous_time: None,
        }
    }
}

/// The arguments of one row.
struct Step {
    value: f64,
    time: i64,
    com: f64,
    halflife: Option<f64>,
    adjust: bool,
    ignore_na: bool,
}

impl EwmEvaluator {
    /// One row of pandas' `ewm` loop (pandas/core/window/numba_.py, normalize=True).
    fn step(&mut self, row: &Step) -> f64 {
        let alpha = 1.0 / (1.0 + row.com);
        let old_wt_factor = 1.0 - alpha;
        let new_wt = if row.adjust { 1.0 } else { alpha };
        let cur = row.value;
        let is_observation = !cur.is_nan();
        let first = self.previous_time.is_none();
        let delta = match (row.halflife, self.previous_time) {
            (Some(h), Some(before)) => (row.time - before) as f64 / h,
            _ => 1.0,
        };
        self.previous_time = Some(row.time);
        self.observations += i64::from(is_observation);
        if first {
            self.weighted = cur;
        } else if !self.weighted.is_nan() {
            if is_observation || !row.ignore_na {
                self.old_wt *= old_wt_factor.powf(delta);
                if is_observation {
                    // pandas leaves a constant series' mean as it is, against rounding.
                    if self.weighted != cur {
                        self.weighted =
                            (self.old_wt * self.weighted + new_wt * cur) / (self.old_wt + new_wt);
                    }
                    self.old_wt = if row.adjust {
                        self.old_wt + new_wt
                    } else {
                        1.0
                    };
                }
            }
        } else if is_observation {
            self.weighted = cur;
        }
        self.weighted
    }
}

impl RowByRow for EwmEvaluator {
    fn next_row(
        &mut self,
        values: &[datafusion::arrow::array::ArrayRef],
        row: usize,
    ) -> Result<ScalarValue> {
        let [
            value,
            time,
            com,
            halflife,
            adjust,
            ignore_na,
            min_periods,
            ..,
        ] = values
        else {
            return exec_err!("ddq_ewm_mean takes seven arguments");
        };
        let floats = |a: &datafusion::arrow::array::ArrayRef| {
            let a = a.as_primitive::<Float64Type>();
            a.is_valid(row).then(|| a.value(row))
        };
        let time = time.as_primitive::<Int64Type>();
        let halflife = floats(halflife);
        if halflife.is_some() && time.is_null(row) {
            return exec_err!("ewm: times must not contain NaT");
        }
        let step = Step {
            value: floats(value).unwrap_or(f64::NAN),
            time: if time.is_valid(row) {
                time.value(row)
            } else {
                0
            },
            com: floats(com).unwrap_or(0.0),
            halflife,
            adjust: adjust.as_boolean().value(row),
            ignore_na: ignore_na.as_boolean().value(row),
        };
        let weighted = self.step(&step);
        let needed = min_periods.as_primitive::<Int64Type>().value(row);
        Ok(ScalarValue::Float64(
            (self.observations >= needed && !weighted.is_nan()).then_some(weighted),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn means(values: &[f64], times: &[i64], com: f64, halflife: Option<f64>) -> Vec<f64> {
        let mut evaluator = EwmEvaluator::default();
        values
            .iter()
            .zip(times)
            .map(|(v, t)| {
                evaluator.step(&Step {
                    value: *v,
                    time: *t,
                    com,
                    halflife,
                    adjust: true,
                    ignore_na: false,
                })
            })
            .collect()
    }

    #[test]
    fn matches_pandas_with_missing_values() {
        // pandas 2.2: pd.Series([np.nan, 1.0, 2.0, np.nan, 4.0]).ewm(com=0.5).mean()
        let got = means(&[f64::NAN, 1.0, 2.0, f64::NAN, 4.0], &[0; 5], 0.5, None);
        let expected = [f64::NAN, 1.0, 1.75, 1.75, 3.709677419354839];
        for (g, e) in got.iter().zip(expected) {
            assert!(g.is_nan() && e.is_nan() || (g - e).abs() < 1e-12, "{got:?}");
        }
    }

    #[test]
    fn times_decay_by_halflives() {
        // pandas 2.2: pd.Series([0.0, 1.0, 2.0]).ewm(halflife="1 day",
        //   times=pd.to_datetime(["2000-01-01", "2000-01-02", "2000-01-04"])).mean()
        let day = 86_400_000_000_000i64;
        let got = means(&[0.0, 1.0, 2.0], &[0, day, 3 * day], 1.0, Some(day as f64));
        let expected = [0.0, 0.6666666666666666, 1.6363636363636365];
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() < 1e-12, "{got:?}");
        }
    }
}
