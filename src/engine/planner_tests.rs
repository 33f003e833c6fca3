//! Unit tests of the planner: what each expression form evaluates to, the pandas semantics the
//! plans must keep (row order, key order, alignment, Python arithmetic), the errors users see
//! (message, hint and the byte span they point at), and that no odd input makes it panic.
//!
//! Frames run on a context with several target partitions, so any order a test sees is order
//! the planner restored, not order the engine happened to keep.

use crate::engine::sources::EngineSources;
use crate::error::{DdqError, ErrorKind};
use crate::plan::Planner;
use crate::plan::sources::ROW_COLUMN;
use crate::plan::value::{HIDDEN_PREFIX, Value};

use crate::error::span::Span;
use crate::lang::parser::parse_expression;
use crate::plan::order::display_frame;
use crate::plan::series::to_frame;
use crate::plan::value::Frame;
use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray, UInt64Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::logical_expr::LogicalPlanBuilder;
use datafusion::prelude::{DataFrame, SessionConfig, SessionContext};
use std::collections::HashMap;
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------
// Fixture: the frames every test queries.
// ---------------------------------------------------------------------------------------------

/// `df`, in memory, in row order 0..8 (hidden `__ddq_row`):
///
/// | a    | b    | c    |
/// |------|------|------|
/// | 3    | y    | 1.5  |
/// | 1    | z    | 2.5  |
/// | 2    | x    | -0.5 |
/// | 1    | z    | 4.0  |
/// | null | null | 5.0  |
/// | 3    | x    | null |
/// | 2    | y    | 0.0  |
/// | 3    | z    | 1.0  |
///
/// Key order (x, y, z) and first-appearance order (y, z, x) differ on purpose, and value_counts
/// of `b` (z 3, x 2, y 2) differs from both.
fn df_batch() -> RecordBatch {
    let schema = Schema::new(vec![
        Field::new("a", DataType::Int64, true),
        Field::new("b", DataType::Utf8, true),
        Field::new("c", DataType::Float64, true),
        Field::new(ROW_COLUMN, DataType::UInt64, false),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![
            Some(3),
            Some(1),
            Some(2),
            Some(1),
            None,
            Some(3),
            Some(2),
            Some(3),
        ])),
        Arc::new(StringArray::from(vec![
            Some("y"),
            Some("z"),
            Some("x"),
            Some("z"),
            None,
            Some("x"),
            Some("y"),
            Some("z"),
        ])),
        Arc::new(Float64Array::from(vec![
            Some(1.5),
            Some(2.5),
            Some(-0.5),
            Some(4.0),
            Some(5.0),
            None,
            Some(0.0),
            Some(1.0),
        ])),
        Arc::new(UInt64Array::from((0..8).collect::<Vec<u64>>())),
    ];
    RecordBatch::try_new(Arc::new(schema), columns).expect("valid test batch")
}

/// `other`: a second in-memory frame with a column named like one of `df`'s.
fn other_batch() -> RecordBatch {
    let schema = Schema::new(vec![
        Field::new("a", DataType::Int64, false),
        Field::new("k", DataType::Utf8, false),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![10, 20])),
        Arc::new(StringArray::from(vec!["p", "q"])),
    ];
    RecordBatch::try_new(Arc::new(schema), columns).expect("valid test batch")
}

/// `flights`, read from a CSV file in blocks of 64 bytes, so it has several partitions and
/// file order is only what the hidden partition and row columns say it is.
/// DepDelay > 0 in file order: 5, 12, 7, 21, 3, 9; DepDelay is float64 because one is missing,
/// as in pandas.
const FLIGHTS_CSV: &str = "\
Origin,Dest,DepDelay,Distance
EWR,LAX,5,2454.0
JFK,SFO,-3,2586.0
LGA,ORD,12,733.0
EWR,ORD,,719.0
JFK,LAX,0,2475.0
LGA,ATL,7,762.0
EWR,SFO,21,2565.0
JFK,ORD,-1,740.0
LGA,LAX,3,2469.0
EWR,ATL,9,746.0
";

struct Fixture {
    ctx: SessionContext,
    vars: HashMap<String, Value>,
    /// Keeps the CSV file alive as long as the frames that scan it.
    _dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let config = SessionConfig::new().with_target_partitions(4);
        let ctx = SessionContext::new_with_config(config);
        ctx.register_udf(crate::plan::udf::row_hash_udf().as_ref().clone());
        let mut vars = HashMap::new();
        vars.insert("df".to_string(), memory_frame(&ctx, df_batch(), true));
        vars.insert(
            "other".to_string(),
            memory_frame(&ctx, other_batch(), false),
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("flights.csv");
        std::fs::write(&path, FLIGHTS_CSV).expect("write test CSV");
        let mut fixture = Fixture {
            ctx,
            vars,
            _dir: dir,
        };
        let read = format!("read_csv({:?}, blocksize=64)", path.display().to_string());
        let flights = fixture.eval(&read).expect("read_csv of the test file");
        fixture.vars.insert("flights".to_string(), flights);
        fixture
    }

    fn eval(&self, text: &str) -> Result<Value, DdqError> {
        let expr = parse_expression(text)?;
        Planner::new(&self.ctx, &self.vars, &EngineSources).eval(&expr)
    }

    fn value(&self, text: &str) -> Value {
        match self.eval(text) {
            Ok(v) => v,
            Err(e) => panic!("`{text}` failed: {e}"),
        }
    }

    fn error(&self, text: &str) -> DdqError {
        match self.eval(text) {
            Ok(v) => panic!("`{text}` gave {} instead of an error", v.kind_name()),
            Err(e) => e,
        }
    }

