//! `FileTable`, the `TableProvider` the planner registers for `read_csv` / `read_parquet` /
//! `read_json`:
//! the table's schema (visible columns, then the two hidden ordering columns), its Dask-style
//! partition count, and the scan with projection, partition pruning and a row limit.

use super::csv_read::CsvSource;
use super::exec::{ScanExec, ScanTaskExec, Source};
use super::files::expand_patterns;
use super::json_read::JsonSource;
use super::parquet_read::ParquetSource;
use super::part_filter::{is_partition_filter, is_row_filter, partitions_kept, row_ends};
use crate::engine::cache::ScanCache;
use crate::engine::nodes::projected_columns;
use crate::error::Result;
use crate::plan::sources::{CsvOptions, JsonOptions, PART_COLUMN, ROW_COLUMN};
use async_trait::async_trait;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::TableType;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Marks a session config whose plans are for a cluster though planned in this process (see
/// `engine::cluster::submit`): scans split as the scheduler would split them.
#[derive(Debug)]
pub(crate) struct PlannedForCluster;

/// A table over CSV, Parquet or JSON files, read partition by partition.
pub struct FileTable {
    source: Arc<Source>,
    schema: SchemaRef,
    /// Planned on a Ballista scheduler: scans split into one node per partition (see
    /// `ScanTaskExec`).
    on_cluster: bool,
}

impl FileTable {
    /// Opens CSV files named by paths or globs: reads headers, infers types from a sample of
    /// every file, and splits the files into `options.blocksize` byte ranges.
    /// Full reads keep a columnar copy of each partition in the scan cache (see
    /// `engine::cache`) and read it instead of the CSV next time.
    pub fn open_csv(patterns: &[String], options: CsvOptions) -> Result<FileTable> {
        FileTable::open_csv_cached(patterns, options, ScanCache::from_env())
    }

    /// `open_csv` with the scan cache in a given place, or none.
    pub fn open_csv_cached(
        patterns: &[String],
        options: CsvOptions,
        cache: Option<ScanCache>,
    ) -> Result<FileTable> {
        let files = expand_patterns(patterns)?;
        let source = CsvSource::open(files, &options, cache)?;
        Ok(FileTable::from_source(Source::Csv(Box::new(source))))
    }

    /// Opens Parquet files named by paths or globs; one partition per row group.
    pub fn open_parquet(patterns: &[String]) -> Result<FileTable> {
        let files = expand_patterns(patterns)?;
        Ok(FileTable::from_source(Source::Parquet(
            ParquetSource::open(files)?,
        )))
    }

    /// Opens JSON files (one record per line, or an array of records) named by paths or
    /// globs; one partition per file. Every record is read once here, to type the columns.
    pub fn open_json(patterns: &[String], options: &JsonOptions) -> Result<FileTable> {
        let files = expand_patterns(patterns)?;
        Ok(FileTable::from_source(Source::Json(JsonSource::open(
            files, options,
        )?)))
    }

    pub(crate) fn from_source(source: Source) -> FileTable {
        let mut fields: Vec<Field> = source
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        fields.push(Field::new(PART_COLUMN, DataType::UInt64, false));
        fields.push(Field::new(ROW_COLUMN, DataType::UInt64, false));
        FileTable {
            source: Arc::new(source),
            schema: Arc::new(Schema::new(fields)),
            on_cluster: false,
        }
    }

    /// The number of partitions, as Dask counts them (`ddf.npartitions`).
    pub fn npartitions(&self) -> usize {
        self.source.partition_count()
    }

    /// The table as a Ballista scheduler plans it.
    pub(crate) fn on_cluster(self) -> FileTable {
        FileTable {
            on_cluster: true,
            ..self
        }
    }

    pub(crate) fn source(&self) -> &Arc<Source> {
        &self.source
    }

    /// The files read, in partition order.
    pub fn files(&self) -> &[PathBuf] {
        self.source.files()
    }
}

impl fmt::Debug for FileTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileTable")
            .field("files", &self.files().len())
            .field("npartitions", &self.npartitions())
            .field("schema", &self.schema)
            .finish()
    }
}

