//! Blocks, their exits, and the builder the frontend uses to make them.

use crate::op::*;

/// One instruction: its op and the type of the value it defines (`Void` if none).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Inst {
    pub op: Op,
    pub ty: Type,
}

/// Why a block hands control to the system model.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TrapKind {
    /// SVC #imm (resume at the next instruction).
    Svc(u16),
    /// BRK #imm.
    Brk(u16),
    /// An encoding the architecture leaves undefined: SIGILL.
    Undefined(u32),
    /// A valid encoding egret does not implement yet.
    Unimplemented(u32),
    /// Instruction fetch from an address that is not mapped executable.
    FetchFault,
    /// HLT #imm, or another instruction that stops a user-mode guest.
    Halt(u16),
    /// IC IVAU with the address in X`n` (XZR for 31): translations of that instruction cache
    /// line must go before execution resumes. Handled by the engine, not the system model.
    IcInvalidate(u8),
}

impl TrapKind {
    /// Packs a trap kind into `CpuState::{trap_kind, trap_arg}`.
    pub fn encode(self) -> (u64, u64) {
        match self {
            TrapKind::Svc(i) => (1, i as u64),
            TrapKind::Brk(i) => (2, i as u64),
            TrapKind::Undefined(w) => (3, w as u64),
            TrapKind::Unimplemented(w) => (4, w as u64),
            TrapKind::FetchFault => (5, 0),
            TrapKind::Halt(i) => (6, i as u64),
            TrapKind::IcInvalidate(n) => (7, n as u64),
        }
    }
    /// Inverse of [`TrapKind::encode`].
    pub fn decode(kind: u64, arg: u64) -> Option<TrapKind> {
        Some(match kind {
            1 => TrapKind::Svc(arg as u16),
            2 => TrapKind::Brk(arg as u16),
            3 => TrapKind::Undefined(arg as u32),
            4 => TrapKind::Unimplemented(arg as u32),
            5 => TrapKind::FetchFault,
            6 => TrapKind::Halt(arg as u16),
            7 => TrapKind::IcInvalidate(arg as u8),
            _ => return None,
        })
    }
}

/// How a block ends.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Exit {
    /// Continue at a known address (chainable).
    Jump(u64),
    /// `cond` non-zero → `taken`, else `not_taken` (both chainable).
    Branch {
        cond: Value,
        taken: u64,
        not_taken: u64,
    },
    /// Continue at a computed address (BR, BLR, RET): through the jump cache.
    Indirect(Value),
    /// Hand control to the system model. `pc` is the trapping instruction, `resume` where
    /// execution continues if the model returns.
    Trap {
        kind: TrapKind,
        pc: u64,
        resume: u64,
    },
}

/// A translated guest basic block.
#[derive(Clone, Debug)]
pub struct Block {
    /// Guest address of the first instruction.
    pub pc: u64,
    /// Guest address just past the last instruction.
    pub end: u64,
    /// Number of guest instructions.
    pub guest_insns: u32,
    pub insts: Vec<Inst>,
    pub exit: Exit,
}

impl Block {
    pub fn ty(&self, v: Value) -> Type {
        self.insts[v.index()].ty
    }
}

/// Appends instructions to a block under construction.
#[derive(Default)]
pub struct Builder {
    pub insts: Vec<Inst>,
}

