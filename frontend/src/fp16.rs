//! Scalar half-precision floating point (FEAT_FP16): the scalar FP classes with type = 11.
//! Values live in element 0 of a vector register; the arithmetic is the AdvSIMD lane ops with
//! 16-bit elements on element 0 (`imm` = 2), so both engines use the exact `ir::softfp` code.

use crate::decode::{bit, bits, unsupported};
use crate::simd::lane0;
use crate::translator::{Ctx, Flow};
use ir::{BinOp, Reg, UnOp, Value, VecOp};

const N: Value = Value::NONE;

/// H[n]: element 0 of V[n], the rest zero.
fn h(c: &mut Ctx, n: u32) -> Value {
    let v = c.vr(n);
    lane0(c, v, 16)
}

/// Writes H[d] (the rest of the register zero).
fn hw(c: &mut Ctx, d: u32, v: Value) {
    let r = lane0(c, v, 16);
    c.vw(d, r);
}

fn op2(c: &mut Ctx, op: VecOp, a: Value, b: Value) -> Value {
    c.b.vec(op, 16, 2, a, b, N)
}

fn neg(c: &mut Ctx, a: Value) -> Value {
    c.b.vec(VecOp::FNeg, 16, 0, a, N, N)
}

/// FP data-processing (1 source) on halves.
pub(crate) fn dp1(c: &mut Ctx, w: u32) -> Flow {
    let opcode = bits(w, 20, 15);
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    let a = h(c, rn);
    let op = match opcode {
        0 => {
            hw(c, rd, a);
            return Flow::Next;
        }
        1 => VecOp::FAbs,
        2 => VecOp::FNeg,
        3 => VecOp::FSqrt,
        4 | 5 => {
            // FCVT to single / double
            let r = c.b.vec(VecOp::HCvt, 16, (opcode - 4) as u8, a, N, N);
            let r = lane0(c, r, if opcode == 4 { 32 } else { 64 });
            c.vw(rd, r);
            return Flow::Next;
        }
        8 => VecOp::FRintN,
        9 => VecOp::FRintP,
        10 => VecOp::FRintM,
        11 => VecOp::FRintZ,
        12 => VecOp::FRintA,
        14 => VecOp::FRintX,
        15 => VecOp::FRintI,
        _ => return c.undefined(),
    };
    let imm = if matches!(op, VecOp::FAbs | VecOp::FNeg) {
        0
    } else {
        2
    };
    let r = c.b.vec(op, 16, imm, a, N, N);
    hw(c, rd, r);
    Flow::Next
}

/// FCVT from single or double to half (1-source opcode 7 with type 00/01).
pub(crate) fn to_half(c: &mut Ctx, w: u32) -> Flow {
    let ty = bits(w, 23, 22);
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    let v = c.vr(rn);
    let src = lane0(c, v, if ty == 0 { 32 } else { 64 });
    let r =
        c.b.vec(VecOp::HCvt, 16, if ty == 0 { 2 } else { 3 }, src, N, N);
    hw(c, rd, r);
    Flow::Next
}

/// FP data-processing (2 source) on halves.
pub(crate) fn dp2(c: &mut Ctx, w: u32) -> Flow {
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let opc = bits(w, 15, 12);
    let op = match opc {
        0 | 8 => VecOp::FMul,
        1 => VecOp::FDiv,
        2 => VecOp::FAdd,
        3 => VecOp::FSub,
        4 => VecOp::FMax,
        5 => VecOp::FMin,
        6 => VecOp::FMaxNm,
        7 => VecOp::FMinNm,
        _ => return unsupported(c),
    };
    let a = h(c, rn);
    let b = h(c, rm);
    let mut r = op2(c, op, a, b);
    if opc == 8 {
        r = neg(c, r);
    }
    hw(c, rd, r);
    Flow::Next
}

/// FMADD/FMSUB/FNMADD/FNMSUB on halves.
pub(crate) fn dp3(c: &mut Ctx, w: u32) -> Flow {
    let (o1, o0) = (bit(w, 21), bit(w, 15));
    let (rm, ra, rn, rd) = (
        bits(w, 20, 16),
        bits(w, 14, 10),
        bits(w, 9, 5),
        bits(w, 4, 0),
    );
    let mut n = h(c, rn);
    let m = h(c, rm);
    let mut a = h(c, ra);
    if o0 != o1 {
        n = neg(c, n);
    }
    if o1 {
        a = neg(c, a);
    }
    let r = c.b.vec(VecOp::FMla, 16, 2, a, n, m);
    hw(c, rd, r);
    Flow::Next
}

/// FCMP/FCMPE on halves.
pub(crate) fn compare(c: &mut Ctx, w: u32) -> Flow {
    let (rm, rn) = (bits(w, 20, 16), bits(w, 9, 5));
    let a = h(c, rn);
    let b = if bit(w, 3) { c.b.vconst(0) } else { h(c, rm) };
    let r = c.b.vec(VecOp::HCmp, 16, bit(w, 4) as u8, a, b, N);
    let f = c.b.un(UnOp::VLow, r);
    c.b.set(Reg::Nzcv, f);
    Flow::Next
}

