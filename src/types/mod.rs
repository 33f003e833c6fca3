//! How an Arrow value reads as a pandas value, shared by the planner (`astype(str)`, dtype
//! names in messages) and the renderers: pandas dtype names (`dtype`), reading a cell as a
//! value (`values`), Python's text of a float (`float`), of a scalar (`scalar`) and JSON
//! (`text`).

pub mod dtype;
pub mod float;
pub mod scalar;
pub mod text;
pub mod values;
