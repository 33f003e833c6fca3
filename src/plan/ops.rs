//! Operators between values with pandas semantics: series with series (same frame, or aligned on
//! their keys), series with scalars, scalars with scalars, and plain Python arithmetic on literals.

use crate::error::{DdqError, Result};
use crate::lang::ast::{BinOp, UnaryOp};
use crate::plan::Planner;
use crate::plan::nullable;
use crate::plan::project::Project;
use crate::plan::value::{Frame, Scalar, Series, Value, column, display_name};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DFSchema, JoinType};
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{
    Expr, ExprSchemable, LogicalPlan, Operator, binary_expr, cast, lit,
};
use datafusion::scalar::ScalarValue;

/// One side of a binary operation, once frames and literals are told apart.
enum Operand {
    Series(Box<Series>),
    Scalar(Scalar),
    Literal(Expr),
}

pub fn unary(op: UnaryOp, value: Value) -> Result<Value> {
    match value {
        Value::Frame(frame) => {
            crate::plan::frame::map_columns(&frame, |s| unary_series_expr(op, s))
        }
        Value::Series(s) => {
            let expr = unary_series_expr(op, &s)?;
            Ok(Value::Series(Series { expr, ..s }))
        }
        Value::Scalar(s) => {
            let data_type = s.expr.get_type(&DFSchema::empty())?;
            let expr = unary_expr(op, s.expr.clone(), &data_type, &s.name)?;
            Ok(Value::Scalar(Scalar { expr, ..s }))
        }
        Value::Int(i) => match op {
            UnaryOp::Neg => i
                .checked_neg()
                .map(Value::Int)
                .ok_or_else(|| DdqError::type_error("integer overflow")),
            UnaryOp::Pos => Ok(Value::Int(i)),
            UnaryOp::Invert => Ok(Value::Int(!i)),
            UnaryOp::Not => Ok(Value::Bool(i == 0)),
        },
        Value::Float(x) => match op {
            UnaryOp::Neg => Ok(Value::Float(-x)),
            UnaryOp::Pos => Ok(Value::Float(x)),
            UnaryOp::Not => Ok(Value::Bool(x == 0.0)),
            UnaryOp::Invert => Err(bad_unary(op, "a float")),
        },
        Value::Bool(b) => match op {
            UnaryOp::Not | UnaryOp::Invert => Ok(Value::Bool(!b)),
            UnaryOp::Neg => Ok(Value::Int(-(b as i64))),
            UnaryOp::Pos => Ok(Value::Int(b as i64)),
        },
        other => Err(bad_unary(op, other.kind_name())),
    }
}

/// `-s`, `+s` or `~s` of a series, keeping the nullable dtype it has (`-` of an `Int64`
/// column is `Int64`, `~` of a `boolean` one `boolean`).
fn unary_series_expr(op: UnaryOp, s: &Series) -> Result<Expr> {
    let data_type = expr_type(&s.frame, &s.expr)?;
    if !nullable::is_tagged(&s.expr, s.frame.df.schema()) {
        return unary_expr(op, s.expr.clone(), &data_type, &s.name);
    }
    let expr = unary_expr(op, s.expr.clone().unalias(), &data_type, &s.name)?;
    Ok(nullable::retagged(expr, &data_type))
}

fn bad_unary(op: UnaryOp, what: &str) -> DdqError {
    DdqError::type_error(format!("bad operand for unary `{}`: {what}", op.symbol()))
}

fn unary_expr(op: UnaryOp, expr: Expr, data_type: &DataType, name: &str) -> Result<Expr> {
    match op {
        UnaryOp::Neg if is_numeric(data_type) => Ok(Expr::Negative(Box::new(expr))),
        UnaryOp::Pos if is_numeric(data_type) => Ok(expr),
        UnaryOp::Invert | UnaryOp::Not if *data_type == DataType::Boolean => Ok(!expr),
        UnaryOp::Not => Err(DdqError::type_error(format!(
            "the truth value of series `{name}` is ambiguous"
        ))
        .with_help("use `~` to negate a boolean series")),
        _ => Err(DdqError::type_error(format!(
            "bad operand for unary `{}`: series `{name}` of dtype {}",
            op.symbol(),
            crate::types::dtype::pandas_dtype(data_type)
        ))),
    }
}

