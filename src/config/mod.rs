//! Settings and the values they take. Each setting is defined once (`settings`), with the
//! parsers of the values it shares with others: sizes (`size`), schedulers and cluster
//! addresses (`scheduler`), and how results and progress are shown (`display`).

pub mod display;
pub mod scheduler;
pub mod settings;
pub mod size;