    fn kind(&self, text: &str) -> &'static str {
        self.value(text).kind_name()
    }

    /// A plain (Python) value in Python's repr.
    fn python(&self, text: &str) -> String {
        python_repr(&self.value(text))
    }

    /// The pandas dtype of a series expression.
    fn dtype(&self, text: &str) -> String {
        match self.value(&format!("({text}).dtype")) {
            Value::Str(name) => name,
            other => panic!("the dtype of `{text}` is {}", other.kind_name()),
        }
    }

    /// Computes a frame, series or scalar the way `print` does: visible columns, pandas order.
    async fn table(&self, text: &str) -> Table {
        let value = self.value(text);
        let (df, columns) = match self.output_plan(value) {
            Some(plan) => plan,
            None => panic!("`{text}` is not a frame, series or scalar"),
        };
        let batches = df
            .collect()
            .await
            .unwrap_or_else(|e| panic!("`{text}` failed to execute: {e}"));
        Table::from_batches(columns, &batches)
    }

    /// The plan that prints a value, and its visible column names.
    fn output_plan(&self, value: Value) -> Option<(DataFrame, Vec<String>)> {
        let frame_plan = |frame: &Frame| {
            display_frame(frame)
                .map(|(df, schema)| {
                    let names = schema.fields().iter().map(|f| f.name().clone()).collect();
                    (df, names)
                })
                .ok()
        };
        match value {
            Value::Frame(frame) => frame_plan(&frame),
            Value::Series(series) => frame_plan(&to_frame(&series).ok()?),
            Value::Scalar(scalar) => {
                let plan = LogicalPlanBuilder::empty(true)
                    .project(vec![scalar.expr.alias(scalar.name.clone())])
                    .ok()?
                    .build()
                    .ok()?;
                Some((DataFrame::new(self.ctx.state(), plan), vec![scalar.name]))
            }
            _ => None,
        }
    }

    /// One column of a computed result, as display strings.
    async fn column(&self, text: &str, name: &str) -> Vec<String> {
        self.table(text).await.column(name)
    }
}

fn memory_frame(ctx: &SessionContext, batch: RecordBatch, ordered: bool) -> Value {
    let df = ctx.read_batch(batch).expect("in-memory table");
    let order = if ordered {
        vec![crate::plan::value::column(ROW_COLUMN).sort(true, false)]
    } else {
        vec![]
    };
    Value::Frame(Frame {
        df,
        order,
        index_columns: 0,
        npartitions: 1,
        partition: None,
        origin: "test".into(),
        divisions: None,
    })
}

/// A computed result: column names and rows of display strings (`null` for missing values).
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn from_batches(columns: Vec<String>, batches: &[RecordBatch]) -> Table {
        let options = FormatOptions::default().with_null("null");
        let mut rows = Vec::new();
        for batch in batches {
            let formatters: Vec<ArrayFormatter> = batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).expect("formatter"))
                .collect();
            for i in 0..batch.num_rows() {
                rows.push(formatters.iter().map(|f| f.value(i).to_string()).collect());
            }
        }
        Table { columns, rows }
    }

    fn column(&self, name: &str) -> Vec<String> {
        let i = self
            .columns
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no column `{name}` in {:?}", self.columns));
        self.rows.iter().map(|r| r[i].clone()).collect()
    }
}

fn python_repr(value: &Value) -> String {
    match value {
        Value::Int(i) => i.to_string(),
        Value::Float(x) => format!("{x:?}"),
        Value::Str(s) => format!("{s:?}"),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::None => "None".into(),
        Value::List(items) => format!("[{}]", repr_items(items)),
        Value::Tuple(items) => format!("({})", repr_items(items)),
        Value::Dict(pairs) => {
            let parts: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}: {}", python_repr(k), python_repr(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => format!("<{}>", other.kind_name()),
    }
}

fn repr_items(items: &[Value]) -> String {
    items.iter().map(python_repr).collect::<Vec<_>>().join(", ")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The byte span of the first occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("needle in text");
    Span::new(start, start + needle.len())
}

// ---------------------------------------------------------------------------------------------
// What each expression form evaluates to.
// ---------------------------------------------------------------------------------------------

#[test]
fn frame_forms_evaluate_to_frames() {
    let fx = Fixture::new();
    for text in [
        "df",
        "df[[\"a\"]]",
        "df[df.a > 1]",
        "df.loc[df.a > 1]",
        "df.loc[:, [\"a\", \"b\"]]",
        "df.iloc[1:3]",
        "df.head(2)",
        "df.sort_values(\"a\")",
        "df.groupby(\"b\").sum()",
        "df.groupby(\"b\").agg({\"a\": \"sum\"})",
        "flights.partitions[0]",
        "df[[\"a\", \"c\"]] + 1",
    ] {
        assert_eq!(fx.kind(text), "a frame", "{text}");
    }
}

#[test]
fn a_merge_on_no_key_is_refused_not_a_cross_product() {
    let fx = Fixture::new();
    for text in [
        "df.merge(df, on=[])",
        "df.merge(df, left_on=[], right_on=[])",
    ] {
        let err = fx.error(text);
        assert!(
            err.message.contains("no column to merge on") || err.message.contains("give either"),
            "{text}: {}",
            err.message
        );
    }
}

#[test]
fn series_forms_evaluate_to_series() {
    let fx = Fixture::new();
    for text in [
        "df.a",
        "df[\"a\"]",
        "df.a + df.c",
        "df.a * 2",
        "df.b.str.lower()",
        "df.a[df.a > 1]",
        "df.loc[df.a > 1, \"a\"]",
        "df.groupby(\"b\").a.sum()",
        "df.groupby(\"b\")[\"a\"].mean()",
        "df.groupby(\"b\").size()",
        "df.b.value_counts()",
        "df.count()",
        "df.dtypes",
    ] {
        assert_eq!(fx.kind(text), "a series", "{text}");
    }
}

#[test]
fn reductions_evaluate_to_engine_scalars() {
    let fx = Fixture::new();
    for text in [
        "df.a.max()",
        "df.a.sum().compute()",
        "df.a.mean() + 1",
        "len(df)",
        "len(df.a)",
    ] {
        assert_eq!(fx.kind(text), "a scalar", "{text}");
    }
}

#[test]
fn groupby_and_accessor_forms_stay_unevaluated() {
    let fx = Fixture::new();
    assert_eq!(fx.kind("df.groupby(\"b\")"), "a groupby");
    assert_eq!(fx.kind("df.groupby([\"b\", \"a\"]).c"), "a groupby");
    assert_eq!(fx.kind("df.b.str"), "a .str accessor");
    assert_eq!(fx.kind("df.loc"), "a .loc indexer");
    assert_eq!(fx.kind("df.iloc"), "an .iloc indexer");
    assert_eq!(fx.kind("df.partitions"), "a .partitions indexer");
    assert_eq!(fx.kind("dd"), "a module");
}

