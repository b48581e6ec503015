//! The A64 frontend: decodes guest instructions into IR blocks.
//!
//! Decoding is a table ([`decode::TABLE`]): one line per instruction class with its Arm ARM
//! name and 32-bit pattern, most specific first, mapping to a translate function in the
//! module named after the Arm ARM encoding group. The table is enumerable, so the coverage
//! matrix comes from the code. yaxpeax-arm disassembles (`-d in_asm`) and names instructions
//! in errors, and tells apart encodings that are UNDEFINED (SIGILL) from valid encodings egret
//! does not implement yet.

pub mod decode;
pub mod disasm;
mod dp_imm;
mod dp_reg;
mod fp;
mod fp16;
mod ldst;
mod simd;
mod system;
mod translator;

pub use translator::{translate_block, Fetch, MAX_BLOCK_INSNS};
