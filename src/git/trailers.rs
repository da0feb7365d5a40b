//! Being written (placeholder so the module tree compiles).
