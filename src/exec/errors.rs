//! Turns DataFusion and Arrow errors into ddq errors, keeping the engine's message but dropping
//! its internal prefixes, and recovering ddq's own errors that travelled through the engine.

use crate::error::{DdqError, ErrorKind};
use datafusion::error::DataFusionError;

pub fn from_datafusion(err: DataFusionError) -> DdqError {
    let root = err.find_root();
    if let DataFusionError::External(inner) = root
        && let Some(ddq) = inner.downcast_ref::<DdqError>()
    {
        return ddq.clone();
    }
    let kind = match root {
        DataFusionError::ResourcesExhausted(_) => ErrorKind::Memory,
        DataFusionError::IoError(_) => ErrorKind::Input,
        DataFusionError::NotImplemented(_) => ErrorKind::Unsupported,
        _ => ErrorKind::Execution,
    };
    DdqError::new(kind, root.message().to_string())
}
