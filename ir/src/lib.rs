//! egret's intermediate representation: typed, straight-line guest blocks with one exit.
//!
//! A [`Block`] is what the frontend makes of one guest basic block: a list of [`Inst`]s in SSA
//! form (each instruction defines at most one [`Value`]) and an [`Exit`]. The [`interp`] module is
//! the reference interpreter that gives every op its meaning; the backend must agree with it.

pub mod block;
pub mod crypto;
pub mod interp;
pub mod op;
pub mod print;
pub mod sem;
pub mod softfp;
pub mod state;
pub mod verify;

pub use block::{Block, Builder, Exit, Inst, TrapKind};
pub use op::{
    BinOp, CmpOp, CvtOp, FpOp, Helper, NzcvOp, Op, Reg, RoundMode, Type, UnOp, Value, VecOp,
};
pub use state::CpuState;
