//! egret's command-line tools that are also used by its tests.

pub mod isa;