pub fn binary(planner: &Planner, op: BinOp, left: Value, right: Value) -> Result<Value> {
    if let Some(value) = python_binary(op, &left, &right)? {
        return Ok(value);
    }
    if let (Value::Frame(frame), other) = (&left, &right) {
        return frame_binary(planner, op, frame, other, false);
    }
    if let (other, Value::Frame(frame)) = (&left, &right) {
        return frame_binary(planner, op, frame, other, true);
    }
    if matches!(op, BinOp::And | BinOp::Or | BinOp::In | BinOp::NotIn) {
        let help = match op {
            BinOp::And => "use `&` between boolean series, with parentheses around comparisons",
            BinOp::Or => "use `|` between boolean series, with parentheses around comparisons",
            _ => "use `series.isin([...])`",
        };
        return Err(DdqError::type_error(format!(
            "`{}` cannot be used with a series: its truth value is ambiguous",
            op.symbol()
        ))
        .with_help(help));
    }
    let l = operand(left, op)?;
    let r = operand(right, op)?;
    match (l, r) {
        (Operand::Series(a), Operand::Series(b)) => {
            let (frame, ae, be) = align(&a, &b)?;
            // pandas keeps a shared name and drops differing ones (an unnamed series, column 0).
            let name = if a.name == b.name {
                a.name.clone()
            } else {
                String::new()
            };
            let expr = typed_binary(&frame_schema(&frame), op, ae, be, (&a.name, &b.name))?;
            Ok(Value::Series(Series {
                frame,
                expr,
                name,
                categories: None,
            }))
        }
        // The series' expression is moved, not copied: in a long chain of rebindings it is deep.
        (Operand::Series(s), other) => {
            let Series {
                frame, expr, name, ..
            } = *s;
            let other_expr = other_expr(other);
            let schema = frame_schema(&frame);
            let expr = typed_binary(&schema, op, expr, other_expr, (&name, "value"))?;
            Ok(Value::Series(Series {
                frame,
                expr,
                name,
                categories: None,
            }))
        }
        (other, Operand::Series(s)) => {
            let Series {
                frame, expr, name, ..
            } = *s;
            let other_expr = other_expr(other);
            let schema = frame_schema(&frame);
            let expr = typed_binary(&schema, op, other_expr, expr, ("value", &name))?;
            Ok(Value::Series(Series {
                frame,
                expr,
                name,
                categories: None,
            }))
        }
        (a, b) => {
            let name = match (&a, &b) {
                (Operand::Scalar(s), _) | (_, Operand::Scalar(s)) => s.name.clone(),
                _ => "value".to_string(),
            };
            let expr = typed_binary(
                &DFSchema::empty(),
                op,
                other_expr(a),
                other_expr(b),
                ("value", "value"),
            )?;
            Ok(Value::Scalar(Scalar { expr, name }))
        }
    }
}

fn other_expr(operand: Operand) -> Expr {
    match operand {
        Operand::Series(s) => s.expr,
        Operand::Scalar(s) => s.expr,
        Operand::Literal(e) => e,
    }
}

fn operand(value: Value, op: BinOp) -> Result<Operand> {
    match value {
        Value::Series(s) => Ok(Operand::Series(Box::new(s))),
        Value::Scalar(s) => Ok(Operand::Scalar(s)),
        other => match literal_expr(&other) {
            Some(e) => Ok(Operand::Literal(e)),
            None => Err(DdqError::type_error(format!(
                "unsupported operand for `{}`: {}",
                op.symbol(),
                other.kind_name()
            ))),
        },
    }
}

/// A Python literal as a DataFusion literal.
pub fn literal_expr(value: &Value) -> Option<Expr> {
    literal_scalar(value).map(lit)
}

pub fn literal_scalar(value: &Value) -> Option<ScalarValue> {
    match value {
        Value::Int(i) => Some(ScalarValue::Int64(Some(*i))),
        // pandas' NaN in a float column is its missing value, which Arrow keeps as null:
        // `fillna(np.nan)` changes nothing and `assign(x=np.nan).x.sum()` is 0.0.
        Value::Float(x) if x.is_nan() => Some(ScalarValue::Float64(None)),
        Value::Float(x) => Some(ScalarValue::Float64(Some(*x))),
        Value::Str(s) => Some(ScalarValue::Utf8(Some(s.clone()))),
        Value::Bool(b) => Some(ScalarValue::Boolean(Some(*b))),
        Value::None => Some(ScalarValue::Null),
        _ => None,
    }
}

/// Equality of two Python literals (dict lookups, `in`).
pub fn literal_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => (*x as f64) == *y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::None, Value::None) => true,
        _ => false,
    }
}

pub fn frame_schema(frame: &Frame) -> DFSchema {
    frame.df.schema().clone()
}

pub fn expr_type(frame: &Frame, expr: &Expr) -> Result<DataType> {
    Ok(expr.get_type(frame.df.schema())?)
}

pub fn is_numeric(t: &DataType) -> bool {
    t.is_numeric() || *t == DataType::Boolean || *t == DataType::Null
}

pub fn is_integer(t: &DataType) -> bool {
    t.is_integer() || *t == DataType::Boolean
}

pub fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

pub fn is_temporal(t: &DataType) -> bool {
    t.is_temporal()
}

