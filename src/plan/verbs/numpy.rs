//! numpy's functions that notebooks apply to a series (`np.mean(x)`, `np.std(x, ddof=1)`,
//! `np.sqrt(df.col)`): reductions planned as the series' own methods (with numpy's ddof=0 for
//! std and var), and element-wise functions as engine expressions.

use super::Form::Method;
use super::Receiver as On;
use super::{Args, Verb};
use crate::error::Result;
use crate::lang::ast::BinOp;
use crate::plan::Planner;
use crate::plan::groupby;
use crate::plan::ops::{align, expr_type, float, is_numeric, literal_expr};
use crate::plan::value::{Selection, Series, Value};
use datafusion::common::ScalarValue;
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Expr, lit, when};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "np.mean",
        receivers: &[On::Function],
        form: Method,
        params: &["a", "axis", "ddof"],
        signature: "np.mean(series)",
        summary: "numpy's mean: the mean of a series (per group inside a groupby function).",
        example: "import numpy as np\nnp.mean(ddf.DepDelay)",
        expected: "8.882119400058818\n",
        plan: reduction,
        group: "NumPy functions",
    },
    Verb {
        name: "np.sum",
        receivers: &[On::Function],
        form: Method,
        params: &["a", "axis", "ddof"],
        signature: "np.sum(series)",
        summary: "numpy's sum: the sum of a series (per group inside a groupby function).",
        example: "import numpy as np\nnp.sum(ddf.Distance)",
        expected: "20491072\n",
        plan: reduction,
        group: "NumPy functions",
    },
    Verb {
        name: "np.min",
        receivers: &[On::Function],
        form: Method,
        params: &["a", "axis", "ddof"],
        signature: "np.min(series)",
        summary: "numpy's min: the smallest value of a series (per group inside a groupby function).",
        example: "import numpy as np\nnp.min(ddf.DepDelay)",
        expected: "-15.0\n",
        plan: reduction,
        group: "NumPy functions",
    },
    Verb {
        name: "np.max",
        receivers: &[On::Function],
        form: Method,
        params: &["a", "axis", "ddof"],
        signature: "np.max(series)",
        summary: "numpy's max: the largest value of a series (per group inside a groupby function).",
        example: "import numpy as np\nnp.max(ddf.DepDelay)",
        expected: "1006.0\n",
        plan: reduction,
        group: "NumPy functions",
    },
    Verb {
        name: "np.std",
        receivers: &[On::Function],
        form: Method,
        params: &["a", "axis", "ddof"],
        signature: "np.std(series)",
        summary: "numpy's std: the standard deviation (ddof=0 unless given, as numpy's) of a series (per group inside a groupby function).",
        example: "import numpy as np\nnp.std(ddf.DepDelay, ddof=1)",
        expected: "27.50845572498693\n",
        plan: reduction,
        group: "NumPy functions",
    },
    Verb {
        name: "np.var",
        receivers: &[On::Function],
        form: Method,
        params: &["a", "axis", "ddof"],
        signature: "np.var(series)",
        summary: "numpy's var: the variance (ddof=0 unless given, as numpy's) of a series (per group inside a groupby function).",
        example: "import numpy as np\nnp.var(ddf.DepDelay)",
        expected: "756.6780461306306\n",
        plan: reduction,
        group: "NumPy functions",
    },
    Verb {
        name: "np.sqrt",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.sqrt(series)",
        summary: "numpy's sqrt: the square root, per value.",
        example: "import numpy as np\nnp.sqrt(ddf.Distance).max()",
        expected: "50.79370039680118\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.log",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.log(series)",
        summary: "numpy's log: the natural logarithm, per value.",
        example: "import numpy as np\nnp.log(ddf.Distance).max()",
        expected: "7.855544677915663\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.log1p",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.log1p(series)",
        summary: "numpy's log1p: log(1 + x), per value, exact for values near 0.",
        example: "import numpy as np\nnp.log1p(ddf.TaxiIn).max()",
        expected: "3.6888794541139363\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.log10",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.log10(series)",
        summary: "numpy's log10: the base-10 logarithm, per value.",
        example: "import numpy as np\nnp.log10(ddf.Distance).max()",
        expected: "3.41161970596323\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.log2",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.log2(series)",
        summary: "numpy's log2: the base-2 logarithm, per value.",
        example: "import numpy as np\nnp.log2(ddf.Distance).max()",
        expected: "11.333155350310616\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.expm1",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.expm1(series)",
        summary: "numpy's expm1: exp(x) - 1, per value, exact for values near 0.",
        example: "import numpy as np\nnp.expm1(ddf.DayOfWeek).max()",
        expected: "1095.6331584284585\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.exp",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.exp(series)",
        summary: "numpy's exp: the e to the power of each value, per value.",
        example: "import numpy as np\nnp.exp(ddf.DayOfWeek).max()",
        expected: "1096.6331584284585\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.abs",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.abs(series)",
        summary: "numpy's abs: the absolute value, per value.",
        example: "import numpy as np\nnp.abs(ddf.DepDelay).max()",
        expected: "1006.0\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.floor",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.floor(series)",
        summary: "numpy's floor: the largest integer not above each value, as a float, per value.",
        example: "import numpy as np\nnp.floor(ddf.DepDelay / 7).max()",
        expected: "143.0\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.ceil",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.ceil(series)",
        summary: "numpy's ceil: the smallest integer not below each value, as a float, per value.",
        example: "import numpy as np\nnp.ceil(ddf.DepDelay / 7).max()",
        expected: "144.0\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.fabs",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "np.fabs(series)",
        summary: "numpy's fabs: the absolute value as a float, per value.",
        example: "import numpy as np\nnp.fabs(ddf.DepDelay - ddf.ArrDelay).max()",
        expected: "76.0\n",
        plan: elementwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.minimum",
        receivers: &[On::Function],
        form: Method,
        params: &["x1", "x2"],
        signature: "np.minimum(a, b)",
        summary: "numpy's minimum: the smaller of two series (or a series and a number), per row; missing where either is.",
        example: "import numpy as np\nnp.minimum(ddf.DepDelay, ddf.ArrDelay).mean()",
        expected: "2.466309266181389\n",
        plan: pairwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.maximum",
        receivers: &[On::Function],
        form: Method,
        params: &["x1", "x2"],
        signature: "np.maximum(a, b)",
        summary: "numpy's maximum: the larger of two series (or a series and a number), per row; missing where either is.",
        example: "import numpy as np\nnp.maximum(ddf.DepDelay, 0).mean()",
        expected: "10.410106852269385\n",
        plan: pairwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.true_divide",
        receivers: &[On::Function],
        form: Method,
        params: &["x1", "x2"],
        signature: "np.true_divide(a, b)",
        summary: "numpy's true_divide (also np.divide): a / b, per row.",
        example: "import numpy as np\nnp.true_divide(ddf.Distance, ddf.Distance.sum()).max()",
        expected: "0.00012590849322085247\n",
        plan: pairwise,
        group: "NumPy functions",
    },
    Verb {
        name: "np.divide",
        receivers: &[On::Function],
        form: Method,
        params: &["x1", "x2"],
        signature: "np.divide(a, b)",
        summary: "numpy's divide: a / b, per row, as np.true_divide.",
        example: "import numpy as np\nnp.divide(ddf.ArrDelay, 60).max()",
        expected: "16.716666666666665\n",
        plan: pairwise,
        group: "NumPy functions",
    },
];