#[test]
fn columns_is_an_index_of_visible_names_only() {
    let fx = Fixture::new();
    let Value::Columns(names) = fx.value("df.columns") else {
        panic!("df.columns is not an Index");
    };
    assert_eq!(names, strings(&["a", "b", "c"]));
    let Value::Columns(names) = fx.value("flights.columns") else {
        panic!("flights.columns is not an Index");
    };
    assert!(
        names.iter().all(|n| !n.starts_with(HIDDEN_PREFIX)),
        "{names:?}"
    );
    assert_eq!(names, strings(&["Origin", "Dest", "DepDelay", "Distance"]));
    assert_eq!(fx.python("len(df.columns)"), "3");
    assert_eq!(fx.python("df.columns[-1]"), "\"c\"");
}

#[test]
fn plain_literals_evaluate_to_python_values() {
    let fx = Fixture::new();
    assert_eq!(fx.python("42"), "42");
    assert_eq!(fx.python("1.5"), "1.5");
    assert_eq!(fx.python("\"text\""), "\"text\"");
    assert_eq!(fx.python("True"), "True");
    assert_eq!(fx.python("None"), "None");
    assert_eq!(fx.python("[1, \"a\", None]"), "[1, \"a\", None]");
    assert_eq!(fx.python("(1, 2)"), "(1, 2)");
    assert_eq!(fx.python("{\"a\": 1}"), "{\"a\": 1}");
    assert_eq!(fx.python("{\"a\": 1}[\"a\"]"), "1");
    assert_eq!(fx.python("[1, 2, 3][-1]"), "3");
    assert_eq!(fx.python("len([1, 2, 3])"), "3");
    assert_eq!(fx.python("len(\"héllo\")"), "5");
}

#[test]
fn series_attributes_are_plain_values() {
    let fx = Fixture::new();
    assert_eq!(fx.python("df.a.dtype"), "\"int64\"");
    assert_eq!(fx.python("df.b.dtype"), "\"object\"");
    assert_eq!(fx.python("df.a.name"), "\"a\"");
    assert_eq!(fx.python("df.npartitions"), "1");
}

// ---------------------------------------------------------------------------------------------
// Python arithmetic on literals.
// ---------------------------------------------------------------------------------------------

#[test]
fn int_floor_division_rounds_towards_negative_infinity() {
    let fx = Fixture::new();
    assert_eq!(fx.python("7 // 2"), "3");
    assert_eq!(fx.python("-7 // 2"), "-4");
    assert_eq!(fx.python("7 // -2"), "-4");
    assert_eq!(fx.python("-7 // -2"), "3");
    assert_eq!(fx.python("-8 // 2"), "-4");
    assert_eq!(fx.python("0 // -3"), "0");
}

#[test]
fn int_modulo_takes_the_sign_of_the_divisor() {
    let fx = Fixture::new();
    assert_eq!(fx.python("7 % 3"), "1");
    assert_eq!(fx.python("-7 % 3"), "2");
    assert_eq!(fx.python("7 % -3"), "-2");
    assert_eq!(fx.python("-7 % -3"), "-1");
    assert_eq!(fx.python("-6 % 3"), "0");
}

#[test]
fn float_floor_division_and_modulo_follow_python() {
    let fx = Fixture::new();
    assert_eq!(fx.python("-7.5 // 2"), "-4.0");
    assert_eq!(fx.python("7.5 // -2"), "-4.0");
    assert_eq!(fx.python("7 // 2.0"), "3.0");
    assert_eq!(fx.python("-7.5 % 2"), "0.5");
    assert_eq!(fx.python("7.5 % -2"), "-0.5");
    assert_eq!(fx.python("-1 % 2.5"), "1.5");
}

#[test]
fn true_division_of_int_literals_gives_float() {
    let fx = Fixture::new();
    assert_eq!(fx.python("7 / 2"), "3.5");
    assert_eq!(fx.python("4 / 2"), "2.0");
    assert_eq!(fx.python("-1 / 4"), "-0.25");
}

#[test]
fn power_stays_int_for_non_negative_int_exponents() {
    let fx = Fixture::new();
    assert_eq!(fx.python("2 ** 10"), "1024");
    assert_eq!(fx.python("2 ** -1"), "0.5");
    assert_eq!(fx.python("2.0 ** 2"), "4.0");
    assert_eq!(fx.python("-2 ** 2"), "-4");
}

#[test]
fn bools_and_mixed_literals_combine_as_in_python() {
    let fx = Fixture::new();
    assert_eq!(fx.python("True + True"), "2");
    assert_eq!(fx.python("1 + 0.5"), "1.5");
    assert_eq!(fx.python("\"ab\" + \"cd\""), "\"abcd\"");
    assert_eq!(fx.python("1 == 1.0"), "True");
    assert_eq!(fx.python("1 != \"1\""), "True");
    assert_eq!(fx.python("2 < 3"), "True");
    assert_eq!(fx.python("not 0"), "True");
    assert_eq!(fx.python("0 or \"x\""), "\"x\"");
    assert_eq!(fx.python("1 and 2"), "2");
    assert_eq!(fx.python("2 in [1, 2]"), "True");
    assert_eq!(fx.python("\"z\" not in (\"a\",)"), "True");
    assert_eq!(fx.python("~5"), "-6");
    assert_eq!(fx.python("6 & 3 | 8 ^ 1"), "11");
}

#[test]
fn int_division_by_zero_is_an_error() {
    let fx = Fixture::new();
    for text in ["1 / 0", "1 // 0", "1 % 0"] {
        let err = fx.error(text);
        assert!(err.message.contains("division by zero"), "{text}: {err}");
    }
}

#[test]
fn float_division_by_zero_is_an_error() {
    // BUG: Python raises ZeroDivisionError for `1.0 / 0`, `1.0 // 0` and `1.0 % 0`; ddq gives
    // inf, inf and NaN (a silently different answer). See /work/notes/planner-bugs.md.
    let fx = Fixture::new();
    for text in ["1.0 / 0", "1.0 // 0", "1.0 % 0", "1 / 0.0"] {
        assert!(
            fx.eval(text).is_err(),
            "{text} should be a division by zero"
        );
    }
}

#[test]
fn int_overflow_is_an_error() {
    let fx = Fixture::new();
    for text in [
        "9223372036854775807 + 1",
        "-9223372036854775807 - 2",
        "2 ** 63",
        "3037000500 * 3037000500",
    ] {
        let err = fx.error(text);
        assert!(err.message.contains("overflow"), "{text}: {err}");
    }
}