/// Builds `l op r` after checking the operand types the way pandas would reject them.
fn typed_binary(
    schema: &DFSchema,
    op: BinOp,
    l: Expr,
    r: Expr,
    names: (&str, &str),
) -> Result<Expr> {
    let lt = l.get_type(schema)?;
    let rt = r.get_type(schema)?;
    // pandas' nullable dtypes (`Int64`, `boolean`, ...) carry through arithmetic and
    // comparisons, and a missing value compares as missing, not False.
    let nullable = nullable::is_tagged(&l, schema) || nullable::is_tagged(&r, schema);
    let (l, r) = match nullable {
        true => (l.unalias(), r.unalias()),
        false => (l, r),
    };
    let operands = Operands { l, r, lt, rt };
    let built = match op {
        BinOp::Eq | BinOp::NotEq | BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq
            if nullable =>
        {
            comparison(op, operands).map(unwrap_truth)
        }
        BinOp::Eq | BinOp::NotEq | BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq => {
            comparison(op, operands)
        }
        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => bitwise(op, operands),
        _ => arithmetic(op, operands),
    };
    let expr = built.map_err(|(lt, rt)| {
        DdqError::type_error(format!(
            "unsupported operand types for `{}`: `{}` ({}) and `{}` ({})",
            op.symbol(),
            names.0,
            crate::types::dtype::pandas_dtype(&lt),
            names.1,
            crate::types::dtype::pandas_dtype(&rt)
        ))
    })?;
    let expr = typed(expr, schema);
    if !nullable {
        return Ok(expr);
    }
    let result_type = expr.get_type(schema)?;
    Ok(nullable::retagged(expr, &result_type))
}

/// A comparison as SQL answers it, missing where an operand is: pandas' nullable dtypes
/// compare so (`<NA>`), where numpy's give False.
fn unwrap_truth(compared: Expr) -> Expr {
    match compared {
        Expr::IsTrue(inner) | Expr::IsNotFalse(inner) => *inner,
        other => other,
    }
}

/// The expression with its type stated on the outside. DataFusion works out the type of an
/// operation from its operands' types, all the way down, and each step runs its type
/// coercion: a chain of rebindings (`t = t + 1`, a thousand times) would pay for the whole
/// chain at every link. A cast to the type it already has reads in one step and costs
/// nothing to run.
fn typed(expr: Expr, schema: &DFSchema) -> Expr {
    match expr.get_type(schema) {
        Ok(t) if matches!(expr, Expr::BinaryExpr(_) | Expr::Case(_)) => cast(expr, t),
        _ => expr,
    }
}

/// The two sides of a binary operation and their types.
struct Operands {
    l: Expr,
    r: Expr,
    lt: DataType,
    rt: DataType,
}

/// What an operation built, or the operand types it does not take.
type Built = std::result::Result<Expr, (DataType, DataType)>;

/// `+ - * / // % **`: numbers (booleans as 0/1), text `+`, and dates `+`/`-`.
fn arithmetic(op: BinOp, Operands { l, r, lt, rt }: Operands) -> Built {
    let both_numeric = is_numeric(&lt) && is_numeric(&rt);
    let both_integer = is_integer(&lt) && is_integer(&rt);
    Ok(match op {
        BinOp::Add if is_text(&lt) && is_text(&rt) => f::concat(vec![l, r]),
        BinOp::Add if is_temporal(&lt) || is_temporal(&rt) => binary_expr(l, Operator::Plus, r),
        BinOp::Sub if is_temporal(&lt) || is_temporal(&rt) => binary_expr(l, Operator::Minus, r),
        BinOp::Add | BinOp::Sub | BinOp::Mul if both_numeric => {
            let operator = match op {
                BinOp::Add => Operator::Plus,
                BinOp::Sub => Operator::Minus,
                _ => Operator::Multiply,
            };
            binary_expr(numeric(l, &lt), operator, numeric(r, &rt))
        }
        BinOp::Div if both_numeric => float(l) / float(r),
        BinOp::FloorDiv if both_numeric => {
            let quotient = f::floor(float(l) / float(r));
            if both_integer {
                cast(quotient, DataType::Int64)
            } else {
                quotient
            }
        }
        BinOp::Mod if both_numeric => {
            // Python's modulo takes the divisor's sign: ((l % r) + r) % r.
            let (l, r) = (numeric(l, &lt), numeric(r, &rt));
            let remainder = binary_expr(l, Operator::Modulo, r.clone());
            let shifted = binary_expr(remainder, Operator::Plus, r.clone());
            binary_expr(shifted, Operator::Modulo, r)
        }
        // The engine's power gives floats; pandas keeps integers integral.
        BinOp::Pow if both_integer => cast(
            f::power(cast(l, DataType::Int64), cast(r, DataType::Int64)),
            DataType::Int64,
        ),
        BinOp::Pow if both_numeric => f::power(float(l), float(r)),
        _ => return Err((lt, rt)),
    })
}

