//! Data processing -- scalar floating-point (single and double precision).

use crate::decode::{bit, bits, unsupported};
use crate::translator::{Ctx, Flow};
use ir::{BinOp, CvtOp, FpOp, Reg, RoundMode, Type, UnOp, Value, VecOp};

/// The FP type named by the `type` field: 00 single, 01 double (half is not implemented yet).
fn fty(w: u32) -> Option<Type> {
    match bits(w, 23, 22) {
        0 => Some(Type::F32),
        1 => Some(Type::F64),
        _ => None,
    }
}

fn rmode(r: u32) -> RoundMode {
    match r {
        0 => RoundMode::Nearest,
        1 => RoundMode::Up,
        2 => RoundMode::Down,
        _ => RoundMode::Zero,
    }
}

/// SCVTF/UCVTF/FCVTZS/FCVTZU (fixed-point): conversions with `64 - scale` fraction bits.
pub(crate) fn fp_fixed(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let (rmode, opcode) = (bits(w, 20, 19), bits(w, 18, 16));
    let scale = bits(w, 15, 10);
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    if bit(w, 29) || (!sf && scale < 32) {
        return c.undefined();
    }
    if bits(w, 23, 22) == 3 {
        return crate::fp16::fixed(c, w);
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    let fbits = (64 - scale) as u8;
    match (rmode, opcode) {
        (0, 2) | (0, 3) => {
            let x = c.xr(rn, sf);
            let op = CvtOp::FixToF {
                signed: opcode == 2,
                fbits,
            };
            let f = c.b.cvt(op, x, ft);
            c.vw_scalar(rd, f);
        }
        (3, 0) | (3, 1) => {
            let f = c.fr(rn, ft);
            let op = CvtOp::FToFix {
                signed: opcode == 0,
                fbits,
            };
            let x = c.b.cvt(op, f, Ctx::ty(sf));
            c.xw(rd, x);
        }
        _ => return c.undefined(),
    }
    Flow::Next
}

pub(crate) fn fp_int(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    if bit(w, 29) {
        return unsupported(c);
    }
    let ftype = bits(w, 23, 22);
    let rm = bits(w, 20, 19);
    let opcode = bits(w, 18, 16);
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    if ftype == 3 {
        return crate::fp16::fp_int(c, w);
    }
    if (sf, ftype, rm, opcode) == (false, 1, 3, 6) {
        // FJCVTZS (FEAT_JSCVT): JavaScript conversion, Z flag set when exact
        let v = c.vr(rn);
        let v = crate::simd::lane0(c, v, 64);
        let r = c.b.vec(VecOp::FJCvtZS, 64, 0, v, Value::NONE, Value::NONE);
        let lo = c.b.un(UnOp::VLow, r);
        let w32 = c.b.un(UnOp::Trunc, lo);
        c.xw(rd, w32);
        let sh = c.c64(32);
        let z = c.bin(BinOp::LShr, lo, sh);
        let sh30 = c.c64(30);
        let f = c.bin(BinOp::Shl, z, sh30);
        c.b.set(Reg::Nzcv, f);
        return Flow::Next;
    }
    // FMOV between general and FP registers
    if opcode >= 6 {
        match (sf, ftype, rm) {
            (false, 0, 0) | (true, 1, 0) => {
                if opcode == 6 {
                    let v = c.vr_scalar(rn, if sf { 64 } else { 32 });
                    c.xw(rd, v);
                } else {
                    let v = c.xr(rn, sf);
                    c.vw_scalar(rd, v);
                }
            }
            (true, 2, 1) => {
                if opcode == 6 {
                    let v = c.vr(rn);
                    let hi = c.b.un(UnOp::VHigh, v);
                    c.xw(rd, hi);
                } else {
                    let x = c.xr(rn, true);
                    let v = c.vr(rd);
                    let lo = c.b.un(UnOp::VLow, v);
                    let q = c.b.bin(BinOp::VPair, lo, x);
                    c.vw(rd, q);
                }
            }
            _ => return unsupported(c),
        }
        return Flow::Next;
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    let ity = Ctx::ty(sf);
    match (rm, opcode) {
        (0, 2) | (0, 3) => {
            let x = c.xr(rn, sf);
            let op = if opcode == 2 {
                CvtOp::SToF
            } else {
                CvtOp::UToF
            };
            let f = c.b.cvt(op, x, ft);
            c.vw_scalar(rd, f);
        }
        (_, 0) | (_, 1) | (0, 4) | (0, 5) => {
            let mode = if opcode >= 4 {
                RoundMode::Away
            } else {
                rmode(rm)
            };
            let f = c.fr(rn, ft);
            let op = if opcode & 1 == 0 {
                CvtOp::FToS(mode)
            } else {
                CvtOp::FToU(mode)
            };
            let x = c.b.cvt(op, f, ity);
            c.xw(rd, x);
        }
        _ => return unsupported(c),
    }
    Flow::Next
}

pub(crate) fn fp_dp1(c: &mut Ctx, w: u32) -> Flow {
    if bits(w, 23, 22) == 3 {
        return crate::fp16::dp1(c, w);
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    let opcode = bits(w, 20, 15);
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    let a = c.fr(rn, ft);
    let none = Value::NONE;
    let r = match opcode {
        0 => a,
        1 => c.b.fp(FpOp::Abs, a, none, none),
        2 => c.b.fp(FpOp::Neg, a, none, none),
        3 => c.b.fp(FpOp::Sqrt, a, none, none),
        4 | 5 => {
            let to = if opcode == 4 { Type::F32 } else { Type::F64 };
            if to == ft {
                return c.undefined();
            }
            c.b.cvt(CvtOp::FToF, a, to)
        }
        7 => return crate::fp16::to_half(c, w),
        // FRINTN, FRINTP, FRINTM, FRINTZ, FRINTA; FRINTX and FRINTI in FPCR's mode
        8..=11 => c.b.fp(FpOp::Round(rmode(opcode - 8)), a, none, none),
        12 => c.b.fp(FpOp::Round(RoundMode::Away), a, none, none),
        14 | 15 => c.b.fp(
            FpOp::RoundFpcr {
                exact: opcode == 14,
            },
            a,
            none,
            none,
        ),
        6 if ft == Type::F64 => {
            // BFCVT (FEAT_BF16, encoded with type 01): single Sn to bfloat16 under FPCR
            let v = c.vr(rn);
            let v = crate::simd::lane0(c, v, 32);
            let r = c.b.vec(VecOp::BfCvtN, 32, 0, v, none, none);
            let r = crate::simd::lane0(c, r, 16);
            c.vw(rd, r);
            return Flow::Next;
        }
        16..=19 => {
            // FRINT32Z, FRINT32X, FRINT64Z, FRINT64X (FEAT_FRINTTS)
            let op = [
                VecOp::FRint32Z,
                VecOp::FRint32X,
                VecOp::FRint64Z,
                VecOp::FRint64X,
            ][(opcode - 16) as usize];
            let e = ft.bits();
            let v = c.vr(rn);
            let v = crate::simd::lane0(c, v, e);
            let r = c.b.vec(op, e as u8, 2, v, none, none);
            let r = crate::simd::lane0(c, r, e);
            c.vw(rd, r);
            return Flow::Next;
        }
        _ => return unsupported(c),
    };
    c.vw_scalar(rd, r);
    Flow::Next
}

pub(crate) fn fp_compare(c: &mut Ctx, w: u32) -> Flow {
    if bits(w, 23, 22) == 3 {
        return crate::fp16::compare(c, w);
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    let (rm, rn) = (bits(w, 20, 16), bits(w, 9, 5));
    let a = c.fr(rn, ft);
    let b = if bit(w, 3) {
        let z = c.b.iconst(
            if ft == Type::F32 {
                Type::I32
            } else {
                Type::I64
            },
            0,
        );
        c.b.un(UnOp::Bitcast, z)
    } else {
        c.fr(rm, ft)
    };
    // FCMPE: quiet NaNs raise Invalid Operation too
    let op = if bit(w, 4) { FpOp::CmpE } else { FpOp::Cmp };
    let f = c.b.fp(op, a, b, Value::NONE);
    c.b.set(Reg::Nzcv, f);
    Flow::Next
}

/// VFPExpandImm.
fn expand_imm(imm8: u32, ft: Type) -> u64 {
    let sign = (imm8 >> 7) as u64;
    let b6 = (imm8 >> 6) & 1;
    let low6 = (imm8 & 0x3f) as u64;
    if ft == Type::F32 {
        let exp = ((b6 ^ 1) << 7) | (if b6 == 1 { 0x7c } else { 0 }) | ((imm8 >> 4) & 3);
        (sign << 31) | ((exp as u64) << 23) | ((low6 & 0xf) << 19)
    } else {
        let exp = ((b6 ^ 1) << 10) | (if b6 == 1 { 0x3fc } else { 0 }) | ((imm8 >> 4) & 3);
        (sign << 63) | ((exp as u64) << 52) | ((low6 & 0xf) << 48)
    }
}

pub(crate) fn fp_imm(c: &mut Ctx, w: u32) -> Flow {
    if bits(w, 23, 22) == 3 {
        return crate::fp16::imm(c, w);
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    if bits(w, 9, 5) != 0 {
        return c.undefined();
    }
    let v = expand_imm(bits(w, 20, 13), ft);
    let k = c.c64(v);
    c.vw_scalar(bits(w, 4, 0), k);
    Flow::Next
}

pub(crate) fn fp_ccmp(c: &mut Ctx, w: u32) -> Flow {
    if bits(w, 23, 22) == 3 {
        return crate::fp16::ccmp(c, w);
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    let (rm, rn) = (bits(w, 20, 16), bits(w, 9, 5));
    let cond = bits(w, 15, 12);
    let a = c.fr(rn, ft);
    let b = c.fr(rm, ft);
    // the compare (and the exceptions it raises) happens only when the condition holds: when it
    // does not, two zeros are compared instead, which raises nothing
    let holds = c.cond(cond);
    let z = c.b.iconst(
        if ft == Type::F32 {
            Type::I32
        } else {
            Type::I64
        },
        0,
    );
    let zero = c.b.un(UnOp::Bitcast, z);
    let a = c.b.select(holds, a, zero);
    let b = c.b.select(holds, b, zero);
    let op = if bit(w, 4) { FpOp::CmpE } else { FpOp::Cmp };
    let f = c.b.fp(op, a, b, Value::NONE);
    let k = c.c64((bits(w, 3, 0) as u64) << 28);
    let r = c.b.select(holds, f, k);
    c.b.set(Reg::Nzcv, r);
    Flow::Next
}

pub(crate) fn fp_dp2(c: &mut Ctx, w: u32) -> Flow {
    if bits(w, 23, 22) == 3 {
        return crate::fp16::dp2(c, w);
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let op = match bits(w, 15, 12) {
        0 | 8 => FpOp::Mul,
        1 => FpOp::Div,
        2 => FpOp::Add,
        3 => FpOp::Sub,
        4 => FpOp::Max,
        5 => FpOp::Min,
        6 => FpOp::MaxNm,
        7 => FpOp::MinNm,
        _ => return unsupported(c),
    };
    let a = c.fr(rn, ft);
    let b = c.fr(rm, ft);
    let mut r = c.b.fp(op, a, b, Value::NONE);
    if bits(w, 15, 12) == 8 {
        r = c.b.fp(FpOp::Neg, r, Value::NONE, Value::NONE);
    }
    c.vw_scalar(rd, r);
    Flow::Next
}

pub(crate) fn fp_csel(c: &mut Ctx, w: u32) -> Flow {
    if bits(w, 23, 22) == 3 {
        return crate::fp16::csel(c, w);
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let a = c.fr(rn, ft);
    let b = c.fr(rm, ft);
    let holds = c.cond(bits(w, 15, 12));
    let r = c.b.select(holds, a, b);
    c.vw_scalar(rd, r);
    Flow::Next
}

pub(crate) fn fp_dp3(c: &mut Ctx, w: u32) -> Flow {
    if bits(w, 23, 22) == 3 {
        return crate::fp16::dp3(c, w);
    }
    // type 10 is unallocated (11, half precision, is handled before)
    let Some(ft) = fty(w) else {
        return c.undefined();
    };
    let (o1, o0) = (bit(w, 21), bit(w, 15));
    let (rm, ra, rn, rd) = (
        bits(w, 20, 16),
        bits(w, 14, 10),
        bits(w, 9, 5),
        bits(w, 4, 0),
    );
    let none = Value::NONE;
    let mut n = c.fr(rn, ft);
    let m = c.fr(rm, ft);
    let mut a = c.fr(ra, ft);
    // FMSUB and FNMADD negate the product operand; FNMADD and FNMSUB negate the addend.
    if o0 != o1 {
        n = c.b.fp(FpOp::Neg, n, none, none);
    }
    if o1 {
        a = c.b.fp(FpOp::Neg, a, none, none);
    }
    let r = c.b.fp(FpOp::MulAdd, n, m, a);
    c.vw_scalar(rd, r);
    Flow::Next
}