/// `np.mean(x)` and its kin: the reduction of a series (or of each column of a frame).
fn reduction(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [a, axis, ddof] = args.params()?;
    if axis.given().is_some() {
        return Err(axis.invalid(format!(
            "{}(..., axis=...) is not supported: use the method, e.g. `df.mean(axis=1)`",
            args.verb().name
        )));
    }
    let name = args.verb().name.trim_start_matches("np.");
    let mut agg = groupby::parse_agg(name)?;
    if matches!(agg, groupby::Agg::Std { .. } | groupby::Agg::Var { .. }) {
        // numpy's default is the population figure, pandas' the sample one.
        let ddof = ddof.int_or(0)?;
        agg = match agg {
            groupby::Agg::Std { .. } => groupby::Agg::Std { ddof },
            _ => groupby::Agg::Var { ddof },
        };
    }
    let value = a.required()?.clone();
    // A groupby of one column is what `gb.col.agg(lambda x: np.std(x))` hands the function.
    let per_group =
        matches!(&value, Value::GroupBy(gb) if matches!(gb.selection, Selection::Series(_)));
    if !matches!(value, Value::Series(_) | Value::Frame(_)) && !per_group {
        return Err(a.invalid(format!(
            "{}() takes a series or a frame here, not {}",
            args.verb().name,
            value.kind_name()
        )));
    }
    super::aggregating::reduce_by(planner, value, args, agg)
}