/// `== != < <= > >=` between comparable types, missing values unequal to everything.
fn comparison(op: BinOp, Operands { l, r, lt, rt }: Operands) -> Built {
    let comparable = (is_numeric(&lt) && is_numeric(&rt))
        || (is_text(&lt) && is_text(&rt))
        || (is_temporal(&lt) && (is_temporal(&rt) || is_text(&rt)))
        || (is_temporal(&rt) && is_text(&lt))
        || lt == DataType::Null
        || rt == DataType::Null;
    if !comparable {
        return Err((lt, rt));
    }
    let operator = match op {
        BinOp::Eq => Operator::Eq,
        BinOp::NotEq => Operator::NotEq,
        BinOp::Lt => Operator::Lt,
        BinOp::LtEq => Operator::LtEq,
        BinOp::Gt => Operator::Gt,
        _ => Operator::GtEq,
    };
    // pandas compares a missing value as unequal to everything: False, and True for `!=`,
    // before any `~`, `&` or `|` is applied (SQL would give null). `IS TRUE` / `IS NOT FALSE`
    // say that without repeating the comparison, which the simplifier's expansion of a
    // `coalesce` did (and with it any scalar subquery inside it, such as the mean in
    // `df[df.x < df.x.mean()]`, which then ran twice).
    let compared = binary_expr(l, operator, r);
    Ok(if op == BinOp::NotEq {
        compared.is_not_false()
    } else {
        compared.is_true()
    })
}

/// `& | ^`: logical on booleans, bitwise on integers.
fn bitwise(op: BinOp, Operands { l, r, lt, rt }: Operands) -> Built {
    if lt == DataType::Boolean && rt == DataType::Boolean {
        return Ok(match op {
            BinOp::BitAnd => l.and(r),
            BinOp::BitOr => l.or(r),
            _ => binary_expr(l, Operator::IsDistinctFrom, r),
        });
    }
    if !(lt.is_integer() && rt.is_integer()) {
        return Err((lt, rt));
    }
    let operator = match op {
        BinOp::BitAnd => Operator::BitwiseAnd,
        BinOp::BitOr => Operator::BitwiseOr,
        _ => Operator::BitwiseXor,
    };
    Ok(binary_expr(l, operator, r))
}

/// Booleans take part in arithmetic as 0/1, as in pandas.
fn numeric(expr: Expr, t: &DataType) -> Expr {
    if *t == DataType::Boolean {
        cast(expr, DataType::Int64)
    } else {
        expr
    }
}

pub fn float(expr: Expr) -> Expr {
    cast(expr, DataType::Float64)
}

/// numpy's round, which pandas' `round` is: scaled by a power of ten, rounded half to even
/// (numpy's rint), scaled back. Negative digits divide first, as numpy does, so `round(-2)` of
/// 1250.0 is 1200.0. Integers keep their type: unchanged for digits >= 0, rounded through a
/// float otherwise (numpy's `round` of an int64 array).
pub fn numpy_round(value: Expr, data_type: &DataType, digits: i64) -> Expr {
    if data_type.is_integer() {
        if digits >= 0 {
            return value;
        }
        return cast(
            numpy_round(float(value), &DataType::Float64, digits),
            data_type.clone(),
        );
    }
    if digits > 308 {
        // Every float is already whole at that many digits; numpy's scale would overflow.
        return float(value);
    }
    let scale = lit(10f64.powi(digits.unsigned_abs().min(400) as i32));
    let scaled = if digits >= 0 {
        float(value) * scale.clone()
    } else {
        float(value) / scale.clone()
    };
    let rounded = round_half_to_even(scaled);
    if digits >= 0 {
        rounded / scale
    } else {
        rounded * scale
    }
}

/// numpy's rint: the nearest whole number, halves to the even one. DataFusion's round takes
/// halves away from zero, so an exact half is rounded as twice the rounded half.
fn round_half_to_even(value: Expr) -> Expr {
    use datafusion::functions::math::expr_fn as math;
    let fraction = value.clone() - math::trunc(vec![value.clone()]);
    let on_half = fraction.clone().eq(lit(0.5)).or(fraction.eq(lit(-0.5)));
    let even = lit(2.0) * math::round(vec![value.clone() / lit(2.0)]);
    datafusion::logical_expr::when(on_half, even)
        .otherwise(math::round(vec![value]))
        .unwrap_or_else(|_| lit(f64::NAN))
}

/// [`align`] for an aggregate of the two: a window either holds is turned into a hidden column
/// of the frame, as a window cannot sit inside an aggregate (`s.corr(s.shift(1))`).
pub fn align_plain(a: &Series, b: &Series) -> Result<(Frame, Expr, Expr)> {
    let (frame, a, b) = align(a, b)?;
    let a = crate::plan::window::plain(&Series::new(frame, a, ""))?;
    let b = crate::plan::window::plain(&Series::new(a.frame.clone(), b, ""))?;
    Ok((b.frame, a.expr, b.expr))
}