#[test]
fn int_arithmetic_at_the_i64_edges_does_not_panic() {
    // BUG: these panicked (`-i64::MIN`, `i64::MIN // -1`, `i64::MIN % -1`, and `(a % b) + b`
    // overflowing in the modulo). Python gives big ints; an overflow error is the ddq answer.
    let fx = Fixture::new();
    let min = "(-9223372036854775807 - 1)";
    for text in [
        format!("-{min}"),
        format!("{min} // -1"),
        format!("{min} % -1"),
        "9223372036854775806 % 9223372036854775807".to_string(),
        format!("-9223372036854775806 % {min}"),
    ] {
        let _ = fx.eval(&text);
    }
    assert_eq!(
        fx.python("9223372036854775806 % 9223372036854775807"),
        "9223372036854775806"
    );
}

// ---------------------------------------------------------------------------------------------
// Series arithmetic in the engine.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn true_division_of_int_series_gives_float() {
    let fx = Fixture::new();
    assert_eq!(fx.dtype("df.a / 2"), "float64");
    assert_eq!(fx.dtype("df.a / df.a"), "float64");
    assert_eq!(fx.dtype("df.a // 2"), "int64");
    assert_eq!(
        fx.column("(df.a / 2).head(3)", "a").await,
        strings(&["1.5", "0.5", "1.0"])
    );
}

#[tokio::test]
async fn series_floor_division_and_modulo_follow_python() {
    let fx = Fixture::new();
    // a - 2 = [1, -1, 0, -1, null, 1, 0, 1]
    assert_eq!(
        fx.column("(df.a - 2) // 2", "a").await,
        strings(&["0", "-1", "0", "-1", "null", "0", "0", "0"])
    );
    assert_eq!(
        fx.column("(df.a - 2) % 3", "a").await,
        strings(&["1", "2", "0", "2", "null", "1", "0", "1"])
    );
    assert_eq!(
        fx.column("df.a % -2", "a").await,
        strings(&["-1", "-1", "0", "-1", "null", "-1", "0", "-1"])
    );
    assert_eq!(
        fx.column("(df.c % -2).head(3)", "c").await,
        strings(&["-0.5", "-1.5", "-0.5"])
    );
}

#[tokio::test]
async fn series_combines_with_its_own_reduction() {
    let fx = Fixture::new();
    assert_eq!(
        fx.column("df.c - df.c.max()", "c").await,
        strings(&[
            "-3.5", "-2.5", "-5.5", "-1.0", "0.0", "null", "-5.0", "-4.0"
        ])
    );
    assert_eq!(
        fx.column("df[df.c > df.c.mean()]", "b").await,
        strings(&["z", "z", "null"])
    );
}

#[tokio::test]
async fn reduction_scalar_computes_one_value() {
    let fx = Fixture::new();
    let table = fx.table("df.a.max() + 1").await;
    assert_eq!(table.rows, vec![strings(&["4"])]);
    assert_eq!(fx.table("len(df)").await.rows, vec![strings(&["8"])]);
    assert_eq!(
        fx.table("len(df[df.a > 1])").await.rows,
        vec![strings(&["5"])]
    );
}

// ---------------------------------------------------------------------------------------------
// Column selection and order.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn column_list_selects_in_the_order_given() {
    let fx = Fixture::new();
    let Value::Frame(frame) = fx.value("df[[\"b\", \"a\"]]") else {
        panic!("df[[\"b\", \"a\"]] is not a frame");
    };
    assert_eq!(frame.columns(), strings(&["b", "a"]));
    let table = fx.table("df[[\"b\", \"a\"]].head(2)").await;
    assert_eq!(table.columns, strings(&["b", "a"]));
    assert_eq!(table.rows, vec![strings(&["y", "3"]), strings(&["z", "1"])]);
}

// ---------------------------------------------------------------------------------------------
// Groupby and value_counts.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn groupby_frame_puts_keys_first_sorted_by_key() {
    let fx = Fixture::new();
    let table = fx
        .table("df[[\"c\", \"b\", \"a\"]].groupby(\"b\").sum()")
        .await;
    assert_eq!(table.columns, strings(&["b", "c", "a"]));
    assert_eq!(table.column("b"), strings(&["x", "y", "z"]));
    assert_eq!(table.column("c"), strings(&["-0.5", "1.5", "7.5"]));
    assert_eq!(table.column("a"), strings(&["5", "5", "5"]));
}

#[tokio::test]
async fn groupby_series_is_keyed_and_sorted_by_key() {
    let fx = Fixture::new();
    let table = fx.table("df.groupby(\"a\").c.sum()").await;
    assert_eq!(table.columns, strings(&["a", "c"]));
    assert_eq!(table.column("a"), strings(&["1", "2", "3"]));
    assert_eq!(table.column("c"), strings(&["6.5", "-0.5", "2.5"]));
}

#[tokio::test]
async fn groupby_with_several_keys_sorts_by_each_in_turn() {
    let fx = Fixture::new();
    let table = fx.table("df.groupby([\"b\", \"a\"]).size()").await;
    assert_eq!(table.columns, strings(&["b", "a", "0"]));
    assert_eq!(
        table.rows,
        vec![
            strings(&["x", "2", "1"]),
            strings(&["x", "3", "1"]),
            strings(&["y", "2", "1"]),
            strings(&["y", "3", "1"]),
            strings(&["z", "1", "2"]),
            strings(&["z", "3", "1"]),
        ]
    );
}

#[tokio::test]
async fn groupby_drops_null_keys() {
    // size() is unnamed in pandas, so its column is 0 as after reset_index().
    let fx = Fixture::new();
    let table = fx.table("df.groupby(\"b\").size()").await;
    assert_eq!(table.column("b"), strings(&["x", "y", "z"]));
    assert_eq!(table.column("0"), strings(&["2", "2", "3"]));
}

#[tokio::test]
async fn groupby_dropna_false_keeps_the_null_key_last() {
    let fx = Fixture::new();
    let table = fx.table("df.groupby(\"b\", dropna=False).size()").await;
    assert_eq!(table.column("b"), strings(&["x", "y", "z", "null"]));
    assert_eq!(table.column("0"), strings(&["2", "2", "3", "1"]));
}

