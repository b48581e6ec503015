//! egret's engine: guest memory, the code cache with block chaining and a jump cache, the
//! dispatcher for the JIT, the reference interpreter and lockstep diff, and the trap interface
//! through which a system model (Linux user mode, a board) handles what guest code cannot do
//! itself. Nothing here knows about Linux or devices.

pub mod cache;
pub mod engine;
pub mod fault;
pub mod memory;

pub use engine::{
    Engine, EngineKind, GuestExit, LogFlags, Options, Outcome, Stats, SystemModel, TrapAction,
};
pub use ir::{CpuState, TrapKind};
pub use memory::{Fault, GuestMemory, MapError, PROT_EXEC, PROT_READ, PROT_WRITE};