/// Puts two series over one frame so an expression can use both: the same frame as is, or two
/// keyed results joined on their keys (pandas index alignment, an outer join sorted by key).
pub fn align(a: &Series, b: &Series) -> Result<(Frame, Expr, Expr)> {
    if a.frame.df.logical_plan() == b.frame.df.logical_plan() {
        return Ok((a.frame.clone(), a.expr.clone(), b.expr.clone()));
    }
    // A frame grown from the other by hidden columns has all of its columns.
    if crate::plan::window::grows(&a.frame, &b.frame) {
        return Ok((a.frame.clone(), a.expr.clone(), b.expr.clone()));
    }
    if crate::plan::window::grows(&b.frame, &a.frame) {
        return Ok((b.frame.clone(), a.expr.clone(), b.expr.clone()));
    }
    // A frame computed from another by projections and windows (picked columns, `shift`,
    // `assign`) still has its rows, one for one: `df[["a", "b"]].corrwith(df.shift(1))`.
    for ancestor in row_ancestors(a.frame.df.logical_plan()) {
        if let (Some(a_expr), Some(b_expr)) = (over_parent(a, ancestor), over_parent(b, ancestor)) {
            let frame = if ancestor == b.frame.df.logical_plan() {
                b.frame.clone()
            } else {
                let (state, _) = a.frame.df.clone().into_parts();
                a.frame
                    .with_df(datafusion::prelude::DataFrame::new(state, ancestor.clone()))
            };
            return Ok((frame, a_expr, b_expr));
        }
    }
    let a_keys = a.frame.key_columns();
    let b_keys = b.frame.key_columns();
    if a_keys.is_empty() || a_keys != b_keys {
        return Err(DdqError::type_error(format!(
            "cannot combine series `{}` and `{}`: they come from different frames and are not keyed alike",
            a.name, b.name
        ))
        .with_help("combine columns of one frame, or two groupby results with the same keys"));
    }
    let left = keyed_values(a, "__ddq_left")?.alias("l")?;
    let right = keyed_values(b, "__ddq_right")?.alias("r")?;
    let on = a_keys
        .iter()
        .map(|k| qualified("l", k).eq(qualified("r", k)));
    let joined = left.join_on(right, JoinType::Full, on)?;
    let mut select: Vec<Expr> = a_keys
        .iter()
        .map(|k| f::coalesce(vec![qualified("l", k), qualified("r", k)]).alias(k))
        .collect();
    select.push(qualified("l", "__ddq_left").alias("__ddq_left"));
    select.push(qualified("r", "__ddq_right").alias("__ddq_right"));
    let df = joined.project(select)?;
    let frame = Frame {
        df,
        order: a_keys.iter().map(|k| column(k).sort(true, false)).collect(),
        index_columns: a_keys.len(),
        npartitions: a.frame.npartitions.max(b.frame.npartitions),
        partition: None,
        origin: "align".into(),
        divisions: None,
    };
    Ok((frame, column("__ddq_left"), column("__ddq_right")))
}

/// A plan and the plans below it that have the same rows: inputs of projections and windows.
fn row_ancestors(plan: &LogicalPlan) -> Vec<&LogicalPlan> {
    let mut chain = vec![plan];
    let mut current = plan;
    while let LogicalPlan::Projection(datafusion::logical_expr::Projection { input, .. })
    | LogicalPlan::Window(datafusion::logical_expr::Window { input, .. }) = current
    {
        current = input.as_ref();
        chain.push(current);
    }
    chain
}

/// The series' expression over `parent` when its frame's plan reaches `parent` through
/// projections and windows only: each column it names replaced by the expression that
/// computed it. None when anything else is in between, when a window would end up inside
/// another window's arguments, or when an expression is volatile (it would be computed again).
fn over_parent(series: &Series, parent: &LogicalPlan) -> Option<Expr> {
    let mut plan = series.frame.df.logical_plan();
    let mut expr = series.expr.clone();
    while plan != parent {
        let (computed, input): (Vec<(&str, &Expr)>, &LogicalPlan) = match plan {
            LogicalPlan::Projection(p) => (
                p.schema
                    .fields()
                    .iter()
                    .map(|f| f.name().as_str())
                    .zip(&p.expr)
                    .collect(),
                p.input.as_ref(),
            ),
            LogicalPlan::Window(w) => {
                let first = w.input.schema().fields().len();
                let names = w
                    .schema
                    .fields()
                    .iter()
                    .skip(first)
                    .map(|f| f.name().as_str());
                (names.zip(&w.window_expr).collect(), w.input.as_ref())
            }
            _ => return None,
        };
        expr = substitute_columns(expr, &computed)?;
        plan = input;
    }
    (!nests_windows(&expr) && !expr.is_volatile()).then_some(expr)
}

/// `expr` with each column named in `computed` replaced by the expression that computed it.
fn substitute_columns(expr: Expr, computed: &[(&str, &Expr)]) -> Option<Expr> {
    use datafusion::common::tree_node::{Transformed, TreeNode};
    expr.transform(|e| match &e {
        Expr::Column(c) => match computed.iter().find(|(name, _)| *name == c.name) {
            Some((_, original)) => Ok(Transformed::yes((*original).clone().unalias())),
            None => Ok(Transformed::no(e)),
        },
        _ => Ok(Transformed::no(e)),
    })
    .ok()
    .map(|t| t.data)
}

