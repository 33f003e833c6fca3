//! `visualize`: the physical plan of a statement as a graph of operators, each with its number of
//! partitions — what Dask's task graph shows — written as DOT, or laid out and drawn as SVG or
//! PNG by Rust crates (layout-rs, resvg), so no graphviz install is needed.

use crate::error::{DdqError, Result};
use datafusion::physical_plan::{ExecutionPlan, ExecutionPlanProperties};
use datafusion::prelude::DataFrame;
use std::path::Path;
use std::sync::Arc;

pub async fn draw(df: DataFrame, path: &Path) -> Result<()> {
    let plan = df.create_physical_plan().await?;
    let dot = plan_dot(&plan);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bytes = match extension.as_str() {
        "dot" | "gv" => dot.into_bytes(),
        "svg" => svg_of(&dot)?.into_bytes(),
        "png" => png_of(&svg_of(&dot)?)?,
        other => {
            return Err(
                DdqError::unsupported(format!("cannot draw a graph as `.{other}`"))
                    .with_help("name the file .png, .svg or .dot"),
            );
        }
    };
    write_atomically(path, &bytes)
}

/// The plan as a DOT digraph, data flowing from the scans (top) to the result (bottom).
pub fn plan_dot(plan: &Arc<dyn ExecutionPlan>) -> String {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    collect(plan, &mut nodes, &mut edges);
    graph_dot(&nodes, &edges)
}

/// A DOT digraph of boxes labelled `labels` (a label may hold several lines) and `edges` between
/// their positions.
pub fn graph_dot(labels: &[String], edges: &[(usize, usize)]) -> String {
    let mut dot = String::from("digraph plan {\n");
    for (id, label) in labels.iter().enumerate() {
        dot.push_str(&format!(
            "  n{id} [shape=box, label=\"{}\"];\n",
            escape(label)
        ));
    }
    for (from, to) in edges {
        dot.push_str(&format!("  n{from} -> n{to};\n"));
    }
    dot.push_str("}\n");
    dot
}

/// Numbers nodes depth-first; returns the node's id. Edges go from child (input) to parent.
fn collect(
    plan: &Arc<dyn ExecutionPlan>,
    nodes: &mut Vec<String>,
    edges: &mut Vec<(usize, usize)>,
) -> usize {
    let partitions = plan.output_partitioning().partition_count();
    let noun = if partitions == 1 {
        "partition"
    } else {
        "partitions"
    };
    let id = nodes.len();
    nodes.push(format!("{} ({partitions} {noun})", plan.name()));
    for child in plan.children() {
        let child_id = collect(child, nodes, edges);
        edges.push((child_id, id));
    }
    id
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub fn svg_of(dot: &str) -> Result<String> {
    let mut parser = layout::gv::DotParser::new(dot);
    let graph = parser
        .process()
        .map_err(|e| DdqError::execution(format!("cannot lay out the plan graph: {e}")))?;
    let mut builder = layout::gv::GraphBuilder::new();
    builder.visit_graph(&graph);
    let mut visual = builder.get();
    let mut svg = layout::backends::svg::SVGWriter::new();
    visual.do_it(false, false, false, &mut svg);
    Ok(svg.finalize())
}

/// An SVG drawing (a plan's, a plot's) as PNG, rendered by resvg with the system's fonts.
pub fn png_of(svg: &str) -> Result<Vec<u8>> {
    let mut options = resvg::usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_system_fonts();
    // The drawing asks for "Times, serif"; machines without Times still have some font, so
    // every generic family is pointed at an installed one (a sans face when there is one).
    let families: Vec<String> = fonts
        .faces()
        .filter_map(|f| f.families.first().map(|(name, _)| name.clone()))
        .collect();
    let Some(family) = families
        .iter()
        .find(|f| f.contains("Sans"))
        .or(families.first())
        .cloned()
    else {
        return Err(DdqError::unsupported(
            "drawing a PNG needs a system font, and none is installed",
        )
        .with_help("name the file .svg or .dot instead"));
    };
    fonts.set_serif_family(family.clone());
    fonts.set_sans_serif_family(family.clone());
    fonts.set_monospace_family(family.clone());
    options.font_family = family;
    let tree = resvg::usvg::Tree::from_str(svg, &options)
        .map_err(|e| DdqError::execution(format!("cannot read the drawing: {e}")))?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width().max(1), size.height().max(1))
        .ok_or_else(|| DdqError::execution("the drawing has no area"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| DdqError::execution(format!("cannot encode the PNG: {e}")))
}

/// Writes a drawing whole: under a temporary name, renamed into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::output::temporary::write_whole(path, bytes)
        .map_err(|e| DdqError::input(format!("cannot write {}: {e}", path.display())))
}
