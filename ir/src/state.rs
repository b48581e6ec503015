//! The architectural state of one guest CPU, laid out for direct access by translated code.

use std::mem::offset_of;

/// Exit codes returned by a translated block to the dispatcher.
pub mod exit_code {
    /// `pc` holds the next guest address; `link_slot` (if non-zero) is the slot to patch.
    pub const LOOKUP: u64 = 0;
    /// A trap: `trap_kind`/`trap_arg` say which; `pc` is where to resume.
    pub const TRAP: u64 = 1;
    /// `exit_request` was set: return to the dispatcher with `pc` at the block's start.
    pub const REQUESTED: u64 = 2;
}

/// One guest CPU: general registers (x[31] is SP), PC, NZCV, the SIMD&FP file and the
/// few system registers user code reaches. `#[repr(C)]` because JIT code addresses fields.
#[repr(C, align(16))]
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CpuState {
    /// V0–V31, 128 bits each.
    pub v: [u128; 32],
    /// Argument/result slots for vector helpers called from translated code.
    pub scratch: [u128; 4],
    /// X0–X30 and SP (index 31).
    pub x: [u64; 32],
    pub pc: u64,
    /// NZCV in bits 31:28, as in PSTATE.
    pub nzcv: u64,
    pub fpcr: u64,
    pub fpsr: u64,
    pub tpidr_el0: u64,
    /// Exclusive monitor: address (or `u64::MAX` when clear) and the value(s) loaded.
    pub excl_addr: u64,
    pub excl_val: u64,
    pub excl_val2: u64,
    /// Non-zero asks translated code to return to the dispatcher at the next block entry.
    pub exit_request: u64,
    /// Address of the link slot whose exit sent us to the dispatcher (0 if none).
    pub link_slot: u64,
    /// Set with `exit_code::TRAP`: the kind (see `TrapKind::code`) and its argument.
    pub trap_kind: u64,
    pub trap_arg: u64,
    /// Host address of guest address 0, and the mask applied to every guest address.
    pub mem_base: u64,
    pub mem_mask: u64,
}

impl Default for CpuState {
    fn default() -> Self {
        CpuState {
            v: [0; 32],
            scratch: [0; 4],
            x: [0; 32],
            pc: 0,
            nzcv: 0,
            fpcr: 0,
            fpsr: 0,
            tpidr_el0: 0,
            excl_addr: u64::MAX,
            excl_val: 0,
            excl_val2: 0,
            exit_request: 0,
            link_slot: 0,
            trap_kind: 0,
            trap_arg: 0,
            mem_base: 0,
            mem_mask: 0,
        }
    }
}

/// Byte offsets of `CpuState` fields, for code generators.
pub mod offsets {
    use super::*;
    pub const V: usize = offset_of!(CpuState, v);
    pub const SCRATCH: usize = offset_of!(CpuState, scratch);
    pub const X: usize = offset_of!(CpuState, x);
    pub const PC: usize = offset_of!(CpuState, pc);
    pub const NZCV: usize = offset_of!(CpuState, nzcv);
    pub const FPCR: usize = offset_of!(CpuState, fpcr);
    pub const FPSR: usize = offset_of!(CpuState, fpsr);
    pub const TPIDR: usize = offset_of!(CpuState, tpidr_el0);
    pub const EXCL_ADDR: usize = offset_of!(CpuState, excl_addr);
    pub const EXCL_VAL: usize = offset_of!(CpuState, excl_val);
    pub const EXCL_VAL2: usize = offset_of!(CpuState, excl_val2);
    pub const EXIT_REQUEST: usize = offset_of!(CpuState, exit_request);
    pub const LINK_SLOT: usize = offset_of!(CpuState, link_slot);
    pub const TRAP_KIND: usize = offset_of!(CpuState, trap_kind);
    pub const TRAP_ARG: usize = offset_of!(CpuState, trap_arg);
    pub const MEM_BASE: usize = offset_of!(CpuState, mem_base);
    pub const MEM_MASK: usize = offset_of!(CpuState, mem_mask);
}

impl CpuState {
    /// Names and values of every register that differs between two states (for `--engine diff`).
    pub fn differences(&self, other: &CpuState) -> Vec<String> {
        let mut out = Vec::new();
        for i in 0..32 {
            if self.x[i] != other.x[i] {
                let name = if i == 31 {
                    "sp".to_string()
                } else {
                    format!("x{i}")
                };
                out.push(format!("{name}: {:#x} vs {:#x}", self.x[i], other.x[i]));
            }
            if self.v[i] != other.v[i] {
                out.push(format!("v{i}: {:#034x} vs {:#034x}", self.v[i], other.v[i]));
            }
        }
        let scalars = [
            ("pc", self.pc, other.pc),
            ("nzcv", self.nzcv, other.nzcv),
            ("fpcr", self.fpcr, other.fpcr),
            ("fpsr", self.fpsr, other.fpsr),
            ("tpidr_el0", self.tpidr_el0, other.tpidr_el0),
            ("excl_addr", self.excl_addr, other.excl_addr),
            ("excl_val", self.excl_val, other.excl_val),
            ("excl_val2", self.excl_val2, other.excl_val2),
            ("trap_kind", self.trap_kind, other.trap_kind),
            ("trap_arg", self.trap_arg, other.trap_arg),
        ];
        for (name, a, b) in scalars {
            if a != b {
                out.push(format!("{name}: {a:#x} vs {b:#x}"));
            }
        }
        out
    }

    /// Host pointer for a guest address (no check: the mask keeps it inside the guest region).
    #[inline]
    pub fn host_addr(&self, addr: u64) -> usize {
        (self.mem_base.wrapping_add(addr & self.mem_mask)) as usize
    }
}
