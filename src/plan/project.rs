//! Projections and filters whose planning cost does not grow with the depth of the plan.
//!
//! DataFusion's `DataFrame::select`, `with_column` and `filter` normalize every unqualified
//! column against the plan's `USING` joins, which they find by walking the whole plan once per
//! column. A chain of rebinding statements (`f = f.rename(...)` two thousand times) then plans
//! in quadratic time. ddq builds no `USING` joins, so normalizing against the input's schema
//! alone resolves every column the same way, in time independent of what lies below.

use datafusion::common::Result;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::utils::{columnize_expr, find_window_exprs};
use datafusion::logical_expr::{
    Expr, Filter, LogicalPlan, LogicalPlanBuilder, LogicalPlanBuilderOptions, col,
};
use datafusion::prelude::Column;
use std::sync::Arc;

/// What ddq builds projections and filters with, in place of the `DataFrame` methods of the
/// same purpose (clippy.toml refuses those in `src/`).
pub trait Project {
    /// `DataFrame::select`: the expressions, in order, as the frame's columns.
    fn project(self, exprs: impl IntoIterator<Item = Expr>) -> Result<DataFrame>;
    /// `DataFrame::with_column`: `expr` as column `name`, replacing one of that name in place.
    fn set_column(self, name: &str, expr: Expr) -> Result<DataFrame>;
    /// `DataFrame::filter`: the rows where `predicate` is true.
    fn keep_rows(self, predicate: Expr) -> Result<DataFrame>;
    /// `DataFrame::aggregate`, grouped by exactly `group`: DataFusion's own adds every column
    /// functionally dependent on a key (grouping a groupby's result by its key again would group
    /// by its values too, and clash with an aggregate of the same name).
    fn group_by(self, group: Vec<Expr>, aggregates: Vec<Expr>) -> Result<DataFrame>;
}

impl Project for DataFrame {
    #[allow(clippy::disallowed_methods)]
    fn project(self, exprs: impl IntoIterator<Item = Expr>) -> Result<DataFrame> {
        let exprs: Vec<Expr> = exprs.into_iter().collect();
        if !find_window_exprs(&exprs).is_empty() {
            // A window function needs the window node DataFusion plans beneath the projection.
            return self.select(exprs);
        }
        let (state, plan) = self.into_parts();
        let exprs = exprs
            .into_iter()
            .map(|e| Ok((columnize_expr(normalized(e, &plan)?, &plan)?, false)))
            .collect::<Result<Vec<_>>>()?;
        let plan = LogicalPlanBuilder::from(plan)
            .project_with_validation(exprs)?
            .build()?;
        Ok(DataFrame::new(state, plan))
    }

    #[allow(clippy::disallowed_methods)]
    fn set_column(self, name: &str, expr: Expr) -> Result<DataFrame> {
        if !find_window_exprs([&expr]).is_empty() {
            return self.with_column(name, expr);
        }
        // An alias of the same name may carry field metadata (a categorical's labels).
        let new_column = match expr {
            Expr::Alias(alias) if alias.name == name => Expr::Alias(alias),
            other => other.alias(name),
        };
        let mut replaced = false;
        let mut exprs: Vec<Expr> = self
            .schema()
            .iter()
            .map(|(qualifier, field)| {
                if field.name() == name {
                    replaced = true;
                    new_column.clone()
                } else {
                    col(Column::from((qualifier, field)))
                }
            })
            .collect();
        if !replaced {
            exprs.push(new_column);
        }
        self.project(exprs)
    }

    fn keep_rows(self, predicate: Expr) -> Result<DataFrame> {
        let (state, plan) = self.into_parts();
        let predicate = normalized(predicate, &plan)?;
        let plan = LogicalPlan::Filter(Filter::try_new(predicate, Arc::new(plan))?);
        Ok(DataFrame::new(state, plan))
    }

    fn group_by(self, group: Vec<Expr>, aggregates: Vec<Expr>) -> Result<DataFrame> {
        let (state, plan) = self.into_parts();
        let options = LogicalPlanBuilderOptions::new().with_add_implicit_group_by_exprs(false);
        let plan = LogicalPlanBuilder::from(plan)
            .with_options(options)
            .aggregate(group, aggregates)?
            .build()?;
        Ok(DataFrame::new(state, plan))
    }
}

/// `expr` with each unqualified column resolved against `plan`'s schema (and the inputs'
/// schemas DataFusion falls back to), as `LogicalPlanBuilder::normalize` resolves it when the
/// plan has no `USING` join.
fn normalized(expr: Expr, plan: &LogicalPlan) -> Result<Expr> {
    let fallback = plan.fallback_normalize_schemas();
    let schemas: [&[&datafusion::common::DFSchema]; 2] = [&[plan.schema()], &fallback];
    expr.transform(|e| match e {
        Expr::Column(c) if c.relation.is_none() => Ok(Transformed::yes(Expr::Column(
            c.normalize_with_schemas_and_ambiguity_check(&schemas, &[])?,
        ))),
        other => Ok(Transformed::no(other)),
    })
    .data()
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::{SessionContext, lit};

    fn frame() -> DataFrame {
        let ctx = SessionContext::new();
        let plan = LogicalPlanBuilder::values(vec![vec![lit(1i64), lit(2i64)]])
            .and_then(|b| b.build())
            .expect("values");
        DataFrame::new(ctx.state(), plan)
            .project([col("column1").alias("a"), col("column2").alias("b")])
            .expect("project")
    }

    #[allow(clippy::disallowed_methods)]
    fn stock(df: DataFrame, exprs: Vec<Expr>) -> LogicalPlan {
        df.select(exprs).expect("select").into_unoptimized_plan()
    }

    #[test]
    fn a_projection_is_the_plan_datafusion_builds() {
        let exprs = vec![col("b"), (col("a") + lit(1)).alias("c")];
        let ours = frame().project(exprs.clone()).expect("project");
        assert_eq!(ours.into_unoptimized_plan(), stock(frame(), exprs));
    }

    #[test]
    #[allow(clippy::disallowed_methods)]
    fn a_set_column_and_a_filter_are_the_plans_datafusion_builds() {
        let ours = frame().set_column("a", col("b") * lit(2)).expect("set");
        let theirs = frame().with_column("a", col("b") * lit(2)).expect("with");
        assert_eq!(ours.into_unoptimized_plan(), theirs.into_unoptimized_plan());
        let ours = frame().keep_rows(col("a").gt(lit(0))).expect("keep");
        let theirs = frame().filter(col("a").gt(lit(0))).expect("filter");
        assert_eq!(ours.into_unoptimized_plan(), theirs.into_unoptimized_plan());
    }

    #[test]
    fn an_unknown_column_is_an_error_naming_it() {
        let err = frame().project([col("zz")]).expect_err("unknown");
        assert!(err.to_string().contains("zz"), "{err}");
        let err = frame()
            .keep_rows(col("zz").gt(lit(0)))
            .expect_err("unknown");
        assert!(err.to_string().contains("zz"), "{err}");
    }
}
