//! Block translation: the per-instruction context and the loop that builds a block.

use crate::decode;
use ir::{BinOp, Block, Builder, Exit, NzcvOp, Reg, TrapKind, Type, UnOp, Value};

/// Longest block, in guest instructions.
pub const MAX_BLOCK_INSNS: u32 = 128;

/// Reads one instruction word; `None` if the address is not mapped executable.
pub trait Fetch {
    fn fetch(&mut self, pc: u64) -> Option<u32>;
}

impl<F: FnMut(u64) -> Option<u32>> Fetch for F {
    fn fetch(&mut self, pc: u64) -> Option<u32> {
        self(pc)
    }
}

/// What translating one instruction did.
pub(crate) enum Flow {
    /// Fall through to the next instruction.
    Next,
    /// The instruction ends the block with this exit.
    End(Exit),
}

/// Translation context for one instruction.
pub(crate) struct Ctx {
    pub b: Builder,
    pub pc: u64,
    pub insn: u32,
}

impl Ctx {
    pub fn c64(&mut self, v: u64) -> Value {
        self.b.c64(v)
    }
    pub fn cw(&mut self, sf: bool, v: u64) -> Value {
        if sf {
            self.b.c64(v)
        } else {
            self.b.c32(v as u32)
        }
    }
    pub fn ty(sf: bool) -> Type {
        if sf {
            Type::I64
        } else {
            Type::I32
        }
    }
    /// X[n] or W[n] with register 31 reading as zero.
    pub fn xr(&mut self, n: u32, sf: bool) -> Value {
        if n == 31 {
            return self.cw(sf, 0);
        }
        let v = self.b.get(Reg::X(n as u8));
        if sf {
            v
        } else {
            self.b.un(UnOp::Trunc, v)
        }
    }
    /// X[n]/W[n] with register 31 as SP.
    pub fn xr_sp(&mut self, n: u32, sf: bool) -> Value {
        let v = self.b.get(Reg::X(n as u8));
        if sf {
            v
        } else {
            self.b.un(UnOp::Trunc, v)
        }
    }
    /// Writes X[n] (W values zero-extend); register 31 discards.
    pub fn xw(&mut self, n: u32, v: Value) {
        if n != 31 {
            self.xw_sp(n, v)
        }
    }
    /// Writes X[n] with register 31 as SP.
    pub fn xw_sp(&mut self, n: u32, v: Value) {
        let v = if self.b.ty(v) == Type::I32 {
            self.b.un(UnOp::Zext, v)
        } else {
            v
        };
        self.b.set(Reg::X(n as u8), v);
    }
    /// Base address register for loads/stores (31 = SP), as I64.
    pub fn base(&mut self, n: u32) -> Value {
        self.b.get(Reg::X(n as u8))
    }
    pub fn to64(&mut self, v: Value) -> Value {
        if self.b.ty(v) == Type::I32 {
            self.b.un(UnOp::Zext, v)
        } else {
            v
        }
    }
    pub fn bin(&mut self, op: BinOp, a: Value, b: Value) -> Value {
        self.b.bin(op, a, b)
    }
    pub fn set_nzcv(&mut self, op: NzcvOp, a: Value, b: Value, c: Value) {
        let f = self.b.nzcv(op, a, b, c);
        self.b.set(Reg::Nzcv, f);
    }
    /// Current carry flag as I64 0/1.
    pub fn carry(&mut self) -> Value {
        let n = self.b.get(Reg::Nzcv);
        let s = self.c64(29);
        let t = self.b.bin(BinOp::LShr, n, s);
        let one = self.c64(1);
        self.b.bin(BinOp::And, t, one)
    }
    /// ConditionHolds(cond) as I64 0/1.
    pub fn cond(&mut self, cond: u32) -> Value {
        if cond >= 14 {
            return self.c64(1);
        }
        let n = self.b.get(Reg::Nzcv);
        self.b.cond(cond as u8, n)
    }
    /// V[n] as a 128-bit value.
    pub fn vr(&mut self, n: u32) -> Value {
        self.b.get(Reg::V(n as u8))
    }
    pub fn vw(&mut self, n: u32, v: Value) {
        self.b.set(Reg::V(n as u8), v);
    }
    /// Low `bits` of V[n] as an integer (I32 for 8/16/32, I64 for 64).
    pub fn vr_scalar(&mut self, n: u32, bits: u32) -> Value {
        let v = self.vr(n);
        let lo = self.b.un(UnOp::VLow, v);
        match bits {
            64 => lo,
            32 => self.b.un(UnOp::Trunc, lo),
            _ => {
                let t = self.b.un(UnOp::Trunc, lo);
                let m = self.b.c32(((1u64 << bits) - 1) as u32);
                self.b.and(t, m)
            }
        }
    }
    /// Writes a scalar into V[n], zeroing the rest of the register.
    pub fn vw_scalar(&mut self, n: u32, v: Value) {
        let v = match self.b.ty(v) {
            Type::F32 | Type::F64 => self.b.un(UnOp::Bitcast, v),
            _ => v,
        };
        let v64 = self.to64(v);
        let q = self.b.un(UnOp::VFromLow, v64);
        self.vw(n, q);
    }
    /// FP register of the given type (`F32`/`F64`).
    pub fn fr(&mut self, n: u32, ty: Type) -> Value {
        let bits = ty.bits();
        let i = self.vr_scalar(n, bits);
        self.b.un(UnOp::Bitcast, i)
    }
    pub fn undefined(&self) -> Flow {
        Flow::End(Exit::Trap {
            kind: TrapKind::Undefined(self.insn),
            pc: self.pc,
            resume: self.pc,
        })
    }
}

/// Translates the block starting at `pc`.
pub fn translate_block(fetch: &mut dyn Fetch, pc: u64) -> Block {
    let mut ctx = Ctx {
        b: Builder::new(),
        pc,
        insn: 0,
    };
    let mut n = 0u32;
    loop {
        let here = pc + 4 * n as u64;
        let word = match fetch.fetch(here) {
            Some(w) => w,
            None => {
                let exit = if n == 0 {
                    Exit::Trap {
                        kind: TrapKind::FetchFault,
                        pc: here,
                        resume: here,
                    }
                } else {
                    Exit::Jump(here)
                };
                return ctx.b.finish(pc, here, n, exit);
            }
        };
        ctx.pc = here;
        ctx.insn = word;
        let mark = ctx.b.insts.len();
        ctx.b.insn_start(here);
        let flow = decode::translate_insn(&mut ctx, word);
        n += 1;
        let next = here + 4;
        match flow {
            Flow::Next => {
                if n >= MAX_BLOCK_INSNS || next & 0xfff == 0 {
                    return ctx.b.finish(pc, next, n, Exit::Jump(next));
                }
            }
            Flow::End(exit) => {
                // A trap that is not a system call stops before the instruction: drop any IR
                // the instruction emitted so the state is as it was at its start.
                if let Exit::Trap { kind, .. } = exit {
                    if !matches!(kind, TrapKind::Svc(_)) {
                        ctx.b.insts.truncate(mark + 1);
                    }
                }
                return ctx.b.finish(pc, next, n, exit);
            }
        }
    }
}