/// FCCMP/FCCMPE on halves: the compare happens (and raises) only when the condition holds.
pub(crate) fn ccmp(c: &mut Ctx, w: u32) -> Flow {
    let (rm, rn) = (bits(w, 20, 16), bits(w, 9, 5));
    let holds = c.cond(bits(w, 15, 12));
    let zero = c.b.vconst(0);
    let a = h(c, rn);
    let b = h(c, rm);
    let a = c.b.select(holds, a, zero);
    let b = c.b.select(holds, b, zero);
    let r = c.b.vec(VecOp::HCmp, 16, bit(w, 4) as u8, a, b, N);
    let f = c.b.un(UnOp::VLow, r);
    let k = c.c64((bits(w, 3, 0) as u64) << 28);
    let f = c.b.select(holds, f, k);
    c.b.set(Reg::Nzcv, f);
    Flow::Next
}

/// FCSEL on halves.
pub(crate) fn csel(c: &mut Ctx, w: u32) -> Flow {
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let a = h(c, rn);
    let b = h(c, rm);
    let holds = c.cond(bits(w, 15, 12));
    let r = c.b.select(holds, a, b);
    c.vw(rd, r);
    Flow::Next
}

/// FMOV (scalar, immediate) to a half.
pub(crate) fn imm(c: &mut Ctx, w: u32) -> Flow {
    if bits(w, 9, 5) != 0 {
        return c.undefined();
    }
    let imm8 = bits(w, 20, 13) as u128;
    let b6 = imm8 >> 6 & 1;
    let exp = (b6 ^ 1) << 4 | (if b6 == 1 { 3 } else { 0 }) << 2 | (imm8 >> 4 & 3);
    let v = (imm8 >> 7) << 15 | exp << 10 | (imm8 & 15) << 6;
    let r = c.b.vconst(v);
    c.vw(bits(w, 4, 0), r);
    Flow::Next
}

/// Conversions and moves between halves and general registers.
pub(crate) fn fp_int(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let rmode = bits(w, 20, 19);
    let opcode = bits(w, 18, 16);
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    match (rmode, opcode) {
        (0, 6) => {
            // FMOV W/X, H: the 16 bits, zero-extended
            let v = c.vr(rn);
            let lo = c.b.un(UnOp::VLow, v);
            let m = c.c64(0xffff);
            let x = c.bin(BinOp::And, lo, m);
            c.xw(rd, x);
        }
        (0, 7) => {
            // FMOV H, W/X: the low 16 bits
            let x = c.xr(rn, true);
            let m = c.c64(0xffff);
            let x = c.bin(BinOp::And, x, m);
            let v = c.b.un(UnOp::VFromLow, x);
            c.vw(rd, v);
        }
        (0, 2 | 3) => {
            let x = c.xr(rn, sf);
            let x = c.to64(x);
            let v = c.b.un(UnOp::VFromLow, x);
            let imm = (opcode == 2) as u8 | (sf as u8) << 1;
            let r = c.b.vec(VecOp::HFromInt, 16, imm, v, N, N);
            hw(c, rd, r);
        }
        (_, 0 | 1) | (0, 4 | 5) => {
            let mode = if opcode >= 4 {
                4
            } else {
                [0, 1, 2, 3][rmode as usize]
            };
            let a = h(c, rn);
            let imm = mode | ((opcode & 1 == 0) as u8) << 3 | (sf as u8) << 4;
            let r = c.b.vec(VecOp::HToInt, 16, imm, a, N, N);
            let x = c.b.un(UnOp::VLow, r);
            let x = if sf { x } else { c.b.un(UnOp::Trunc, x) };
            c.xw(rd, x);
        }
        _ => return unsupported(c),
    }
    Flow::Next
}

/// SCVTF/UCVTF/FCVTZS/FCVTZU between halves and fixed-point general registers.
pub(crate) fn fixed(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let (rmode, opcode) = (bits(w, 20, 19), bits(w, 18, 16));
    let scale = bits(w, 15, 10);
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    let fbits = (64 - scale) as u8;
    let ibits = if sf { 64 } else { 32 };
    match (rmode, opcode) {
        (0, 2 | 3) => {
            let x = c.xr(rn, sf);
            let x = c.to64(x);
            let v = c.b.un(UnOp::VFromLow, x);
            let op = if opcode == 2 {
                VecOp::HFromFixS
            } else {
                VecOp::HFromFixU
            };
            let r = c.b.vec(op, ibits, fbits, v, N, N);
            hw(c, rd, r);
        }
        (3, 0 | 1) => {
            let a = h(c, rn);
            let op = if opcode == 0 {
                VecOp::HToFixS
            } else {
                VecOp::HToFixU
            };
            let r = c.b.vec(op, ibits, fbits, a, N, N);
            let x = c.b.un(UnOp::VLow, r);
            let x = if sf { x } else { c.b.un(UnOp::Trunc, x) };
            c.xw(rd, x);
        }
        _ => return c.undefined(),
    }
    Flow::Next
}
