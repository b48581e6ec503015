//! The IR verifier: operands defined before use, and operand types as each op requires.

use crate::block::{Block, Exit};
use crate::op::*;

/// A verifier finding: the instruction index and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("IR verify error at v{index}: {msg}")]
pub struct VerifyError {
    pub index: usize,
    pub msg: String,
}

/// Checks that `block` is well formed.
pub fn verify(block: &Block) -> Result<(), VerifyError> {
    let err = |index: usize, msg: String| Err(VerifyError { index, msg });
    for (i, inst) in block.insts.iter().enumerate() {
        for a in inst.op.args() {
            if a.index() >= i {
                return err(i, format!("uses v{} before its definition", a.0));
            }
            if block.insts[a.index()].ty == Type::Void {
                return err(i, format!("uses v{}, which has no value", a.0));
            }
        }
        let t = |v: Value| block.insts[v.index()].ty;
        let ok = match inst.op {
            Op::InsnStart(_) | Op::Fence | Op::Store { .. } => inst.ty == Type::Void,
            Op::Const(_) => inst.ty != Type::Void && inst.ty != Type::V128,
            Op::ConstV(_) => inst.ty == Type::V128,
            Op::GetReg(r) => inst.ty == r.ty(),
            Op::SetReg(r, a) => t(a) == r.ty() && inst.ty == Type::Void,
            Op::Bin(BinOp::VPair, a, b) => t(a) == Type::I64 && t(b) == Type::I64,
            Op::Bin(BinOp::UMulH | BinOp::SMulH, a, b) => t(a) == Type::I64 && t(b) == Type::I64,
            Op::Bin(_, a, b) => t(a).is_int() && t(a) == t(b) && inst.ty == t(a),
            Op::Cmp(_, a, b) => t(a).is_int() && t(a) == t(b) && inst.ty == Type::I64,
            Op::Un(op, a) => match op {
                UnOp::Zext | UnOp::Sext => t(a) == Type::I32 && inst.ty == Type::I64,
                UnOp::Trunc => t(a) == Type::I64 && inst.ty == Type::I32,
                UnOp::Bitcast => t(a).bits() == inst.ty.bits() && t(a) != inst.ty,
                UnOp::VLow | UnOp::VHigh => t(a) == Type::V128 && inst.ty == Type::I64,
                UnOp::VFromLow => t(a) == Type::I64 && inst.ty == Type::V128,
                UnOp::Rev32 => t(a) == Type::I64 && inst.ty == Type::I64,
                _ => t(a).is_int() && inst.ty == t(a),
            },
            Op::Select(c, a, b) => t(c) == Type::I64 && t(a) == t(b) && inst.ty == t(a),
            Op::Nzcv(op, a, b, c) => {
                let carry_ok = match op {
                    NzcvOp::Adc | NzcvOp::Sbc => c != Value::NONE && t(c) == Type::I64,
                    _ => true,
                };
                t(a).is_int()
                    && (op == NzcvOp::Logic || t(b) == t(a))
                    && carry_ok
                    && inst.ty == Type::I64
            }
            Op::CondHolds(_, n) => t(n) == Type::I64,
            Op::Load { size, addr, .. } => {
                t(addr) == Type::I64
                    && matches!(size, 1 | 2 | 4 | 8 | 16)
                    && (size as u32 * 8) <= inst.ty.bits().max(8)
            }
            Op::Fp(op, a, b, c) => {
                let binary = !matches!(
                    op,
                    FpOp::Sqrt | FpOp::Neg | FpOp::Abs | FpOp::Round(_) | FpOp::RoundFpcr { .. }
                );
                let cmp = matches!(op, FpOp::Cmp | FpOp::CmpE);
                t(a).is_float()
                    && (!binary || t(b) == t(a))
                    && (op != FpOp::MulAdd || t(c) == t(a))
                    && inst.ty == if cmp { Type::I64 } else { t(a) }
            }
            Op::Cvt(op, a) => match op {
                CvtOp::FToF => t(a).is_float() && inst.ty.is_float() && t(a) != inst.ty,
                CvtOp::SToF | CvtOp::UToF | CvtOp::FixToF { .. } => {
                    t(a).is_int() && inst.ty.is_float()
                }
                CvtOp::FToS(_) | CvtOp::FToU(_) | CvtOp::FToFix { .. } => {
                    t(a).is_float() && inst.ty.is_int()
                }
            },
            Op::Vec { args, .. } => {
                args.iter().all(|&a| a == Value::NONE || t(a) == Type::V128)
                    && inst.ty == Type::V128
            }
            Op::Call(_, args) => args.iter().all(|&a| a == Value::NONE || t(a) == Type::I64),
        };
        if !ok {
            return err(
                i,
                format!(
                    "operand or result types do not fit {:?} ({})",
                    inst.op,
                    inst.ty.name()
                ),
            );
        }
    }
    let n = block.insts.len();
    let check = |v: Value, what: &str| -> Result<(), VerifyError> {
        if v.index() >= n || block.insts[v.index()].ty != Type::I64 {
            return Err(VerifyError {
                index: n,
                msg: format!("{what} must be an i64 value"),
            });
        }
        Ok(())
    };
    match block.exit {
        Exit::Branch { cond, .. } => check(cond, "branch condition"),
        Exit::Indirect(t) => check(t, "indirect target"),
        _ => Ok(()),
    }
}
