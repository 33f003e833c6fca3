//! `skew()` and `kurt()` as aggregate functions: the third and fourth central moments kept in
//! one pass (Terriberry's update) and combined across partitions (Pébay's formulas), so they
//! run out of core and on a cluster; the result is pandas' bias-corrected estimate, with its
//! NaN for too few values and its 0 for constant data.

use datafusion::arrow::array::{ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type, UInt64Type};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility,
};
use std::sync::Arc;

/// Which standardized moment a [`ShapeStatistic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    Skew,
    Kurt,
}

/// The aggregate function for one [`Shape`].
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ShapeStatistic {
    shape: Shape,
    signature: Signature,
}

impl ShapeStatistic {
    fn new(shape: Shape) -> Self {
        ShapeStatistic {
            shape,
            signature: Signature::exact(vec![DataType::Float64], Volatility::Immutable),
        }
    }
}

/// `ddq_skew(x)`: pandas' `skew()`.
pub fn skew_udaf() -> AggregateUDF {
    AggregateUDF::new_from_impl(ShapeStatistic::new(Shape::Skew))
}

/// `ddq_kurt(x)`: pandas' `kurt()` (excess kurtosis, Fisher's definition).
pub fn kurt_udaf() -> AggregateUDF {
    AggregateUDF::new_from_impl(ShapeStatistic::new(Shape::Kurt))
}

/// Every aggregate function of ddq's own, for the session and the cluster's codec.
pub fn all() -> Vec<AggregateUDF> {
    vec![skew_udaf(), kurt_udaf()]
}

impl AggregateUDFImpl for ShapeStatistic {
    fn name(&self) -> &str {
        match self.shape {
            Shape::Skew => "ddq_skew",
            Shape::Kurt => "ddq_kurt",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let count = Field::new(
            format_state_name(args.name, "count"),
            DataType::UInt64,
            true,
        );
        let mut fields = vec![Arc::new(count)];
        for moment in ["mean", "m2", "m3", "m4"] {
            let name = format_state_name(args.name, moment);
            fields.push(Arc::new(Field::new(name, DataType::Float64, true)));
        }
        Ok(fields)
    }

    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(MomentsAccumulator {
            shape: self.shape,
            moments: Moments::default(),
        }))
    }
}

/// The count, mean and sums of the 2nd to 4th powers of deviations from the mean.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
    m3: f64,
    m4: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        let n1 = self.n;
        self.n += 1.0;
        let n = self.n;
        let delta = x - self.mean;
        let delta_n = delta / n;
        let delta_n2 = delta_n * delta_n;
        let term1 = delta * delta_n * n1;
        self.mean += delta_n;
        self.m4 += term1 * delta_n2 * (n * n - 3.0 * n + 3.0) + 6.0 * delta_n2 * self.m2
            - 4.0 * delta_n * self.m3;
        self.m3 += term1 * delta_n * (n - 2.0) - 3.0 * delta_n * self.m2;
        self.m2 += term1;
    }

    fn merge(&mut self, other: Moments) {
        if other.n == 0.0 {
            return;
        }
        if self.n == 0.0 {
            *self = other;
            return;
        }
        let (na, nb) = (self.n, other.n);
        let n = na + nb;
        let delta = other.mean - self.mean;
        let (d2, d3, d4) = (delta * delta, delta.powi(3), delta.powi(4));
        let m4 = self.m4
            + other.m4
            + d4 * na * nb * (na * na - na * nb + nb * nb) / n.powi(3)
            + 6.0 * d2 * (na * na * other.m2 + nb * nb * self.m2) / (n * n)
            + 4.0 * delta * (na * other.m3 - nb * self.m3) / n;
        let m3 = self.m3
            + other.m3
            + d3 * na * nb * (na - nb) / (n * n)
            + 3.0 * delta * (na * other.m2 - nb * self.m2) / n;
        let m2 = self.m2 + other.m2 + d2 * na * nb / n;
        *self = Moments {
            n,
            mean: self.mean + delta * nb / n,
            m2,
            m3,
            m4,
        };
    }

    /// pandas' `nanops.nanskew`: NaN below 3 values, 0 where the values do not vary.
    fn skew(&self) -> Option<f64> {
        let n = self.n;
        if n < 3.0 {
            return None;
        }
        let (m2, m3) = (zero_out_rounding(self.m2), zero_out_rounding(self.m3));
        if m2 == 0.0 {
            return Some(0.0);
        }
        Some((n * (n - 1.0).sqrt() / (n - 2.0)) * (m3 / m2.powf(1.5)))
    }

    /// pandas' `nanops.nankurt`: NaN below 4 values, 0 where the values do not vary.
    fn kurt(&self) -> Option<f64> {
        let n = self.n;
        if n < 4.0 {
            return None;
        }
        let adjustment = 3.0 * (n - 1.0).powi(2) / ((n - 2.0) * (n - 3.0));
        let numerator = zero_out_rounding(n * (n + 1.0) * (n - 1.0) * self.m4);
        let denominator = zero_out_rounding((n - 2.0) * (n - 3.0) * self.m2 * self.m2);
        if denominator == 0.0 {
            return Some(0.0);
        }
        Some(numerator / denominator - adjustment)
    }
}