/// `far` (`ln(1 + x)`, `exp(x) - 1`), or for |x| below 1e-5, where subtracting 1 loses the
/// digits numpy's log1p and expm1 keep, their Taylor series with `coefficients` of x, x², x³
/// (the next term is below 1e-20 of the value there).
fn near_zero(x: Expr, far: Expr, coefficients: &[f64]) -> Result<Expr> {
    let series = coefficients
        .iter()
        .rev()
        .fold(lit(0.0), |sum, &c| (sum + lit(c)) * x.clone());
    Ok(when(f::abs(x.clone()).lt(lit(1e-5)), series).otherwise(far)?)
}

/// `np.sqrt(x)` and its kin, value by value.
fn elementwise(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [x] = args.params()?;
    let name = args.verb().name;
    let Value::Series(s) = x.required()? else {
        return Err(x.invalid(format!("{name}() takes a series here")));
    };
    let t = expr_type(&s.frame, &s.expr)?;
    if !is_numeric(&t) {
        return Err(x.invalid(format!(
            "{name}() needs numbers; `{}` has dtype {}",
            s.name,
            crate::types::dtype::pandas_dtype(&t)
        )));
    }
    let e = s.expr.clone();
    let expr = match name {
        "np.sqrt" => f::sqrt(float(e)),
        "np.log" => f::ln(float(e)),
        "np.log10" => f::log10(float(e)),
        "np.log2" => f::log2(float(e)),
        "np.log1p" => near_zero(
            float(e),
            f::ln(float(s.expr.clone()) + lit(1.0)),
            &[1.0, -0.5, 1.0 / 3.0],
        )?,
        "np.expm1" => near_zero(
            float(e),
            f::exp(float(s.expr.clone())) - lit(1.0),
            &[1.0, 0.5, 1.0 / 6.0],
        )?,
        "np.exp" => f::exp(float(e)),
        "np.floor" => f::floor(float(e)),
        "np.ceil" => f::ceil(float(e)),
        "np.fabs" => f::abs(float(e)),
        _ => f::abs(e),
    };
    Ok(Value::Series(Series { expr, ..s.clone() }))
}

/// `np.minimum(a, b)` and its kin, row by row, over two series of one frame (or aligned
/// results) or a series and a number.
fn pairwise(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [x1, x2] = args.params()?;
    let name = args.verb().name;
    let (left, right) = (x1.required()?.clone(), x2.required()?.clone());
    if matches!(name, "np.true_divide" | "np.divide") {
        return crate::plan::ops::binary(planner, BinOp::Div, left, right)
            .map_err(|e| e.at(args.call_span));
    }
    let (frame, a, b, series_name) = match (&left, &right) {
        (Value::Series(l), Value::Series(r)) => {
            let (frame, a, b) = align(l, r)?;
            (frame, a, b, l.name.clone())
        }
        (Value::Series(l), other) => match literal_expr(other) {
            Some(b) => (l.frame.clone(), l.expr.clone(), b, l.name.clone()),
            None => return Err(x2.invalid(format!("{name}() takes a series or a number here"))),
        },
        (other, Value::Series(r)) => match literal_expr(other) {
            Some(a) => (r.frame.clone(), a, r.expr.clone(), r.name.clone()),
            None => return Err(x1.invalid(format!("{name}() takes a series or a number here"))),
        },
        _ => {
            return Err(x1.invalid(format!(
                "{name}() takes a series and a series or a number; for two numbers use Python's min/max"
            )));
        }
    };
    // numpy's minimum and maximum give NaN where either value is: DataFusion's least and
    // greatest skip a missing one.
    let either_missing = a.clone().is_null().or(b.clone().is_null());
    let chosen = if name == "np.minimum" {
        f::least(vec![a, b])
    } else {
        f::greatest(vec![a, b])
    };
    let expr = when(either_missing, lit(ScalarValue::Null)).otherwise(chosen)?;
    Ok(Value::Series(Series::new(frame, expr, series_name)))
}
