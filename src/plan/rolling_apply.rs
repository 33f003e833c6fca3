//! `s.rolling(n).apply(f)`: a notebook's own function of each row's window of n values, planned
//! without Python. Each row's window is unrolled into n rows (its values, oldest first, taken
//! with `lag`), and `f` runs on every window at once as a groupby function does: its reductions
//! (`x.mean()`) are windows over the row's own n values, so `np.fabs(x - x.mean()).mean()` is
//! exact, which no sliding window function could give. The first row of each window carries
//! the answer back, in the series' order.

use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::function::Passed;
use crate::plan::groupby::unnest_exact;
use crate::plan::ops::{float, literal_expr};
use crate::plan::order::{position_in_order, unique_hidden};
use crate::plan::project::Project;
use crate::plan::value::{
    Closed, Frame, GroupBy, Lambda, Rolling, Selection, Series, Value, column,
};
use crate::plan::window::{self, Over};
use datafusion::common::ScalarValue;
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::logical_expr::{Expr, lit, when};

/// The longest window unrolled: each row becomes this many.
const MAX_WINDOW: i64 = 1024;

/// `rolling(n).apply(f)` of a series, for windows of n rows that must all be present
/// (`min_periods` = n, pandas' default), where `f` is called with every window that is.
pub fn rolling_apply(
    planner: &Planner,
    rolling: &Rolling,
    lambda: &Lambda,
    passed: &Passed,
) -> Result<Series> {
    let series = match &rolling.target {
        Value::Series(s) => s,
        other => {
            return Err(DdqError::unsupported(format!(
                "rolling(...).apply of {} is not supported",
                other.kind_name()
            ))
            .with_help("apply it to one column: `df.col.rolling(n).apply(f)`"));
        }
    };
    check_window(rolling)?;
    let width = rolling.window as usize;
    let input = window::plain(series)?;
    let over = Over::all(&input.frame);
    let value = Series {
        expr: float(input.expr.clone()),
        ..input.clone()
    };
    let mut elements = Vec::with_capacity(width);
    for lag in (0..width as i64).rev() {
        elements.push(window::shift(&value, &over, lag)?.expr);
    }
    let complete = elements
        .iter()
        .map(|e| e.clone().is_not_null())
        .reduce(Expr::and)
        .unwrap_or(lit(false));
    let unrolled = Unrolled::of(&input.frame, elements, complete)?;
    let x = Series::new(
        unrolled.frame.clone(),
        column(&unrolled.value),
        &series.name,
    );
    let windows = unrolled.windows();
    let each_window = Over::small_groups(&windows, width as u64);
    let result =
        planner.apply_per_group_over(lambda, &windows, each_window, (Value::Series(x), passed))?;
    unrolled.answer(result, &series.name)
}

/// pandas' rolling apply calls the function only with complete windows of rows; ddq plans it
/// for those alone.
fn check_window(rolling: &Rolling) -> Result<()> {
    let refuse = |what: &str| {
        Err(DdqError::unsupported(format!(
            "rolling(...).apply with {what} is not supported"
        ))
        .with_help("use a window of n rows: `s.rolling(n).apply(f)`, or an aggregation such as `.rolling(\"2D\").mean()`"))
    };
    if rolling.ewm.is_some() || rolling.expanding {
        return refuse("an expanding or exponentially weighted window");
    }
    if rolling.span.is_some() {
        return refuse("a time window");
    }
    if rolling.center || rolling.closed != Closed::RIGHT {
        return refuse("center=True or closed=");
    }
    if rolling.window < 1 || rolling.window > MAX_WINDOW {
        return refuse(&format!(
            "a window of {} rows (1 to {MAX_WINDOW})",
            rolling.window
        ));
    }
    if rolling.min_periods != rolling.window {
        return Err(DdqError::unsupported(
            "rolling(...).apply with min_periods below the window is not supported: pandas then calls the function with windows holding missing values",
        )
        .with_help("leave min_periods out, or use an aggregation such as `.rolling(n, min_periods=1).mean()`"));
    }
    Ok(())
}

/// A frame with a row per value of each row's window: the row's position (`at`), the value,
/// its place in the window (`k`, 0 for the oldest) and whether the window is complete.
struct Unrolled {
    frame: Frame,
    at: String,
    value: String,
    place: String,
    complete: String,
}

impl Unrolled {
    fn of(frame: &Frame, elements: Vec<Expr>, complete: Expr) -> Result<Unrolled> {
        let at = unique_hidden(frame, "__ddq_window_at");
        let value = unique_hidden(frame, "__ddq_window_value");
        let place = unique_hidden(frame, "__ddq_window_place");
        let complete_name = unique_hidden(frame, "__ddq_window_complete");
        let width = elements.len() as i64;
        let schema = frame.df.schema();
        let mut select: Vec<Expr> = schema.fields().iter().map(|f| column(f.name())).collect();
        select.push(position_in_order(frame)?.alias(&at));
        select.push(make_array(elements).alias(&value));
        select.push(make_array((0..width).map(lit).collect()).alias(&place));
        select.push(complete.alias(&complete_name));
        let wide = frame.df.clone().project(select)?;
        let df = unnest_exact(wide, &[value.as_str(), place.as_str()])?;
        let frame = Frame {
            df,
            order: vec![
                column(&at).sort(true, false),
                column(&place).sort(true, false),
            ],
            ..frame.clone()
        };
        Ok(Unrolled {
            frame,
            at,
            value,
            place,
            complete: complete_name,
        })
    }

    /// The windows as groups, so that a function run per group reduces each window.
    fn windows(&self) -> GroupBy {
        GroupBy {
            frame: self.frame.clone(),
            keys: vec![(column(&self.at), self.at.clone())],
            selection: Selection::Series(self.value.clone()),
            dropna: true,
            sort: true,
            bins: None,
            as_index: true,
            categories: None,
        }
    }

    /// What the function gave, one value per window, on the first row of each window: the
    /// series' own rows again, in its order, missing where the window was not complete.
    fn answer(&self, result: Value, name: &str) -> Result<Series> {
        let reduced = match result {
            Value::Series(r)
                if window::same_rows(&r.frame, &self.frame)
                    && window::is_reduced(&r.expr, &[self.at.as_str()]) =>
            {
                window::plain(&r)?
            }
            Value::Series(_) => return Err(not_reduced("a value per value of the window")),
            other => match literal_expr(&other) {
                Some(expr) => Series::new(self.frame.clone(), expr, name),
                None => return Err(not_reduced(other.kind_name())),
            },
        };
        let first_rows = reduced
            .frame
            .df
            .clone()
            .keep_rows(column(&self.place).eq(lit(0i64)))?;
        let expr = when(column(&self.complete), float(reduced.expr))
            .otherwise(lit(ScalarValue::Float64(None)))?;
        Ok(Series::new(reduced.frame.with_df(first_rows), expr, name))
    }
}

fn not_reduced(given: &str) -> DdqError {
    DdqError::function_gave(given, "one number per window")
        .with_help("reduce the window, e.g. `lambda x: np.fabs(x - x.mean()).mean()`")
}