/// Whether a window function's arguments, partitions or ordering hold another window function,
/// which no plan can compute.
fn nests_windows(expr: &Expr) -> bool {
    use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
    let is_window = |e: &Expr| Ok(matches!(e, Expr::WindowFunction(_)));
    let mut nested = false;
    let _ = expr.apply(|e| {
        if matches!(e, Expr::WindowFunction(_)) {
            let _ = e.apply_children(|child| {
                nested |= child.exists(is_window).unwrap_or(true);
                Ok(TreeNodeRecursion::Continue)
            });
        }
        Ok(if nested {
            TreeNodeRecursion::Stop
        } else {
            TreeNodeRecursion::Continue
        })
    });
    nested
}

/// Keyed series with the same keys (groupby results) side by side in one frame, a column each
/// under the given names, joined on their keys as pandas aligns them.
pub fn keyed_frame(columns: &[(String, Series)]) -> Result<Frame> {
    let Some(((_, first), rest)) = columns.split_first() else {
        return Err(DdqError::type_error("no columns to put side by side"));
    };
    let keys = first.frame.key_columns();
    let value = |i: usize| format!("__ddq_v{i}");
    let mut df = keyed_values(first, &value(0))?;
    for (i, (_, series)) in rest.iter().enumerate() {
        if series.frame.key_columns() != keys {
            return Err(DdqError::type_error(format!(
                "cannot put `{}` beside `{}`: they are not keyed alike",
                series.name, first.name
            )));
        }
        let right = keyed_values(series, &value(i + 1))?.alias("r")?;
        let on = keys.iter().map(|k| qualified("l", k).eq(qualified("r", k)));
        let joined = df.alias("l")?.join_on(right, JoinType::Full, on)?;
        let mut select: Vec<Expr> = keys
            .iter()
            .map(|k| f::coalesce(vec![qualified("l", k), qualified("r", k)]).alias(k))
            .collect();
        select.extend((0..=i).map(|j| qualified("l", &value(j)).alias(value(j))));
        select.push(qualified("r", &value(i + 1)).alias(value(i + 1)));
        df = joined.project(select)?;
    }
    let mut named: Vec<Expr> = keys.iter().map(|k| column(k)).collect();
    named.extend(
        columns
            .iter()
            .enumerate()
            .map(|(i, (name, _))| column(&value(i)).alias(name)),
    );
    Ok(Frame {
        df: df.project(named)?,
        order: keys.iter().map(|k| column(k).sort(true, false)).collect(),
        index_columns: keys.len(),
        npartitions: first.frame.npartitions,
        partition: None,
        origin: "agg".into(),
        divisions: None,
    })
}

/// A column of one side of a join, by its exact name.
pub fn qualified(relation: &str, name: &str) -> Expr {
    Expr::Column(datafusion::common::Column::new(Some(relation), name))
}

/// A keyed series as a frame of its keys and one value column with the given name.
fn keyed_values(series: &Series, value_name: &str) -> Result<datafusion::prelude::DataFrame> {
    let mut select: Vec<Expr> = series
        .frame
        .key_columns()
        .iter()
        .map(|k| column(k))
        .collect();
    select.push(series.expr.clone().alias(value_name));
    Ok(series.frame.df.clone().project(select)?)
}

/// Operations between a frame and a scalar or literal apply to every value column.
fn frame_binary(
    planner: &Planner,
    op: BinOp,
    frame: &Frame,
    other: &Value,
    reversed: bool,
) -> Result<Value> {
    if let Value::Series(by_column) = other
        && by_column.frame.index_columns == 1
    {
        return frame_series_binary(planner, op, frame, by_column, reversed);
    }
    if matches!(other, Value::Frame(_) | Value::Series(_)) {
        return Err(DdqError::unsupported(format!(
            "`{}` between a frame and {} is not supported",
            op.symbol(),
            other.kind_name()
        ))
        .with_help("combine columns one at a time, e.g. `df.a + df.b`"));
    }
    let mut select: Vec<Expr> = frame.key_columns().iter().map(|k| column(k)).collect();
    for name in frame.value_columns() {
        let series = Value::Series(crate::plan::column_series(frame, &name)?);
        let (l, r) = if reversed {
            (other.clone(), series)
        } else {
            (series, other.clone())
        };
        let Value::Series(result) = binary(planner, op, l, r)? else {
            return Err(DdqError::type_error(
                "frame arithmetic did not give a series",
            ));
        };
        select.push(result.expr.alias(&name));
    }
    select.extend(frame.hidden_columns().iter().map(|h| column(h)));
    Ok(Value::Frame(
        frame.with_df(frame.df.clone().project(select)?),
    ))
}

/// The most labels a series combined with a frame's columns may have: pandas aligns its labels
/// with the column names, which only a short series (a per-column reduction) does usefully.
const MAX_COLUMN_LABELS: usize = 1000;

