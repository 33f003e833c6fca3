//! `visualize`: a statement's task graph as Dask draws one, one node per partition task, grouped
//! by operator (see `tasks`), written as DOT, or laid out and drawn as SVG or PNG by Rust crates
//! (layout-rs, resvg), so no graphviz install is needed. The drawing is cropped to what is drawn.

mod tasks;

use crate::error::{DdqError, Result};
use datafusion::prelude::DataFrame;
use std::path::Path;
pub use tasks::{TaskGraph, task_graph};

/// A layer with more tasks than this draws its first ones and a "… N more" node for the rest,
/// so a graph of a hundred partitions stays legible (Dask would draw them all).
pub const MAX_DRAWN: usize = 16;

/// Draws the task graph of `df`, a value with `npartitions` partitions, into `path`; returns
/// how it was drawn, for the line that says where it went.
pub async fn draw(df: DataFrame, npartitions: usize, path: &Path) -> Result<String> {
    let plan = df.create_physical_plan().await?;
    let graph = task_graph(&plan, npartitions);
    let dot = task_dot(&graph);
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
    write_atomically(path, &bytes)?;
    Ok(summary(&graph))
}

/// "10 partitions, 33 tasks", and which layers were cut short.
fn summary(graph: &TaskGraph) -> String {
    let tasks: usize = graph.layers.iter().map(|l| l.tasks).sum();
    let partitions = graph.layers.last().map_or(1, |l| l.tasks);
    let noun = if partitions == 1 {
        "partition"
    } else {
        "partitions"
    };
    let mut text = format!("{partitions} {noun}, {tasks} tasks");
    let cut: Vec<String> = graph
        .layers
        .iter()
        .filter(|l| l.tasks > MAX_DRAWN)
        .map(|l| format!("{} ({})", l.name, l.tasks))
        .collect();
    if !cut.is_empty() {
        text.push_str(&format!(
            "; drawn {} per operator and \"… N more\" for the rest of {}",
            MAX_DRAWN - 1,
            cut.join(", ")
        ));
    }
    text
}

/// Fill colours of the layers, in turn, so each operator's tasks read as a group.
const PALETTE: [&str; 8] = [
    "#cfe2f3", "#d9ead3", "#fff2cc", "#f4cccc", "#d9d2e9", "#fce5cd", "#d0e0e3", "#ead1dc",
];

/// The task graph as a DOT digraph, data flowing from the reads (left) to the result (right),
/// so an operator's tasks stack in a column rather than spreading a row thousands of pixels
/// wide: a cluster per operator (Graphviz draws it as a box; layout-rs ignores it, the colour
/// shows the group), a node per task named after its operator and number.
pub fn task_dot(graph: &TaskGraph) -> String {
    let mut dot = String::from("digraph tasks {\n  rankdir=LR;\n");
    for (l, layer) in graph.layers.iter().enumerate() {
        let noun = if layer.tasks == 1 { "task" } else { "tasks" };
        dot.push_str(&format!(
            "  subgraph cluster_{l} {{\n    label=\"{} ({} {noun})\";\n",
            escape(&layer.name),
            layer.tasks
        ));
        let colour = PALETTE[l % PALETTE.len()];
        for t in 0..drawn(layer.tasks) {
            let label = match t {
                t if t == MAX_DRAWN - 1 && layer.tasks > MAX_DRAWN => {
                    format!("… {} more", layer.tasks - t)
                }
                t => format!("{} {t}", layer.name),
            };
            dot.push_str(&format!(
                "    t{l}_{t} [shape=box, style=filled, fillcolor=\"{colour}\", label=\"{}\"];\n",
                escape(&label)
            ));
        }
        dot.push_str("  }\n");
    }
    let edges: std::collections::BTreeSet<_> = graph
        .edges
        .iter()
        .map(|((a, i), (b, j))| ((*a, shown(*i)), (*b, shown(*j))))
        .collect();
    for ((a, i), (b, j)) in edges {
        dot.push_str(&format!("  t{a}_{i} -> t{b}_{j};\n"));
    }
    dot.push_str("}\n");
    dot
}

/// How many nodes a layer of `tasks` tasks draws.
fn drawn(tasks: usize) -> usize {
    tasks.min(MAX_DRAWN)
}

/// The node task `t` is drawn as: itself, or the layer's "… N more".
fn shown(t: usize) -> usize {
    t.min(MAX_DRAWN - 1)
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

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Lays out a DOT graph and draws it as SVG, cropped to its content.
pub fn svg_of(dot: &str) -> Result<String> {
    let mut parser = layout::gv::DotParser::new(dot);
    let graph = parser
        .process()
        .map_err(|e| DdqError::execution(format!("cannot lay out the graph: {e}")))?;
    let mut builder = layout::gv::GraphBuilder::new();
    builder.visit_graph(&graph);
    let mut visual = builder.get();
    let mut svg = layout::backends::svg::SVGWriter::new();
    visual.do_it(false, false, false, &mut svg);
    crop(&svg.finalize())
}

/// Space left around the drawn content, in pixels.
const MARGIN: f32 = 8.0;

/// The SVG with its size and view box fitted to what it draws: layout-rs sizes its canvas
/// for the layout before it is compacted, leaving a blank band below and beside the graph.
fn crop(svg: &str) -> Result<String> {
    let (options, _) = options_with_fonts();
    let tree = resvg::usvg::Tree::from_str(svg, &options)
        .map_err(|e| DdqError::execution(format!("cannot read the drawing: {e}")))?;
    let bounds = tree.root().abs_stroke_bounding_box();
    let (Some(open), Some(attributes_end)) = (svg.find("<svg "), svg.find("xmlns=")) else {
        return Ok(svg.to_string());
    };
    if bounds.width() <= 0.0 || attributes_end < open {
        return Ok(svg.to_string());
    }
    let (x, y) = (bounds.left() - MARGIN, bounds.top() - MARGIN);
    let (w, h) = (
        (bounds.width() + 2.0 * MARGIN).ceil(),
        (bounds.height() + 2.0 * MARGIN).ceil(),
    );
    Ok(format!(
        "{}<svg width=\"{w}\" height=\"{h}\" viewBox=\"{x} {y} {w} {h}\" {}",
        &svg[..open],
        &svg[attributes_end..]
    ))
}

/// Parsing options whose every generic font family is an installed font (the drawings ask for
/// "Times, serif"; machines without Times still have some font), a sans face when there is
/// one; and whether any font was found.
fn options_with_fonts() -> (resvg::usvg::Options<'static>, bool) {
    let mut options = resvg::usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_system_fonts();
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
        return (options, false);
    };
    fonts.set_serif_family(family.clone());
    fonts.set_sans_serif_family(family.clone());
    fonts.set_monospace_family(family.clone());
    options.font_family = family;
    (options, true)
}

/// An SVG drawing (a plan's, a plot's) as PNG, rendered by resvg with the system's fonts.
pub fn png_of(svg: &str) -> Result<Vec<u8>> {
    let (options, has_fonts) = options_with_fonts();
    if !has_fonts {
        return Err(DdqError::unsupported(
            "drawing a PNG needs a system font, and none is installed",
        )
        .with_help("name the file .svg or .dot instead"));
    }
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