#[async_trait]
impl TableProvider for FileTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        let projection = projected_columns(projection, &self.schema);
        let partitions = partitions_kept(filters, self.npartitions());
        let exec = ScanExec::new(
            Arc::clone(&self.source),
            &self.schema,
            &projection,
            partitions,
            state.config().target_partitions(),
            limit,
        )
        .map_err(|e| DataFusionError::External(Box::new(e)))?
        .with_row_ends(row_ends(filters));
        if self.on_cluster
            || state
                .config()
                .get_extension::<PlannedForCluster>()
                .is_some()
        {
            return ScanTaskExec::over_anchor(exec)
                .map_err(|e| DataFusionError::External(Box::new(e)));
        }
        Ok(Arc::new(exec))
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> datafusion::error::Result<Vec<TableProviderFilterPushDown>> {
        Ok(filters
            .iter()
            .map(|f| {
                if is_partition_filter(f) || is_row_filter(f) {
                    TableProviderFilterPushDown::Inexact
                } else {
                    TableProviderFilterPushDown::Unsupported
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{DdqError, ErrorKind};
    use crate::plan::project::Project;
    use crate::types::dtype::parse_dtype;
    use datafusion::arrow::array::{
        Array, AsArray, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    };
    use datafusion::arrow::compute::concat_batches;
    use datafusion::arrow::datatypes::{
        Float64Type, Int64Type, TimestampNanosecondType, UInt64Type,
    };
    use datafusion::functions_aggregate::expr_fn::count;
    use datafusion::physical_plan::displayable;
    use datafusion::prelude::{DataFrame, SessionConfig, SessionContext, col, lit};
    use std::fmt::Write as _;
    use std::path::Path;

    fn write(dir: &Path, name: &str, text: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }

    fn context() -> SessionContext {
        // Small batches and several partitions so batching and grouping are exercised.
        SessionContext::new_with_config(
            SessionConfig::new()
                .with_target_partitions(3)
                .with_batch_size(7),
        )
    }

    fn frame(table: FileTable) -> DataFrame {
        context().read_table(Arc::new(table)).expect("read_table")
    }

    async fn rows_of(df: DataFrame) -> RecordBatch {
        let schema = Arc::new(df.schema().as_arrow().clone());
        let batches = df.collect().await.expect("collect");
        concat_batches(&schema, &batches).expect("concat")
    }

    /// The rows in natural order: sorted by partition, then row.
    async fn in_natural_order(df: DataFrame) -> RecordBatch {
        let sorted = df
            .sort(vec![
                col(PART_COLUMN).sort(true, false),
                col(ROW_COLUMN).sort(true, false),
            ])
            .expect("sort");
        rows_of(sorted).await
    }

    fn i64s(batch: &RecordBatch, column: usize) -> Vec<i64> {
        batch
            .column(column)
            .as_primitive::<Int64Type>()
            .values()
            .to_vec()
    }

    fn u64s(batch: &RecordBatch, name: &str) -> Vec<u64> {
        let column = batch.column_by_name(name).expect("column");
        column.as_primitive::<UInt64Type>().values().to_vec()
    }

    fn csv(patterns: &[&str], options: CsvOptions) -> Result<FileTable> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        FileTable::open_csv(&patterns, options)
    }

    #[tokio::test]
    async fn reads_typed_columns_then_the_hidden_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(
            dir.path(),
            "a.csv",
            "id,name,delay,ok\n1,x,1.5,True\n2,NA,,False\n3,z,-2,true\n",
        );
        let table = csv(&[&path], CsvOptions::default()).expect("open");
        let names: Vec<String> = table
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(
            names,
            ["id", "name", "delay", "ok", PART_COLUMN, ROW_COLUMN]
        );
        assert_eq!(table.npartitions(), 1);

        let batch = in_natural_order(frame(table)).await;
        let ids = batch.column(0).as_primitive::<Int64Type>();
        assert_eq!(ids, &Int64Array::from(vec![1, 2, 3]));
        let names = batch.column(1).as_string::<i32>();
        assert_eq!(names, &StringArray::from(vec![Some("x"), None, Some("z")]));
        let delays = batch.column(2).as_primitive::<Float64Type>();
        assert_eq!(
            delays,
            &Float64Array::from(vec![Some(1.5), None, Some(-2.0)])
        );
        assert_eq!(
            batch.column(3).as_boolean(),
            &BooleanArray::from(vec![true, false, true])
        );
        assert_eq!(u64s(&batch, PART_COLUMN), [0, 0, 0]);
        assert_eq!(u64s(&batch, ROW_COLUMN), [0, 1, 2]);
    }

    /// Two files of lines of varied length, ids counting up across both: the pattern naming
    /// both, their paths and their row count.
    fn numbered_files(dir: &Path) -> (String, Vec<String>, usize) {
        let mut paths = Vec::new();
        let mut id = 0;
        for (name, rows) in [("part-1.csv", 300), ("part-2.csv", 200)] {
            let mut text = String::from("id,word,value\n");
            for _ in 0..rows {
                let word = "w".repeat(id % 23);
                writeln!(text, "{id},{word},{}", id * 7 % 11).expect("fmt");
                id += 1;
            }
            paths.push(write(dir, name, &text));
        }
        (format!("{}/part-*.csv", dir.display()), paths, id)
    }

    /// CSV options cutting files into partitions of `blocksize` bytes.
    fn in_blocks(blocksize: u64) -> CsvOptions {
        CsvOptions {
            blocksize,
            ..CsvOptions::default()
        }
    }

    #[tokio::test]
    async fn small_blocks_read_every_row_once_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (pattern, paths, total) = numbered_files(dir.path());

        let whole = csv(&[&pattern], CsvOptions::default()).expect("open");
        assert_eq!(whole.npartitions(), 2);
        let blocksize = 97;
        let split = csv(&[&pattern], in_blocks(blocksize)).expect("open");
        let sizes: Vec<u64> = paths
            .iter()
            .map(|p| std::fs::metadata(p).expect("size").len())
            .collect();
        let expected_parts: u64 = sizes.iter().map(|s| s.div_ceil(blocksize)).sum();
        assert_eq!(split.npartitions() as u64, expected_parts);

        let one = in_natural_order(frame(whole)).await;
        let many = in_natural_order(frame(split)).await;
        let expected: Vec<i64> = (0..total as i64).collect();
        assert_eq!(i64s(&one, 0), expected);
        assert_eq!(i64s(&many, 0), expected);
        assert_eq!(many.column(1), one.column(1));

        // Rows are numbered from 0 within each partition, and partitions count up in file order.
        let parts = u64s(&many, PART_COLUMN);
        let rows = u64s(&many, ROW_COLUMN);
        for i in 1..parts.len() {
            if parts[i] == parts[i - 1] {
                assert_eq!(rows[i], rows[i - 1] + 1);
            } else {
                assert!(parts[i] > parts[i - 1]);
                assert_eq!(rows[i], 0);
            }
        }
        assert!(parts.windows(2).filter(|w| w[0] != w[1]).count() > 20);
    }

    #[tokio::test]
    async fn hidden_columns_alone_and_no_columns_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (pattern, _, total) = numbered_files(dir.path());
        let options = in_blocks(500);

        let hidden = frame(csv(&[&pattern], options.clone()).expect("open"))
            .project(vec![col(ROW_COLUMN), col(PART_COLUMN)])
            .expect("select");
        let batch = rows_of(hidden).await;
        assert_eq!(batch.num_columns(), 2);
        assert_eq!(batch.num_rows(), total);

        let counted = frame(csv(&[&pattern], options).expect("open"))
            .group_by(vec![], vec![count(lit(1)).alias("n")])
            .expect("aggregate");
        let batch = rows_of(counted).await;
        assert_eq!(
            batch.column(0).as_primitive::<Int64Type>().value(0),
            total as i64
        );
        assert_eq!(
            frame(csv(&[&pattern], CsvOptions::default()).expect("open"))
                .count()
                .await
                .expect("count"),
            total
        );
    }

    #[tokio::test]
    async fn projection_reads_only_the_columns_asked_for() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path(), "a.csv", "a,b,c\n1,x,2\n3,y,4\n");
        let df = frame(csv(&[&path], CsvOptions::default()).expect("open"))
            .project(vec![col("c"), col(PART_COLUMN), col("a")])
            .expect("select");
        let batch = rows_of(df).await;
        let names: Vec<&str> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(names, ["c", PART_COLUMN, "a"]);
        assert_eq!(i64s(&batch, 0), [2, 4]);
        assert_eq!(i64s(&batch, 2), [1, 3]);
    }

    #[tokio::test]
    async fn declared_types_win_and_bools_accept_digits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(
            dir.path(),
            "a.csv",
            "code,flag,n\n007,1,1\n010,0,2\n,True,\n",
        );
        let options = CsvOptions {
            dtype: vec![
                ("code".to_string(), DataType::Utf8),
                ("flag".to_string(), DataType::Boolean),
                ("n".to_string(), DataType::Float64),
            ],
            ..CsvOptions::default()
        };
        let table = csv(&[&path], options).expect("open");
        let types: Vec<DataType> = table
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        assert_eq!(
            types[..3],
            [DataType::Utf8, DataType::Boolean, DataType::Float64]
        );
        let batch = in_natural_order(frame(table)).await;
        assert_eq!(
            batch.column(0).as_string::<i32>(),
            &StringArray::from(vec![Some("007"), Some("010"), None])
        );
        assert_eq!(
            batch.column(1).as_boolean(),
            &BooleanArray::from(vec![true, false, true])
        );
        assert_eq!(batch.column(2).null_count(), 1);
    }

    #[tokio::test]
    async fn a_bad_value_is_reported_with_file_line_column_and_value() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::from("Year,CRSElapsedTime\n");
        for i in 0..200 {
            let value = if i == 150 {
                "abc".to_string()
            } else {
                i.to_string()
            };
            writeln!(text, "2020,{value}").expect("fmt");
        }
        let path = write(dir.path(), "x.csv", &text);
        let options = CsvOptions {
            dtype: vec![("CRSElapsedTime".to_string(), DataType::Float64)],
            blocksize: 256, // the bad line sits in a later partition
            ..CsvOptions::default()
        };
        let table = csv(&[&path], options).expect("open");
        assert!(table.npartitions() > 3);
        let err = frame(table).collect().await.expect_err("bad value");
        let err = DdqError::from(err);
        assert_eq!(err.kind, ErrorKind::Input);
        // Header is line 1, row i is line i + 2.
        assert_eq!(
            err.message,
            format!("{path}:152: column \"CRSElapsedTime\": cannot parse \"abc\" as float64")
        );
        assert_eq!(
            err.help.as_deref(),
            Some("declare the column's type with dtype={\"CRSElapsedTime\": \"object\"}")
        );
    }

    #[tokio::test]
    async fn an_inferred_type_that_fails_later_says_so() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::from("n\n");
        // Far more rows than the sample reads, with one float value between sampled chunks.
        let rows = 400_000;
        for i in 0..rows {
            if i == rows / 2 + 1234 {
                text.push_str("2.5\n");
            } else {
                writeln!(text, "{}", i % 1000).expect("fmt");
            }
        }
        let path = write(dir.path(), "x.csv", &text);
        let table = csv(&[&path], CsvOptions::default()).expect("open");
        assert_eq!(table.schema().field(0).data_type(), &DataType::Int64);
        let err = DdqError::from(frame(table).collect().await.expect_err("bad value"));
        let line = rows / 2 + 1234 + 2;
        assert_eq!(
            err.message,
            format!("{path}:{line}: column \"n\": cannot parse \"2.5\" as int64")
        );
        let help = err.help.unwrap_or_default();
        assert!(
            help.contains("inferred") && help.contains("dtype={\"n\": \"float64\"}"),
            "{help}"
        );
    }

    #[tokio::test]
    async fn limit_and_partition_filters_read_less() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (pattern, _, _) = numbered_files(dir.path());
        let options = in_blocks(1000);

        let limited = frame(csv(&[&pattern], options.clone()).expect("open"))
            .limit(0, Some(5))
            .expect("limit");
        assert_eq!(rows_of(limited).await.num_rows(), 5);

        let table = csv(&[&pattern], options.clone()).expect("open");
        let third = frame(table)
            .keep_rows(col(PART_COLUMN).eq(lit(2u64)))
            .expect("filter");
        let plan = third.clone().create_physical_plan().await.expect("plan");
        let shown = displayable(plan.as_ref()).indent(false).to_string();
        assert!(shown.contains("partitions=1/"), "{shown}");
        let batch = rows_of(third).await;
        assert!(batch.num_rows() > 0);
        assert!(u64s(&batch, PART_COLUMN).iter().all(|&p| p == 2));
        assert_eq!(u64s(&batch, ROW_COLUMN)[0], 0);

        // The same rows as partition 2 of an unfiltered scan.
        let all = in_natural_order(frame(csv(&[&pattern], options).expect("open"))).await;
        let from_all = u64s(&all, PART_COLUMN).iter().filter(|&&p| p == 2).count();
        assert_eq!(from_all, batch.num_rows());
    }

    #[tokio::test]
    async fn rows_named_per_partition_stop_the_read_after_the_last() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (pattern, _, _) = numbered_files(dir.path());
        let table = csv(&[&pattern], in_blocks(1000)).expect("open");
        let (part, row) = (col(PART_COLUMN), col(ROW_COLUMN));
        let named = part.clone().in_list(vec![lit(0u64), lit(2u64)], false).and(
            part.clone()
                .eq(lit(0u64))
                .and(row.clone().in_list(vec![lit(1u64), lit(3u64)], false))
                .or(part.eq(lit(2u64)).and(row.in_list(vec![lit(4u64)], false))),
        );
        let fetched = frame(table).keep_rows(named).expect("filter");
        let plan = fetched.clone().create_physical_plan().await.expect("plan");
        let shown = displayable(plan.as_ref()).indent(false).to_string();
        assert!(shown.contains("partitions=2/"), "{shown}");
        assert!(shown.contains("rows_cut=2"), "{shown}");
        let batch = rows_of(fetched).await;
        // Partitions are read on several threads: their rows arrive in either order.
        let mut positions: Vec<(u64, u64)> = u64s(&batch, PART_COLUMN)
            .into_iter()
            .zip(u64s(&batch, ROW_COLUMN))
            .collect();
        positions.sort_unstable();
        assert_eq!(positions, [(0, 1), (0, 3), (2, 4)]);

        // The scan itself passed on rows 0-3 of partition 0 and 0-4 of partition 2 only.
        let task_ctx = SessionContext::new().task_ctx();
        datafusion::physical_plan::collect(Arc::clone(&plan), task_ctx)
            .await
            .expect("run");
        let mut scanned = 0;
        datafusion::physical_plan::accept(plan.as_ref(), &mut ScanRows(&mut scanned))
            .expect("walk");
        assert_eq!(scanned, 4 + 5);
    }

    /// Adds up the rows each ddq scan of a plan passed on.
    struct ScanRows<'a>(&'a mut usize);

    impl datafusion::physical_plan::ExecutionPlanVisitor for ScanRows<'_> {
        type Error = DataFusionError;

        fn pre_visit(&mut self, plan: &dyn ExecutionPlan) -> Result<bool, DataFusionError> {
            if plan.name().contains("Scan") {
                *self.0 += plan.metrics().and_then(|m| m.output_rows()).unwrap_or(0);
            }
            Ok(true)
        }
    }

    #[tokio::test]
    async fn natural_order_is_a_merge_not_a_sort() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (pattern, _, _) = numbered_files(dir.path());
        let table = csv(&[&pattern], in_blocks(1000)).expect("open");
        let sorted = frame(table)
            .sort(vec![
                col(PART_COLUMN).sort(true, false),
                col(ROW_COLUMN).sort(true, false),
            ])
            .expect("sort");
        let plan = sorted.create_physical_plan().await.expect("plan");
        let shown = displayable(plan.as_ref()).indent(false).to_string();
        assert!(shown.contains("SortPreservingMergeExec"), "{shown}");
        assert!(!shown.contains("SortExec"), "{shown}");
    }

    #[tokio::test]
    async fn separators_crlf_empty_files_and_dates() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = write(
            dir.path(),
            "a.csv",
            "when;n\r\n2013-01-01;1\r\n2013-01-02 10:30:00;2\r\n",
        );
        let b = write(dir.path(), "b.csv", "");
        let options = CsvOptions {
            sep: b';',
            dtype: vec![(
                "when".to_string(),
                parse_dtype("datetime64[ns]").expect("dtype"),
            )],
            blocksize: 20,
            ..CsvOptions::default()
        };
        let table = csv(&[&a, &b], options).expect("open");
        assert_eq!(table.npartitions(), 3 + 1);
        let batch = in_natural_order(frame(table)).await;
        let when = batch.column(0).as_primitive::<TimestampNanosecondType>();
        let day = 86_400_000_000_000i64;
        assert_eq!(
            when.values().to_vec(),
            [15706 * day, 15707 * day + 37_800_000_000_000]
        );
        assert_eq!(i64s(&batch, 1), [1, 2]);
    }

    #[test]
    fn opening_errors_name_the_pattern_or_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pattern = format!("{}/*.csv", dir.path().display());
        let err = csv(&[&pattern], CsvOptions::default()).expect_err("no match");
        assert!(err.message.contains(&pattern), "{}", err.message);

        let a = write(dir.path(), "a.csv", "x,y\n1,2\n");
        let b = write(dir.path(), "b.csv", "x,y,z\n1,2,3\n");
        let err = csv(&[&pattern], CsvOptions::default()).expect_err("mismatch");
        assert!(
            err.message.contains(&a) && err.message.contains(&b),
            "{}",
            err.message
        );
    }

    fn write_parquet(path: &Path, batches: &[RecordBatch], rows_per_group: usize) {
        use datafusion::parquet::arrow::ArrowWriter;
        use datafusion::parquet::file::properties::WriterProperties;
        let file = std::fs::File::create(path).expect("create");
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(rows_per_group))
            .build();
        let mut writer =
            ArrowWriter::try_new(file, batches[0].schema(), Some(props)).expect("writer");
        for batch in batches {
            writer.write(batch).expect("write");
            writer.flush().expect("flush");
        }
        writer.close().expect("close");
    }

    #[tokio::test]
    async fn parquet_partitions_are_row_groups() {
        let dir = tempfile::tempdir().expect("tempdir");
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("name", DataType::Utf8, true),
        ]));
        let make = |start: i64, n: i64| {
            let ids: Vec<i64> = (start..start + n).collect();
            let names: Vec<String> = ids.iter().map(|i| format!("n{i}")).collect();
            RecordBatch::try_new(
                Arc::clone(&schema),
                vec![
                    Arc::new(Int64Array::from(ids)),
                    Arc::new(StringArray::from(names)),
                ],
            )
            .expect("batch")
        };
        write_parquet(&dir.path().join("a.parquet"), &[make(0, 25)], 10);
        write_parquet(&dir.path().join("b.parquet"), &[make(25, 5)], 10);
        let pattern = vec![format!("{}/*.parquet", dir.path().display())];
        let table = FileTable::open_parquet(&pattern).expect("open");
        assert_eq!(table.npartitions(), 4);
        assert_eq!(table.files().len(), 2);

        let batch = in_natural_order(frame(table)).await;
        let ids = i64s(&batch, 0);
        assert_eq!(ids, (0..30).collect::<Vec<i64>>());
        let parts = u64s(&batch, PART_COLUMN);
        assert_eq!(
            &parts[..],
            [vec![0; 10], vec![1; 10], vec![2; 5], vec![3; 5]].concat()
        );
        assert_eq!(u64s(&batch, ROW_COLUMN)[10..13], [0, 1, 2]);

        let table = FileTable::open_parquet(&pattern).expect("open");
        assert_eq!(frame(table).count().await.expect("count"), 30);
        let table = FileTable::open_parquet(&pattern).expect("open");
        let names = frame(table).project(vec![col("name")]).expect("select");
        assert_eq!(rows_of(names).await.num_rows(), 30);
    }

    #[test]
    fn parquet_files_with_other_columns_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let batch = |name: &str| {
            let schema = Arc::new(Schema::new(vec![Field::new(name, DataType::Int64, false)]));
            RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(vec![1]))]).expect("batch")
        };
        write_parquet(&dir.path().join("a.parquet"), &[batch("x")], 10);
        write_parquet(&dir.path().join("b.parquet"), &[batch("y")], 10);
        let pattern = vec![format!("{}/*.parquet", dir.path().display())];
        let err = FileTable::open_parquet(&pattern).expect_err("mismatch");
        assert!(
            err.message.contains("a.parquet") && err.message.contains("b.parquet"),
            "{}",
            err.message
        );
    }

    // ----- the scan cache -----

    fn cached(pattern: &str, options: CsvOptions, cache: &Path) -> FileTable {
        FileTable::open_csv_cached(&[pattern.to_string()], options, Some(ScanCache::at(cache)))
            .expect("open")
    }

    /// The cache's entries: one per column of a partition.
    fn entries(cache: &Path) -> usize {
        ScanCache::at(cache)
            .list()
            .expect("list")
            .files
            .iter()
            .map(|f| f.entries)
            .sum()
    }

    /// Rewrites a file with other text of the same length, keeping its modification time, so
    /// only a cache can still answer with the old rows.
    fn replace_keeping_size_and_mtime(path: &str, text: &str) {
        let old = std::fs::metadata(path).expect("metadata");
        assert_eq!(old.len() as usize, text.len(), "same size");
        std::fs::write(path, text).expect("rewrite");
        std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open")
            .set_modified(old.modified().expect("mtime"))
            .expect("set mtime");
    }

    #[tokio::test]
    async fn a_second_full_read_comes_from_the_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join("cache");
        let (pattern, paths, total) = numbered_files(dir.path());
        let options = in_blocks(1000);
        let plain = in_natural_order(frame(csv(&[&pattern], options.clone()).expect("open"))).await;
        let partitions = cached(&pattern, options.clone(), &cache).npartitions();
        let values = || {
            let table = cached(&pattern, options.clone(), &cache);
            rows_of(frame(table).project(vec![col("value")]).expect("select"))
        };
        let everything = || in_natural_order(frame(cached(&pattern, options.clone(), &cache)));
        // A column read once is only marked; read again, it is cached, and only it.
        assert_eq!(values().await.num_rows(), total);
        assert_eq!(entries(&cache), 0);
        assert_eq!(values().await.num_rows(), total);
        assert_eq!(entries(&cache), partitions);
        // Reading every column parses the other two beside the cached one: the second time,
        // it caches them too.
        assert_eq!(everything().await, plain);
        assert_eq!(entries(&cache), partitions);
        assert_eq!(everything().await, plain);
        assert_eq!(entries(&cache), partitions * 3);

        // Same size, same mtime, other values: the cached rows answer.
        let text = std::fs::read_to_string(&paths[0]).expect("read");
        let (header, body) = text.split_once('\n').expect("header");
        let other = format!("{header}\n{}", body.replace(",w", ",v"));
        assert_ne!(other, text);
        replace_keeping_size_and_mtime(&paths[0], &other);
        let again = in_natural_order(frame(cached(&pattern, options.clone(), &cache))).await;
        assert_eq!(again, plain);

        // A changed size invalidates the file's entries.
        std::fs::write(&paths[0], format!("{text}999,x,1\n")).expect("append");
        everything().await;
        let changed = everything().await;
        assert_eq!(changed.num_rows(), total + 1);
        // part-1.csv holds the first 300 rows; the new row follows them.
        let words = changed.column(1).as_string::<i32>();
        assert_eq!(words.value(300), "x");
        assert_eq!(entries(&cache), npartitions(&pattern, options) * 3);
    }

    fn npartitions(pattern: &str, options: CsvOptions) -> usize {
        csv(&[pattern], options).expect("open").npartitions()
    }

    #[tokio::test]
    async fn limited_reads_and_failed_reads_cache_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join("cache");
        let (pattern, _, _) = numbered_files(dir.path());
        let limited = frame(cached(&pattern, CsvOptions::default(), &cache))
            .limit(0, Some(5))
            .expect("limit");
        assert_eq!(rows_of(limited).await.num_rows(), 5);
        assert_eq!(entries(&cache), 0);

        let path = write(dir.path(), "bad.csv", "a,b\n1,2\n3,x\n");
        let options = CsvOptions {
            dtype: vec![("b".to_string(), DataType::Int64)],
            ..CsvOptions::default()
        };
        let err = frame(cached(&path, options.clone(), &cache))
            .collect()
            .await
            .expect_err("bad value");
        assert_eq!(
            DdqError::from(err).message,
            format!("{path}:3: column \"b\": cannot parse \"x\" as int64")
        );
        assert_eq!(entries(&cache), 0);
        // Column `a` alone reads fine, and (read a second time) is cached: the bad value is in
        // a column nobody asked for, which is not parsed.
        for _ in 0..2 {
            let a = frame(cached(&path, options.clone(), &cache))
                .project(vec![col("a")])
                .expect("select");
            let batch = rows_of(a).await;
            assert_eq!(i64s(&batch, 0), [1, 3]);
        }
        assert_eq!(entries(&cache), 1);
    }

    #[tokio::test]
    async fn an_unwritable_cache_is_no_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (pattern, _, total) = numbered_files(dir.path());
        // A file where the cache directory should be: nothing can be created in it.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "").expect("write");
        for _ in 0..2 {
            let table = cached(&pattern, CsvOptions::default(), &blocked);
            assert_eq!(frame(table).count().await.expect("count"), total);
        }
    }

    #[tokio::test]
    async fn cached_reads_report_progress() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join("cache");
        let (pattern, _, _) = numbered_files(dir.path());
        let run = |table: FileTable| async move {
            let progress = Arc::new(crate::engine::progress::ScanProgress::default());
            let config = SessionConfig::new()
                .with_target_partitions(2)
                .with_extension(Arc::clone(&progress));
            let ctx = SessionContext::new_with_config(config);
            let df = ctx.read_table(Arc::new(table)).expect("read");
            df.collect().await.expect("collect");
            progress.snapshot()
        };
        let (read, total) = run(cached(&pattern, CsvOptions::default(), &cache)).await;
        let csv_bytes: u64 = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
            .map(|e| e.metadata().expect("metadata").len())
            .sum();
        assert_eq!((read, total), (csv_bytes, csv_bytes));
        // Read from the cache, a partition counts as its CSV bytes all the same.
        run(cached(&pattern, CsvOptions::default(), &cache)).await;
        assert!(entries(&cache) > 0);
        let (read, total) = run(cached(&pattern, CsvOptions::default(), &cache)).await;
        assert_eq!((read, total), (csv_bytes, csv_bytes));
    }

    #[tokio::test]
    async fn missing_value_strings_are_nulls_in_every_type_and_batch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::from("i,f,s,b,extra\n");
        // Clean rows first, so the spellings below land in later batches (batch size 7).
        for k in 0..20 {
            writeln!(text, "{k},{k}.5,w{k},True,{k}").expect("fmt");
        }
        text.push_str("NA,NaN,NULL,n/a,-999\n");
        text.push_str("1,nan,<NA>,,1\n");
        text.push_str(",-nan,N/A,False,2\n");
        text.push_str("#N/A,1.#IND,x,NA,3\n");
        text.push_str("5,-1.#QNAN,None,1,4\n");
        let path = write(dir.path(), "na.csv", &text);
        let options = CsvOptions {
            dtype: vec![
                ("i".to_string(), DataType::Int64),
                ("f".to_string(), DataType::Float64),
                ("b".to_string(), DataType::Boolean),
            ],
            ..CsvOptions::default()
        };
        let batch = in_natural_order(frame(csv(&[&path], options.clone()).expect("open"))).await;
        let tail = batch.slice(20, 5);
        let nulls = |i: usize| -> Vec<bool> { (0..5).map(|r| tail.column(i).is_null(r)).collect() };
        assert_eq!(nulls(0), [true, false, true, true, false]);
        assert_eq!(nulls(1), [true, true, true, true, true]);
        assert_eq!(nulls(2), [true, true, true, false, true]);
        assert_eq!(nulls(3), [true, true, false, true, false]);
        assert_eq!(nulls(4), [false; 5]);
        assert_eq!(batch.column(0).null_count(), 3);

        // Without the int column and the `1.#` spellings nothing fails to parse without the
        // regex: the other spellings must still be nulls.
        let mut fast = String::from("f,s,b\n");
        fast.push_str("NaN,NULL,n/a\n1.5,<NA>,\n-nan,N/A,False\nnan,x,NA\n2,None,1\n");
        let fast_path = write(dir.path(), "fast.csv", &fast);
        let fast_options = CsvOptions {
            dtype: vec![
                ("f".to_string(), DataType::Float64),
                ("b".to_string(), DataType::Boolean),
            ],
            ..CsvOptions::default()
        };
        let batch = in_natural_order(frame(csv(&[&fast_path], fast_options).expect("open"))).await;
        let nulls =
            |i: usize| -> Vec<bool> { (0..5).map(|r| batch.column(i).is_null(r)).collect() };
        assert_eq!(nulls(0), [true, false, true, true, false]);
        assert_eq!(nulls(1), [true, true, true, false, true]);
        assert_eq!(nulls(2), [true, true, false, true, false]);

        // An extra missing value that parses as a number.
        let extra = CsvOptions {
            na_values: vec!["-999".to_string()],
            ..options
        };
        let batch = in_natural_order(frame(csv(&[&path], extra).expect("open"))).await;
        assert_eq!(batch.column(4).null_count(), 1);
        assert!(batch.column(4).is_null(20));
        assert_eq!(batch.column(0).null_count(), 3);
    }

    #[tokio::test]
    async fn a_fallback_after_some_batches_keeps_every_row_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::from("n,m\n");
        for k in 0..100 {
            // Missing ints spelled out in a few late rows only, and one quoted value late in
            // the file, where the fast reader hands over to arrow-csv.
            let n = if k % 37 == 36 {
                "NA".to_string()
            } else {
                k.to_string()
            };
            if k == 80 {
                writeln!(text, "{n},\"{k}\"").expect("fmt");
            } else {
                writeln!(text, "{n},{k}").expect("fmt");
            }
        }
        let path = write(dir.path(), "late.csv", &text);
        let options = CsvOptions {
            dtype: vec![("n".to_string(), DataType::Int64)],
            ..CsvOptions::default()
        };
        let cache = dir.path().join("cache");
        // Without the cache; read once; read again and cached; read from the cache.
        for table in [
            csv(&[&path], options.clone()).expect("open"),
            cached(&path, options.clone(), &cache),
            cached(&path, options.clone(), &cache),
            cached(&path, options.clone(), &cache),
        ] {
            let batch = in_natural_order(frame(table)).await;
            let m = i64s(&batch, 1);
            assert_eq!(m, (0..100).collect::<Vec<i64>>());
            assert_eq!(batch.column(0).null_count(), 2);
        }
        // One partition, two columns.
        assert_eq!(entries(&cache), 2);
        let limited = frame(csv(&[&path], options).expect("open"))
            .limit(0, Some(50))
            .expect("limit");
        assert_eq!(rows_of(limited).await.num_rows(), 50);
    }

    /// One line of a file exercising every spelling the fast reader converts itself and those
    /// it hands on: its text (CRLF-ended) and the values it holds.
    #[allow(clippy::type_complexity)]
    fn spelled_line(
        k: usize,
    ) -> (
        String,
        (Option<i64>, Option<f64>, Option<String>, Option<bool>),
    ) {
        let n = k as i64;
        let (i_text, i) = match k % 6 {
            0 => (String::new(), None),
            1 => (format!("-{n}"), Some(-n)),
            2 => ((n * 1_000_000_007).to_string(), Some(n * 1_000_000_007)),
            3 => (
                (123_456_789_012_345_678 - n).to_string(),
                Some(123_456_789_012_345_678 - n),
            ),
            _ => (n.to_string(), Some(n)),
        };
        let (f_text, f) = match k % 9 {
            0 => (String::new(), None),
            1 => ("NaN".to_string(), None),
            2 => ("-0".to_string(), Some(-0.0)),
            3 => (format!("{n}.25"), Some(k as f64 + 0.25)),
            4 => ("1e3".to_string(), Some(1000.0)),
            5 => ("-12345678".to_string(), Some(-12345678.0)),
            6 => ("123456789".to_string(), Some(123456789.0)),
            7 => ("nan".to_string(), None),
            _ => (n.to_string(), Some(k as f64)),
        };
        let (s_text, s) = match k % 5 {
            0 => ("NA".to_string(), None),
            1 => (String::new(), None),
            2 => (format!("N{k}AA"), Some(format!("N{k}AA"))),
            3 => ("1.#IND".to_string(), None),
            _ => ("café".to_string(), Some("café".to_string())),
        };
        let (b_text, b) = match (k % 11, k % 3) {
            (0, _) => ("", None),
            (_, 0) => ("0", Some(false)),
            (_, 1) => ("1", Some(true)),
            _ => ("True", Some(true)),
        };
        (
            format!("{i_text},{f_text},{s_text},{b_text}\r\n"),
            (i, f, s, b),
        )
    }

    #[tokio::test]
    async fn every_spelling_reads_the_same_through_the_fast_reader_and_after_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Without a quote the fast reader reads the whole file; with one at line 300 (a quoted
        // field holding a separator, a doubled quote and a line break) it hands over there.
        for quoted_at in [None, Some(300)] {
            let mut text = String::from("\u{feff}i,f,s,b\r\n");
            let mut expected = Vec::new();
            for k in 0..500 {
                let (mut line, mut values) = spelled_line(k);
                if Some(k) == quoted_at {
                    line = "7,1.5,\"say, \"\"hi\"\"\nthere\",1\r\n".to_string();
                    values = (
                        Some(7),
                        Some(1.5),
                        Some("say, \"hi\"\nthere".into()),
                        Some(true),
                    );
                }
                text.push_str(&line);
                expected.push(values);
            }
            let path = write(dir.path(), "spelled.csv", &text);
            let dtype = [
                ("i", DataType::Int64),
                ("f", DataType::Float64),
                ("s", DataType::Utf8),
                ("b", DataType::Boolean),
            ];
            let options = CsvOptions {
                dtype: dtype.map(|(n, t)| (n.to_string(), t)).to_vec(),
                ..CsvOptions::default()
            };
            let table = csv(&[&path], options).expect("open");
            let batch = in_natural_order(frame(table)).await;
            let ints = batch.column(0).as_primitive::<Int64Type>();
            let floats = batch.column(1).as_primitive::<Float64Type>();
            let texts = batch.column(2).as_string::<i32>();
            let bools = batch.column(3).as_boolean();
            assert_eq!(batch.num_rows(), expected.len());
            for (row, (i, f, s, b)) in expected.into_iter().enumerate() {
                let at = format!("row {row}, quote at {quoted_at:?}");
                assert_eq!(ints.is_valid(row).then(|| ints.value(row)), i, "{at}");
                let float = floats.is_valid(row).then(|| floats.value(row).to_bits());
                assert_eq!(float, f.map(f64::to_bits), "{at}");
                assert_eq!(
                    texts.is_valid(row).then(|| texts.value(row)),
                    s.as_deref(),
                    "{at}"
                );
                assert_eq!(bools.is_valid(row).then(|| bools.value(row)), b, "{at}");
            }
        }
    }

    #[tokio::test]
    async fn a_bad_value_after_a_bom_and_crlf_names_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::from("\u{feff}a,b\r\n");
        for k in 0..1000 {
            let b = if k == 700 {
                "12x".to_string()
            } else {
                k.to_string()
            };
            write!(text, "{k},{b}\r\n").expect("fmt");
        }
        let path = write(dir.path(), "bad.csv", &text);
        let options = CsvOptions {
            dtype: vec![("b".to_string(), DataType::Int64)],
            ..CsvOptions::default()
        };
        let table = csv(&[&path], options).expect("open");
        let err = DdqError::from(frame(table).collect().await.expect_err("bad value"));
        assert_eq!(
            err.message,
            format!("{path}:702: column \"b\": cannot parse \"12x\" as int64")
        );
    }
}