/// A frame and a series keyed by column names (`df - df.mean()`): each column combined with the
/// series' value labelled by its name, as pandas aligns them. The columns are the frame's when
/// the labels are the same names in the same order, else the sorted union of both, a column
/// without a partner all missing. The series is computed first (it is short), as pandas has it.
fn frame_series_binary(
    planner: &Planner,
    op: BinOp,
    frame: &Frame,
    by_column: &Series,
    reversed: bool,
) -> Result<Value> {
    let labelled = column_values(planner, by_column)?;
    let labels: Vec<String> = labelled.iter().map(|(label, _)| label.clone()).collect();
    let own = frame.value_columns();
    let columns = if labels == own {
        own.clone()
    } else {
        let mut union: Vec<String> = own.iter().chain(&labels).cloned().collect();
        union.sort();
        union.dedup();
        union
    };
    let mut select: Vec<Expr> = frame.key_columns().iter().map(|k| column(k)).collect();
    for name in &columns {
        let value = labelled.iter().find(|(label, _)| label == name);
        let combined = match (own.contains(name), value) {
            (true, Some((_, value))) => {
                let series = Value::Series(crate::plan::column_series(frame, name)?);
                let scalar = Value::Scalar(Scalar {
                    expr: lit(value.clone()),
                    name: name.clone(),
                });
                let (l, r) = if reversed {
                    (scalar, series)
                } else {
                    (series, scalar)
                };
                match binary(planner, op, l, r)? {
                    Value::Series(result) => result.expr,
                    _ => lit(ScalarValue::Float64(None)),
                }
            }
            _ => lit(ScalarValue::Float64(None)),
        };
        select.push(combined.alias(name));
    }
    select.extend(frame.hidden_columns().iter().map(|h| column(h)));
    Ok(Value::Frame(
        frame.with_df(frame.df.clone().project(select)?),
    ))
}

/// A short keyed series' values by label (text labels only: only those name columns).
pub fn column_values(planner: &Planner, series: &Series) -> Result<Vec<(String, ScalarValue)>> {
    let frame = crate::plan::series::to_frame(series)?;
    let (Some(key), Some(value)) = (
        frame.key_columns().first().cloned(),
        frame.value_columns().last().cloned(),
    ) else {
        return Ok(Vec::new());
    };
    let rows = crate::plan::order::sorted(&frame)?
        .limit(0, Some(MAX_COLUMN_LABELS + 1))?
        .project([column(&key), column(&value)])?;
    let mut labelled = Vec::new();
    for batch in planner.sources.collect_now(rows)? {
        for row in 0..batch.num_rows() {
            let label = ScalarValue::try_from_array(batch.column(0), row)?;
            let value = ScalarValue::try_from_array(batch.column(1), row)?;
            if let ScalarValue::Utf8(Some(label))
            | ScalarValue::Utf8View(Some(label))
            | ScalarValue::LargeUtf8(Some(label)) = label
            {
                labelled.push((label, value));
            }
        }
    }
    if labelled.len() > MAX_COLUMN_LABELS {
        return Err(DdqError::unsupported(format!(
            "combining a frame with a series of more than {MAX_COLUMN_LABELS} labels: pandas aligns the series' labels with the column names"
        ))
        .with_help("combine columns one at a time, e.g. `df.a - s`"));
    }
    Ok(labelled)
}

/// Python arithmetic between plain literals (`1 + 1`, `"a" + "b"`), so they need no engine.
fn python_binary(op: BinOp, left: &Value, right: &Value) -> Result<Option<Value>> {
    use Value::{Bool, Float, Int, Str};
    let number = |v: &Value| match v {
        Int(i) => Some(*i as f64),
        Float(x) => Some(*x),
        Bool(b) => Some(*b as i64 as f64),
        _ => None,
    };
    let int = |v: &Value| match v {
        Int(i) => Some(*i),
        Bool(b) => Some(*b as i64),
        _ => None,
    };
    let value = match (op, left, right) {
        (BinOp::And, l, r) if is_plain(l) && is_plain(r) => {
            if truthy(l) {
                r.clone()
            } else {
                l.clone()
            }
        }
        (BinOp::Or, l, r) if is_plain(l) && is_plain(r) => {
            if truthy(l) {
                l.clone()
            } else {
                r.clone()
            }
        }
        (BinOp::In | BinOp::NotIn, l, Value::List(items) | Value::Tuple(items)) if is_plain(l) => {
            let found = items.iter().any(|i| literal_eq(l, i));
            Bool(found == (op == BinOp::In))
        }
        (BinOp::In | BinOp::NotIn, Str(part), Str(text)) => {
            Bool(text.contains(part.as_str()) == (op == BinOp::In))
        }
        (BinOp::In | BinOp::NotIn, Str(name), Value::Columns(names)) => {
            Bool(names.contains(name) == (op == BinOp::In))
        }
        (BinOp::Add, Str(a), Str(b)) => Str(format!("{a}{b}")),
        (BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq, Str(a), Str(b)) => Bool(match op {
            BinOp::Lt => a < b,
            BinOp::LtEq => a <= b,
            BinOp::Gt => a > b,
            _ => a >= b,
        }),
        (BinOp::Eq, l, r) if is_plain(l) && is_plain(r) => Bool(literal_eq(l, r)),
        (BinOp::NotEq, l, r) if is_plain(l) && is_plain(r) => Bool(!literal_eq(l, r)),
        _ => match (int(left), int(right), number(left), number(right)) {
            (Some(a), Some(b), _, _) => match int_op(op, a, b)? {
                Some(v) => v,
                None => return Ok(None),
            },
            (_, _, Some(a), Some(b)) => match float_op(op, a, b)? {
                Some(v) => v,
                None => return Ok(None),
            },
            _ => return Ok(None),
        },
    };
    Ok(Some(value))
}

