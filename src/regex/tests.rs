//! Tests for the regular-expression module.