#[tokio::test]
async fn value_counts_orders_by_count_descending_then_by_first_appearance() {
    // pandas counts values in the order they first appear and sorts the counts; y comes
    // before x in the column, so it does in the counts (pandas: z 3, y 2, x 2).
    let fx = Fixture::new();
    let table = fx.table("df.b.value_counts()").await;
    assert_eq!(table.columns, strings(&["b", "count"]));
    assert_eq!(table.column("b"), strings(&["z", "y", "x"]));
    assert_eq!(table.column("count"), strings(&["3", "2", "2"]));
}

// ---------------------------------------------------------------------------------------------
// Row order: head, tail, iloc, sort_values.
// ---------------------------------------------------------------------------------------------

const POSITIVE: &str = "flights[flights.DepDelay > 0]";

#[test]
fn flights_fixture_has_several_partitions() {
    let fx = Fixture::new();
    let Value::Int(n) = fx.value("flights.npartitions") else {
        panic!("npartitions is not an int");
    };
    assert!(n >= 3, "the order tests need several partitions, got {n}");
}

#[tokio::test]
async fn head_after_a_filter_keeps_file_order() {
    let fx = Fixture::new();
    let text = format!("{POSITIVE}.head(3)");
    assert_eq!(
        fx.column(&text, "DepDelay").await,
        strings(&["5.0", "12.0", "7.0"])
    );
}

#[tokio::test]
async fn tail_after_a_filter_keeps_file_order() {
    let fx = Fixture::new();
    let text = format!("{POSITIVE}.tail(2)");
    assert_eq!(fx.column(&text, "DepDelay").await, strings(&["3.0", "9.0"]));
    let text = format!("{POSITIVE}.DepDelay.tail(3)");
    assert_eq!(
        fx.column(&text, "DepDelay").await,
        strings(&["21.0", "3.0", "9.0"])
    );
}

#[tokio::test]
async fn tail_reads_the_partitions_last_first_and_spans_as_many_as_it_needs() {
    let fx = Fixture::new();
    let all = fx.column("flights", "Dest").await;
    for n in 1..=all.len() + 1 {
        let expected = all[all.len().saturating_sub(n)..].to_vec();
        let got = fx.column(&format!("flights.tail({n})"), "Dest").await;
        assert_eq!(got, expected, "tail({n})");
    }
    let (df, _) = fx.output_plan(fx.value("flights.tail(2)")).expect("a plan");
    let plan = df.create_physical_plan().await.expect("physical plan");
    let text = datafusion::physical_plan::displayable(plan.as_ref())
        .indent(true)
        .to_string();
    assert!(text.contains("last_first"), "{text}");
    assert!(text.contains("TopK"), "{text}");
}

#[tokio::test]
async fn iloc_slices_after_a_filter_count_in_file_order() {
    let fx = Fixture::new();
    // A single position is the row itself, as a series keyed by column name (pandas).
    assert_eq!(fx.kind(&format!("{POSITIVE}.iloc[3]")), "a series");
    for (index, expected) in [
        ("1:3", vec!["12.0", "7.0"]),
        ("-2:", vec!["3.0", "9.0"]),
        ("::2", vec!["5.0", "7.0", "3.0"]),
        ("-4:-1", vec!["7.0", "21.0", "3.0"]),
        ("[0, -1]", vec!["5.0", "9.0"]),
        ("[3]", vec!["21.0"]),
    ] {
        let text = format!("{POSITIVE}.iloc[{index}]");
        assert_eq!(
            fx.column(&text, "DepDelay").await,
            strings(&expected),
            "{text}"
        );
    }
}

#[tokio::test]
async fn iloc_position_list_keeps_the_order_given() {
    // BUG: pandas returns `iloc[[2, 0]]` as rows 2 then 0 (and `iloc[[0, 0]]` twice); ddq
    // filters by position, so it returns rows in frame order and each row at most once.
    let fx = Fixture::new();
    let text = format!("{POSITIVE}.iloc[[2, 0]]");
    assert_eq!(fx.column(&text, "DepDelay").await, strings(&["7.0", "5.0"]));
}

#[tokio::test]
async fn sort_values_is_stable() {
    let fx = Fixture::new();
    assert_eq!(
        fx.column("flights.sort_values(\"Origin\")", "Dest").await,
        strings(&[
            "LAX", "ORD", "SFO", "ATL", "SFO", "LAX", "ORD", "ORD", "ATL", "LAX"
        ])
    );
    assert_eq!(
        fx.column("df.sort_values(\"a\")", "b").await,
        strings(&["z", "z", "x", "y", "y", "x", "z", "null"])
    );
}

#[tokio::test]
async fn descending_sort_keeps_ties_in_file_order() {
    let fx = Fixture::new();
    assert_eq!(
        fx.column("df.sort_values(\"a\", ascending=False)", "b")
            .await,
        strings(&["y", "x", "z", "x", "y", "z", "z", "null"])
    );
}

#[tokio::test]
async fn head_of_a_keyed_result_follows_its_order() {
    let fx = Fixture::new();
    assert_eq!(
        fx.column("df.groupby(\"b\").size().head(2)", "b").await,
        strings(&["x", "y"])
    );
    assert_eq!(
        fx.column("df.b.value_counts().head(1)", "b").await,
        strings(&["z"])
    );
    assert_eq!(
        fx.column("df.b.value_counts().tail(1)", "b").await,
        strings(&["x"])
    );
}

#[tokio::test]
async fn groupby_sort_false_keeps_the_order_groups_first_appear_in() {
    let fx = Fixture::new();
    assert_eq!(
        fx.column("df.groupby(\"b\", sort=False).a.sum()", "b")
            .await,
        strings(&["y", "z", "x"])
    );
    assert_eq!(
        fx.column("df.b.value_counts(sort=False)", "b").await,
        strings(&["y", "z", "x"])
    );
    assert_eq!(
        fx.column(
            "df.sort_values(\"c\").groupby(\"b\", sort=False).size()",
            "b"
        )
        .await,
        strings(&["x", "y", "z"])
    );
}

#[tokio::test]
async fn head_after_sort_values_takes_the_sorted_rows() {
    let fx = Fixture::new();
    let text = format!("{POSITIVE}.sort_values(\"DepDelay\", ascending=False).head(2)");
    assert_eq!(
        fx.column(&text, "DepDelay").await,
        strings(&["21.0", "12.0"])
    );
}

