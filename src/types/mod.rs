//! How an Arrow value reads as a pandas value and is written as text, shared by the planner
//! (`astype(str)`, dtype names in messages), the renderers and the session: pandas dtype names
//! (`dtype`), reading a cell as a value (`values`), timedelta units and text (`timedelta`),
//! Python's text of a float (`float`), a single value as Python prints it (`scalar`), Parquet's
//! codecs (`parquet`), and a value as text in each output style, with the quoting of JSON, CSV,
//! table cells and Python strings (`text`).

pub mod dtype;
pub mod float;
pub mod format;
pub mod parquet;
pub mod scalar;
pub mod text;
pub mod timedelta;
pub mod values;