fn is_plain(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(_) | Value::Float(_) | Value::Str(_) | Value::Bool(_) | Value::None
    )
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Int(i) => *i != 0,
        Value::Float(x) => *x != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Bool(b) => *b,
        _ => false,
    }
}

fn int_op(op: BinOp, a: i64, b: i64) -> Result<Option<Value>> {
    let overflow = || DdqError::type_error("integer overflow");
    let zero = || DdqError::type_error("division by zero");
    Ok(Some(match op {
        BinOp::Add => Value::Int(a.checked_add(b).ok_or_else(overflow)?),
        BinOp::Sub => Value::Int(a.checked_sub(b).ok_or_else(overflow)?),
        BinOp::Mul => Value::Int(a.checked_mul(b).ok_or_else(overflow)?),
        BinOp::Div if b == 0 => return Err(zero()),
        BinOp::Div => Value::Float(a as f64 / b as f64),
        BinOp::FloorDiv if b == 0 => return Err(zero()),
        // Python rounds the quotient towards negative infinity and gives the remainder the
        // divisor's sign; from the Euclidean pair that is one step down when b < 0.
        BinOp::FloorDiv => {
            let q = a.checked_div_euclid(b).ok_or_else(overflow)?;
            let adjust = b < 0 && a.rem_euclid(b) != 0;
            Value::Int(if adjust { q - 1 } else { q })
        }
        BinOp::Mod if b == 0 => return Err(zero()),
        BinOp::Mod => {
            let r = a.checked_rem_euclid(b).ok_or_else(overflow)?;
            Value::Int(if b < 0 && r != 0 { r + b } else { r })
        }
        BinOp::Pow if b >= 0 => Value::Int(
            a.checked_pow(u32::try_from(b).map_err(|_| overflow())?)
                .ok_or_else(overflow)?,
        ),
        BinOp::Pow => Value::Float((a as f64).powf(b as f64)),
        BinOp::Lt => Value::Bool(a < b),
        BinOp::LtEq => Value::Bool(a <= b),
        BinOp::Gt => Value::Bool(a > b),
        BinOp::GtEq => Value::Bool(a >= b),
        BinOp::BitAnd => Value::Int(a & b),
        BinOp::BitOr => Value::Int(a | b),
        BinOp::BitXor => Value::Int(a ^ b),
        _ => return Ok(None),
    }))
}

fn float_op(op: BinOp, a: f64, b: f64) -> Result<Option<Value>> {
    if b == 0.0 && matches!(op, BinOp::Div | BinOp::FloorDiv | BinOp::Mod) {
        return Err(DdqError::type_error("float division by zero"));
    }
    Ok(Some(match op {
        BinOp::Add => Value::Float(a + b),
        BinOp::Sub => Value::Float(a - b),
        BinOp::Mul => Value::Float(a * b),
        BinOp::Div => Value::Float(a / b),
        BinOp::FloorDiv => Value::Float((a / b).floor()),
        BinOp::Mod => Value::Float(a - b * (a / b).floor()),
        BinOp::Pow => Value::Float(a.powf(b)),
        BinOp::Lt => Value::Bool(a < b),
        BinOp::LtEq => Value::Bool(a <= b),
        BinOp::Gt => Value::Bool(a > b),
        BinOp::GtEq => Value::Bool(a >= b),
        _ => return Ok(None),
    }))
}

/// The display name of a column expression, if it is a plain column.
pub fn plain_column_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Column(c) => Some(display_name(&c.name).to_string()),
        Expr::Alias(a) => plain_column_name(&a.expr),
        _ => None,
    }
}

/// A plain Python value as the format mini-language takes it; `None` for values that are not
/// plain (frames, series, engine scalars).
pub fn plain(value: &Value) -> Option<crate::types::format::Plain> {
    use crate::types::format::Plain;
    Some(match value {
        Value::Int(i) => Plain::Int(*i),
        Value::Float(x) => Plain::Float(*x),
        Value::Str(s) => Plain::Str(s.clone()),
        Value::Bool(b) => Plain::Bool(*b),
        Value::None => Plain::None,
        _ => return None,
    })
}

/// `CASE WHEN c1 THEN v1 WHEN c2 THEN v2 ... END`: the value of the first condition that holds,
/// missing when none does (or when there are no branches).
pub fn first_matching(branches: Vec<(Expr, Expr)>) -> Result<Expr> {
    let mut branches = branches.into_iter();
    let Some((condition, value)) = branches.next() else {
        return Ok(Expr::Literal(datafusion::common::ScalarValue::Null, None));
    };
    let mut case = datafusion::logical_expr::when(condition, value);
    for (condition, value) in branches {
        case = case.when(condition, value);
    }
    Ok(case.end()?)
}