/// pandas treats sums this close to zero as rounding error (`_zero_out_fperr`).
fn zero_out_rounding(x: f64) -> f64 {
    if x.abs() < 1e-14 { 0.0 } else { x }
}

#[derive(Debug)]
struct MomentsAccumulator {
    shape: Shape,
    moments: Moments,
}

impl Accumulator for MomentsAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let Some(values) = values.first() else {
            return exec_err!("skew/kurt take one argument");
        };
        for x in values.as_primitive::<Float64Type>().iter().flatten() {
            self.moments.add(x);
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let [count, mean, m2, m3, m4] = states else {
            return exec_err!("skew/kurt state has five columns, found {}", states.len());
        };
        let count = count.as_primitive::<UInt64Type>();
        let [mean, m2, m3, m4] = [mean, m2, m3, m4].map(|a| a.as_primitive::<Float64Type>());
        for i in 0..count.len() {
            self.moments.merge(Moments {
                n: count.value(i) as f64,
                mean: mean.value(i),
                m2: m2.value(i),
                m3: m3.value(i),
                m4: m4.value(i),
            });
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let m = self.moments;
        Ok(vec![
            ScalarValue::UInt64(Some(m.n as u64)),
            ScalarValue::Float64(Some(m.mean)),
            ScalarValue::Float64(Some(m.m2)),
            ScalarValue::Float64(Some(m.m3)),
            ScalarValue::Float64(Some(m.m4)),
        ])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(match self.shape {
            Shape::Skew => self.moments.skew(),
            Shape::Kurt => self.moments.kurt(),
        }))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments_of(values: &[f64]) -> Moments {
        let mut m = Moments::default();
        values.iter().for_each(|&x| m.add(x));
        m
    }

    const SAMPLE: [f64; 6] = [1.0, 2.0, 2.0, 3.0, 10.0, -4.0];

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn skew_and_kurt_are_pandas_bias_corrected_estimates() {
        // pd.Series([1, 2, 2, 3, 10, -4]).skew() / .kurt() in pandas 2.2.3.
        let m = moments_of(&SAMPLE);
        assert!(
            close(m.skew().unwrap(), 0.6393568273509934),
            "{:?}",
            m.skew()
        );
        assert!(
            close(m.kurt().unwrap(), 2.385625865650969),
            "{:?}",
            m.kurt()
        );
    }

    #[test]
    fn merging_partitions_equals_one_pass() {
        let whole = moments_of(&SAMPLE);
        for split in 0..=SAMPLE.len() {
            let mut left = moments_of(&SAMPLE[..split]);
            left.merge(moments_of(&SAMPLE[split..]));
            assert!(
                close(left.skew().unwrap(), whole.skew().unwrap()),
                "split {split}"
            );
            assert!(
                close(left.kurt().unwrap(), whole.kurt().unwrap()),
                "split {split}"
            );
        }
    }

    #[test]
    fn too_few_values_are_missing_and_constant_values_are_zero() {
        assert_eq!(moments_of(&[1.0, 2.0]).skew(), None);
        assert_eq!(moments_of(&[1.0, 2.0, 3.0]).kurt(), None);
        assert_eq!(moments_of(&[5.0; 5]).skew(), Some(0.0));
        assert_eq!(moments_of(&[5.0; 5]).kurt(), Some(0.0));
    }
}