impl Builder {
    pub fn new() -> Self {
        Builder {
            insts: Vec::with_capacity(64),
        }
    }
    pub fn push(&mut self, op: Op, ty: Type) -> Value {
        self.insts.push(Inst { op, ty });
        Value(self.insts.len() as u32 - 1)
    }
    pub fn ty(&self, v: Value) -> Type {
        self.insts[v.index()].ty
    }
    pub fn insn_start(&mut self, pc: u64) {
        self.push(Op::InsnStart(pc), Type::Void);
    }
    pub fn iconst(&mut self, ty: Type, v: u64) -> Value {
        let v = if ty == Type::I32 { v & 0xffff_ffff } else { v };
        self.push(Op::Const(v), ty)
    }
    pub fn c64(&mut self, v: u64) -> Value {
        self.iconst(Type::I64, v)
    }
    pub fn c32(&mut self, v: u32) -> Value {
        self.iconst(Type::I32, v as u64)
    }
    pub fn vconst(&mut self, v: u128) -> Value {
        self.push(Op::ConstV(v), Type::V128)
    }
    pub fn get(&mut self, r: Reg) -> Value {
        self.push(Op::GetReg(r), r.ty())
    }
    pub fn set(&mut self, r: Reg, v: Value) {
        self.push(Op::SetReg(r, v), Type::Void);
    }
    pub fn bin(&mut self, op: BinOp, a: Value, b: Value) -> Value {
        let ty = if op == BinOp::VPair {
            Type::V128
        } else {
            self.ty(a)
        };
        self.push(Op::Bin(op, a, b), ty)
    }
    pub fn add(&mut self, a: Value, b: Value) -> Value {
        self.bin(BinOp::Add, a, b)
    }
    pub fn sub(&mut self, a: Value, b: Value) -> Value {
        self.bin(BinOp::Sub, a, b)
    }
    pub fn and(&mut self, a: Value, b: Value) -> Value {
        self.bin(BinOp::And, a, b)
    }
    pub fn or(&mut self, a: Value, b: Value) -> Value {
        self.bin(BinOp::Or, a, b)
    }
    pub fn xor(&mut self, a: Value, b: Value) -> Value {
        self.bin(BinOp::Xor, a, b)
    }
    pub fn cmp(&mut self, op: CmpOp, a: Value, b: Value) -> Value {
        self.push(Op::Cmp(op, a, b), Type::I64)
    }
    pub fn un(&mut self, op: UnOp, a: Value) -> Value {
        let src = self.ty(a);
        let ty = match op {
            UnOp::Zext | UnOp::Sext | UnOp::VLow | UnOp::VHigh => Type::I64,
            UnOp::Trunc => Type::I32,
            UnOp::VFromLow => Type::V128,
            UnOp::Bitcast => match src {
                Type::I32 => Type::F32,
                Type::F32 => Type::I32,
                Type::I64 => Type::F64,
                Type::F64 => Type::I64,
                t => t,
            },
            _ => src,
        };
        self.push(Op::Un(op, a), ty)
    }
    pub fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        let ty = self.ty(a);
        self.push(Op::Select(c, a, b), ty)
    }
    pub fn nzcv(&mut self, op: NzcvOp, a: Value, b: Value, c: Value) -> Value {
        self.push(Op::Nzcv(op, a, b, c), Type::I64)
    }
    pub fn cond(&mut self, cond: u8, nzcv: Value) -> Value {
        self.push(Op::CondHolds(cond, nzcv), Type::I64)
    }
    pub fn load(&mut self, ty: Type, size: u8, signed: bool, addr: Value) -> Value {
        self.push(Op::Load { size, signed, addr }, ty)
    }
    pub fn store(&mut self, size: u8, addr: Value, val: Value) {
        self.push(Op::Store { size, addr, val }, Type::Void);
    }
    pub fn fp(&mut self, op: FpOp, a: Value, b: Value, c: Value) -> Value {
        let ty = if matches!(op, FpOp::Cmp | FpOp::CmpE) {
            Type::I64
        } else {
            self.ty(a)
        };
        self.push(Op::Fp(op, a, b, c), ty)
    }
    pub fn cvt(&mut self, op: CvtOp, a: Value, ty: Type) -> Value {
        self.push(Op::Cvt(op, a), ty)
    }
    pub fn vec(&mut self, op: VecOp, esize: u8, imm: u8, a: Value, b: Value, c: Value) -> Value {
        self.push(
            Op::Vec {
                op,
                esize,
                imm,
                args: [a, b, c],
            },
            Type::V128,
        )
    }
    pub fn call(&mut self, h: Helper, args: [Value; 4]) -> Value {
        self.push(Op::Call(h, args), Type::I64)
    }
    pub fn finish(self, pc: u64, end: u64, guest_insns: u32, exit: Exit) -> Block {
        Block {
            pc,
            end,
            guest_insns,
            insts: self.insts,
            exit,
        }
    }
}