#[tokio::test]
async fn partitions_in_turn_hold_every_row_in_file_order() {
    let fx = Fixture::new();
    let Value::Int(n) = fx.value("flights.npartitions") else {
        panic!("npartitions is not an int");
    };
    let mut concatenated = Vec::new();
    for i in 0..n {
        let part = fx.column(&format!("flights.partitions[{i}]"), "Dest").await;
        concatenated.extend(part);
    }
    assert_eq!(concatenated, fx.column("flights", "Dest").await);
    assert_eq!(
        fx.column("flights.partitions[0]", "Dest").await,
        strings(&["LAX", "SFO"])
    );
}

#[tokio::test]
async fn iloc_with_a_negative_step_reverses_or_is_refused() {
    // BUG: `iloc[::-1]` returned every row in forward order; pandas reverses them.
    let fx = Fixture::new();
    if let Ok(Value::Frame(_)) = fx.eval("df.iloc[::-1]") {
        assert_eq!(
            fx.column("df.iloc[::-1]", "a").await,
            strings(&["3", "2", "3", "null", "1", "2", "1", "3"])
        );
    }
}

#[test]
fn slice_step_of_zero_is_an_error() {
    // BUG: pandas raises "slice step cannot be zero"; ddq returned every row.
    let fx = Fixture::new();
    assert!(fx.eval("df.iloc[::0]").is_err());
    assert!(fx.eval("df[::0]").is_err());
}

// ---------------------------------------------------------------------------------------------
// Alignment of keyed series.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn keyed_series_align_as_an_outer_join_sorted_by_key() {
    let fx = Fixture::new();
    // left: y 5, z 5; right: x 2, y 2.
    let text =
        "df[df.b != \"x\"].groupby(\"b\").a.sum() + df[df.b != \"z\"].groupby(\"b\").a.count()";
    let table = fx.table(text).await;
    assert_eq!(table.columns, strings(&["b", "a"]));
    assert_eq!(table.column("b"), strings(&["x", "y", "z"]));
    assert_eq!(table.column("a"), strings(&["null", "7", "null"]));
}

#[test]
fn series_of_different_unkeyed_frames_do_not_combine() {
    let fx = Fixture::new();
    let err = fx.error("df.a + other.a");
    assert_eq!(err.kind, ErrorKind::Type);
    assert!(err.message.contains("cannot combine series"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Errors: message, hint, span.
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_column_in_brackets_suggests_and_points_at_the_name() {
    let fx = Fixture::new();
    let text = "flights[\"Orign\"]";
    let err = fx.error(text);
    assert_eq!(err.kind, ErrorKind::Unknown);
    assert_eq!(err.message, "column `Orign` not found");
    assert_eq!(err.help.as_deref(), Some("did you mean `Origin`?"));
    assert_eq!(err.span, Some(span_of(text, "\"Orign\"")));
}

#[test]
fn unknown_column_as_attribute_points_at_the_attribute() {
    let fx = Fixture::new();
    let text = "flights[flights.Orign == \"EWR\"]";
    let err = fx.error(text);
    assert_eq!(err.kind, ErrorKind::Unknown);
    assert!(err.message.contains("`Orign`"), "{err}");
    assert_eq!(err.help.as_deref(), Some("did you mean `Origin`?"));
    assert_eq!(err.span, Some(span_of(text, "Orign")));
}

#[test]
fn unknown_column_without_a_near_miss_lists_the_columns() {
    let fx = Fixture::new();
    let err = fx.error("df[\"zzz\"]");
    assert_eq!(err.message, "column `zzz` not found");
    assert_eq!(err.help.as_deref(), Some("columns: a, b, c"));
}

#[test]
fn unknown_name_suggests_a_defined_one() {
    let fx = Fixture::new();
    let text = "flihgts.head()";
    let err = fx.error(text);
    assert_eq!(err.kind, ErrorKind::Unknown);
    assert_eq!(err.message, "name `flihgts` is not defined");
    assert_eq!(err.help.as_deref(), Some("did you mean `flights`?"));
    assert_eq!(err.span, Some(span_of(text, "flihgts")));
}

#[test]
fn unknown_method_suggests_and_points_at_the_method() {
    let fx = Fixture::new();
    let text = "flights.DepDelay.meen()";
    let err = fx.error(text);
    assert_eq!(err.kind, ErrorKind::Unknown);
    assert_eq!(err.message, "a series has no attribute or method `meen`");
    assert_eq!(err.help.as_deref(), Some("did you mean `mean`?"));
    assert_eq!(err.span, Some(span_of(text, "meen")));
}

#[test]
fn method_of_another_receiver_says_where_it_applies() {
    let fx = Fixture::new();
    let err = fx.error("df.a.select_dtypes(include=\"number\")");
    assert_eq!(err.kind, ErrorKind::Unknown);
    let help = err.help.unwrap_or_default();
    assert!(help.contains("applies to: frame"), "{help}");
}

#[test]
fn a_series_groups_by_series_or_index_levels_not_by_column_names() {
    let fx = Fixture::new();
    // pandas: KeyError 'b', since a series' labels are its index's.
    let err = fx.error("df.a.groupby(\"b\")");
    assert!(err.message.contains("index level"), "{}", err.message);
    assert!(err.help.unwrap_or_default().contains("groupby(df[\"b\"])"));
    assert_eq!(fx.kind("df.a.groupby(df.b)"), "a groupby");
}

#[test]
fn bad_keyword_names_the_supported_ones_and_points_at_it() {
    let fx = Fixture::new();
    let text = "df.head(m=3)";
    let err = fx.error(text);
    assert_eq!(err.kind, ErrorKind::Unsupported);
    assert!(
        err.message
            .contains("head() does not support the argument `m`; supported: n"),
        "{err}"
    );
    assert_eq!(err.span, Some(span_of(text, "m")));
}

#[test]
fn mask_from_another_frame_is_rejected() {
    let fx = Fixture::new();
    let text = "df[other.a > 10]";
    let err = fx.error(text);
    assert_eq!(err.kind, ErrorKind::Type);
    assert!(
        err.message.contains("does not come from this frame"),
        "{err}"
    );
    assert_eq!(err.span, Some(span_of(text, "other.a > 10")));
}

#[test]
fn mask_must_be_boolean() {
    let fx = Fixture::new();
    let err = fx.error("df[df.a]");
    assert!(err.message.contains("a boolean series is needed"), "{err}");
}

#[test]
fn incompatible_operand_types_name_both_dtypes() {
    let fx = Fixture::new();
    let err = fx.error("df.a + df.b");
    assert_eq!(err.kind, ErrorKind::Type);
    assert_eq!(
        err.message,
        "unsupported operand types for `+`: `a` (int64) and `b` (object)"
    );
    for text in ["df.b - 1", "df.b > 1", "df.c & df.c", "\"x\" * df.a"] {
        let err = fx.error(text);
        assert!(err.message.contains("unsupported operand"), "{text}: {err}");
    }
}

#[test]
fn str_accessor_on_a_number_is_rejected() {
    let fx = Fixture::new();
    let text = "df.a.str.lower()";
    let err = fx.error(text);
    assert_eq!(err.kind, ErrorKind::Type);
    assert_eq!(
        err.message,
        "can only use .str with string values; series `a` has dtype int64"
    );
    assert_eq!(err.span, Some(span_of(text, "str")));
}

#[test]
fn dt_accessor_on_a_string_is_rejected() {
    let fx = Fixture::new();
    let err = fx.error("df.b.dt.year");
    assert_eq!(err.kind, ErrorKind::Type);
    assert_eq!(
        err.message,
        "can only use .dt with datetime values; series `b` has dtype object"
    );
}

#[test]
fn iloc_column_out_of_range_is_an_error() {
    let fx = Fixture::new();
    for text in ["df.iloc[:, 3]", "df.iloc[:, -4]", "df.iloc[:, [0, 7]]"] {
        let err = fx.error(text);
        assert!(
            err.message
                .contains("is out of range: the frame has 3 columns"),
            "{text}: {err}"
        );
    }
}

#[test]
fn partition_index_out_of_range_is_an_error() {
    let fx = Fixture::new();
    let Value::Int(n) = fx.value("flights.npartitions") else {
        panic!("npartitions is not an int");
    };
    for i in [n, -n - 1, 1000] {
        let err = fx.error(&format!("flights.partitions[{i}]"));
        assert_eq!(
            err.message,
            format!("partition {i} is out of range: the frame has {n} partitions")
        );
    }
}

#[test]
fn list_index_out_of_range_is_an_error() {
    let fx = Fixture::new();
    let err = fx.error("[1, 2][2]");
    assert!(err.message.contains("out of range"), "{err}");
    let err = fx.error("df.columns[-4]");
    assert!(err.message.contains("out of range"), "{err}");
}

#[test]
fn attribute_that_is_a_method_says_to_call_it() {
    let fx = Fixture::new();
    let err = fx.error("df.head");
    assert!(err.message.contains("call it as `head()`"), "{err}");
    let err = fx.error("df.shape()");
    assert!(err.message.contains("not a method"), "{err}");
}

#[test]
fn too_many_positional_arguments_point_at_the_first_extra() {
    let fx = Fixture::new();
    let text = "df.a.round(1, 2)";
    let err = fx.error(text);
    assert!(
        err.message.contains("takes at most 1 positional argument"),
        "{err}"
    );
    assert_eq!(err.span, Some(span_of(text, "2")));
}

// ---------------------------------------------------------------------------------------------
// Robustness: odd input gives values or errors, never a panic.
// ---------------------------------------------------------------------------------------------

/// Expressions chosen to hit edge cases: empty selections, out-of-range positions, wrong types
/// in every argument slot, operators between every pair of value kinds, i64 edges.
const ODD_EXPRESSIONS: &[&str] = &[
    // Indexing frames.
    "df[[]]",
    "df[()]",
    "df[:]",
    "df[::-1]",
    "df[5:2]",
    "df[-100:]",
    "df[1]",
    "df[1.5]",
    "df[None]",
    "df[\"a\", \"b\"]",
    "df[df.a > 1][df.a > 2]",
    "df[df.a > 1][df.c > 2]",
    "df.iloc[::0]",
    "df.iloc[::-1]",
    "df.iloc[[]]",
    "df.iloc[-100]",
    "df.iloc[100]",
    "df.iloc[0, 0]",
    "df.iloc[:, []]",
    "df.iloc[:, -1]",
    "df.iloc[\"a\"]",
    "df.iloc[[1.5]]",
    "df.iloc[9223372036854775807:]",
    "df.iloc[1:-9223372036854775807]",
    "df.iloc[-9223372036854775807:]",
    "df.loc[:, :]",
    "df.loc[df.a > 1, []]",
    "df.loc[1]",
    "df.loc[:, \"zzz\"]",
    "df.loc[:, 1]",
    "df.loc[df.a > 1, \"a\", \"b\"]",
    "df.partitions[\"a\"]",
    "df.partitions[0]",
    "flights.partitions[-1].partitions[0]",
    "flights.repartition(npartitions=1).partitions[0]",
    "flights.repartition(npartitions=100).partitions[99]",
    "df.repartition(npartitions=0)",
    "df.repartition(npartitions=9223372036854775807)",
    // Row-count arguments.
    "df.head(-1)",
    "df.head(0)",
    "df.head(None)",
    "df.head(1.5)",
    "df.head(\"x\")",
    "df.head(9223372036854775807)",
    "df.tail(-5)",
    "df.a.head(0)",
    "df.head(1, 2, 3, 4, 5)",
    "df.head(1, n=2)",
    "df.sample(frac=2.0)",
    "df.sample(n=-1)",
    "df.sample(frac=0.5, random_state=-1)",
    "df.sample(frac=1, n=2)",
    "df.a.nlargest(-1)",
    "df.nlargest(2, [])",
    "df.nlargest(2, \"b\")",
    // Groupby.
    "df.groupby([])",
    "df.groupby(None)",
    "df.groupby(df.a > 1).size()",
    "df.groupby(other.a).size()",
    "df.groupby(\"b\")[\"zzz\"]",
    "df.groupby(\"b\")[[]].sum()",
    "df.groupby(\"b\").b.count()",
    "df.groupby(\"b\")[[\"b\", \"b\"]].count()",
    "df.groupby(\"b\").agg({})",
    "df.groupby(\"b\").agg([])",
    "df.groupby(\"b\").agg({\"a\": []})",
    "df.groupby(\"b\").agg(1)",
    "df.groupby(\"b\").nosuch()",
    "df.groupby(\"b\").std(ddof=2)",
    "df.groupby(\"b\").first()",
    "df.groupby(\"b\").sum",
    "df.groupby([\"b\", \"b\"]).size()",
    "df.groupby(\"b\").size() + df.groupby(\"a\").size()",
    "df.groupby(\"b\").a.sum() + df.groupby(\"b\").c.sum() * df.a.max()",
    // Series methods with bad arguments.
    "df.a.value_counts(normalize=True)",
    "df.b.value_counts(sort=False, dropna=False)",
    "df.a.isin(1)",
    "df.a.isin([df])",
    "df.a.between(1)",
    "df.a.between(1, 2, inclusive=\"x\")",
    "df.a.fillna()",
    "df.a.fillna(df)",
    "df.a.fillna({\"a\": 0})",
    "df.a.rename(1)",
    "df.a.round(1.5)",
    "df.a.astype(\"datetime64[ns]\").dt.year",
    "df.b.astype(\"int64\")",
    "df.b.astype(\"nosuch\")",
    "df.a.unique()",
    "df.a.sum(ddof=0)",
    "df.a.std(ddof=5)",
    "df.a[0]",
    "df.a[other.a > 1]",
    "df.a.dt",
    "df.b.str.nosuch()",
    "df.b.str.contains()",
    "df.b.str.contains(1)",
    "df.b.str.replace(\"a\")",
    "df.b.str.len().str",
    // Frame methods with bad arguments.
    "df.sort_values([])",
    "df.sort_values(\"a\", ascending=[True, False])",
    "df.sort_values(\"a\", na_position=\"middle\")",
    "df.drop(columns=[])",
    "df.drop(columns=[\"a\", \"b\", \"c\"])",
    "df.drop(\"a\")",
    "df.rename(columns={\"a\": \"b\"})",
    "df.rename(columns={\"a\": \"b\"}).b",
    "df.assign(a=1)",
    "df.assign(z=df.a + 1)",
    "df.assign(z=other.a)",
    "df.assign(z=[1])",
    "df.astype(\"int64\")",
    "df.astype({\"zzz\": \"int64\"})",
    "df.merge(df)",
    "df.merge(df, on=\"zzz\")",
    "df.merge(other, how=\"cross\")",
    "df.merge(other, on=\"a\", suffixes=(\"\", \"\"))",
    "df.merge(df, left_on=[\"a\"], right_on=[])",
    "df.describe()",
    "df[[\"b\"]].describe()",
    "df.select_dtypes()",
    "df.select_dtypes(include=\"nosuch\")",
    "df.dropna(how=\"some\")",
    "df.drop_duplicates(keep=\"x\")",
    "df.drop_duplicates(subset=[])",
    "df.count()",
    "df[[]].count()",
    "df[[\"b\"]].sum()",
    "df.agg([\"sum\"])",
    "df.agg(\"nosuch\")",
    // Functions.
    "concat([])",
    "concat([df, other])",
    "concat([df, df.a])",
    "concat(df)",
    "concat([1])",
    "len(1)",
    "len(df.a.max())",
    "len(df.groupby(\"a\"))",
    "print()",
    "print(df, df)",
    "read_csv()",
    "read_csv(1)",
    "read_csv([])",
    "read_csv(\"/nonexistent/*.csv\")",
    "read_csv(\"x\", sep=\"ab\")",
    "read_parquet(\"/nonexistent.parquet\")",
    "dd.x",
    "dd()",
    "pd.nosuch()",
    "np.read_csv()",
    "len",
    "read_csv",
    // Operators between kinds.
    "-df",
    "~df",
    "not df",
    "-df.b",
    "~df.a",
    "not df.a",
    "df + df",
    "df + df.a",
    "df.b + 1",
    "1 - df",
    "df == df",
    "df.a == df",
    "df.a & df.a",
    "df.a | True",
    "df.b ^ df.b",
    "df.a and df.a",
    "df.a or 1",
    "1 in df.a",
    "df.a in [1]",
    "df.a ** -1",
    "df.a ** 100",
    "df.a // 0",
    "df.a % 0",
    "df.c % 0",
    "df.a / 0",
    "df.a.max() + df.b.max()",
    "df.a.max() + \"x\"",
    "-df.b.max()",
    "df.a.max()[0]",
    "df.a.max().x",
    "df.a.max().round()",
    "df.groupby(\"a\") + 1",
    "df.loc + 1",
    "dd + 1",
    "[1] + [2]",
    "(1,) * 3",
    "{} == {}",
    "None + 1",
    "None < 1",
    "\"a\" * 3",
    "\"a\" < 1",
    // Plain values and i64 edges.
    "(-9223372036854775807 - 1) // 1",
    "(-9223372036854775807 - 1) * -1",
    "abs(-9223372036854775807 - 1)",
    "~(-9223372036854775807 - 1)",
    "2 ** 64",
    "2 ** -2000",
    "2 ** 9999999999",
    "(-2) ** 0.5",
    "10.0 ** 400",
    "1e308 * 10",
    "0.0 / 0",
    "~1.5",
    "[1, 2][5]",
    "[1, 2][-3]",
    "[1, 2][-9223372036854775807 - 1]",
    "[1, 2][\"a\"]",
    "{}[\"a\"]",
    "{\"a\": 1}[1]",
    "\"abc\"[0]",
    "1[0]",
    "None.x",
    "(1).real",
    "df.columns[10]",
    "df.columns[\"a\"]",
    "df.shape",
    "df.a.shape",
    "df.dtypes.dtype",
    "((((((((((((df))))))))))))",
];

#[test]
fn no_odd_expression_panics_when_planned() {
    let fx = Fixture::new();
    for text in ODD_EXPRESSIONS {
        if let Ok(value) = fx.eval(text) {
            let _ = fx.output_plan(value);
        }
    }
}

#[tokio::test]
async fn no_odd_expression_panics_when_executed() {
    let fx = Fixture::new();
    for text in ODD_EXPRESSIONS {
        let Ok(value) = fx.eval(text) else {
            continue;
        };
        if let Some((df, _)) = fx.output_plan(value) {
            let _ = df.collect().await;
        }
    }
}
