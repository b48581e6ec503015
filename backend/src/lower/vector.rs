//! Inline lowering of AdvSIMD ops onto host SIMD through Cranelift's 128-bit vector types.
//!
//! Every IR `V128` value is an `I8X16` in Cranelift; an op bitcasts its operands to the lane
//! type it needs and its result back. Pure byte permutations (ZIP/UZP/TRN/EXT/REV/DUP/INS/XTN/
//! UXTL, ...) are derived from `sem::vec` itself, so the JIT cannot disagree with the
//! interpreter on which byte goes where. Ops the host cannot do exactly (FMAX/FMIN, 64-bit
//! unsigned compares, register shifts, ...) return `None` and the caller uses `sem::vec_helper`.
//! FP lanes are computed natively; when any result lane is a NaN a cold path recomputes the
//! op with the architecture's NaN rules.

use super::Lower;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, Endianness, InstBuilder, MemFlagsData, Type as ClType, Value as ClValue,
};
use ir::state::offsets;
use ir::{sem, VecOp};

const LANES: MemFlagsData = MemFlagsData::new().with_endianness(Endianness::Little);

fn int_ty(esize: u32) -> ClType {
    match esize {
        8 => types::I8X16,
        16 => types::I16X8,
        32 => types::I32X4,
        _ => types::I64X2,
    }
}

fn float_ty(esize: u32) -> ClType {
    if esize == 32 {
        types::F32X4
    } else {
        types::F64X2
    }
}

/// For an op that only moves bytes: where each result byte comes from (1..=16: byte of `a`,
/// 17..=32: byte of `b`, 0: zero). Computed by running the reference semantics on labelled
/// inputs.
fn byte_map(op: VecOp, esize: u8, imm: u8) -> Option<[u8; 16]> {
    use VecOp::*;
    let moves_bytes = matches!(
        op,
        Zip1 | Zip2
            | Uzp1
            | Uzp2
            | Trn1
            | Trn2
            | Ext
            | Rev16
            | Rev32
            | Rev64
            | DupElem
            | InsElem
            | ZeroHigh
            | Xtn
            | Uxtl
            | DupScalar
    );
    if !moves_bytes {
        return None;
    }
    let a = u128::from_le_bytes(core::array::from_fn(|i| i as u8 + 1));
    let b = u128::from_le_bytes(core::array::from_fn(|i| i as u8 + 17));
    Some(sem::vec(op, esize, imm, a, b, 0).to_le_bytes())
}

impl Lower<'_, '_> {
    pub(super) fn vcast(&mut self, v: ClValue, ty: ClType) -> ClValue {
        if self.b.func.dfg.value_type(v) == ty {
            v
        } else {
            self.b.ins().bitcast(ty, LANES, v)
        }
    }

    pub(super) fn vconst(&mut self, bits: u128) -> ClValue {
        let c = self
            .b
            .func
            .dfg
            .constants
            .insert(bits.to_le_bytes().to_vec().into());
        self.b.ins().vconst(types::I8X16, c)
    }

    /// Low 64 bits of a vector as an I64.
    pub(super) fn vlow(&mut self, v: ClValue, lane: u8) -> ClValue {
        let d = self.vcast(v, types::I64X2);
        self.b.ins().extractlane(d, lane)
    }

    /// An I64 in the low half of a vector, upper half zero.
    pub(super) fn vfrom_low(&mut self, x: ClValue) -> ClValue {
        let v = self.b.ins().scalar_to_vector(types::I64X2, x);
        self.vcast(v, types::I8X16)
    }

    /// (low, high) I64 halves into a vector.
    pub(super) fn vpair(&mut self, lo: ClValue, hi: ClValue) -> ClValue {
        let v = self.b.ins().scalar_to_vector(types::I64X2, lo);
        let v = self.b.ins().insertlane(v, hi, 1);
        self.vcast(v, types::I8X16)
    }

    fn permute(&mut self, map: [u8; 16], a: ClValue, b: Option<ClValue>) -> ClValue {
        let uses_b = map.iter().any(|&x| x > 16);
        let has_zero = map.contains(&0);
        if !uses_b || b.is_none() {
            // Lanes 16..31 of the shuffle are a zero vector.
            let z = self.vconst(0);
            let mask: Vec<u8> = map
                .iter()
                .map(|&x| if x == 0 { 16 } else { x - 1 })
                .collect();
            let imm = self.b.func.dfg.immediates.push(mask.into());
            return self.b.ins().shuffle(a, z, imm);
        }
        let mask: Vec<u8> = map.iter().map(|&x| x.saturating_sub(1)).collect();
        let imm = self.b.func.dfg.immediates.push(mask.into());
        let r = self.b.ins().shuffle(a, b.expect("checked above"), imm);
        if has_zero {
            let keep = u128::from_le_bytes(map.map(|x| if x == 0 { 0 } else { 0xff }));
            let k = self.vconst(keep);
            self.b.ins().band(r, k)
        } else {
            r
        }
    }

    fn lanewise(&mut self, op: VecOp, esize: u32, x: ClValue, y: ClValue) -> ClValue {
        let t = int_ty(esize);
        let (x, y) = (self.vcast(x, t), self.vcast(y, t));
        let ins = self.b.ins();
        let r = match op {
            VecOp::Add | VecOp::AddP | VecOp::AddV => ins.iadd(x, y),
            VecOp::UMax | VecOp::UMaxP | VecOp::UMaxV => ins.umax(x, y),
            VecOp::UMin | VecOp::UMinP | VecOp::UMinV => ins.umin(x, y),
            VecOp::SMax | VecOp::SMaxP | VecOp::SMaxV => ins.smax(x, y),
            _ => ins.smin(x, y),
        };
        self.vcast(r, types::I8X16)
    }

    /// The op computed inline as an `I8X16`, or `None` to use the helper.
    pub(super) fn vector_op(
        &mut self,
        op: VecOp,
        esize: u8,
        imm: u8,
        args: [Option<ClValue>; 3],
    ) -> Option<ClValue> {
        use VecOp::*;
        // scalar forms of lane ops (element 0 only) and half-precision lanes go to the helper
        if op.is_fp() && (imm == 2 || esize == 16) {
            return None;
        }
        let e = esize as u32;
        let a = args[0]?;
        if let Some(map) = byte_map(op, esize, imm) {
            return Some(self.permute(map, a, args[1]));
        }
        let it = int_ty(e);
        let r = match op {
            And | Orr | Eor | Bic | Orn => {
                let b = args[1]?;
                let ins = self.b.ins();
                match op {
                    And => ins.band(a, b),
                    Orr => ins.bor(a, b),
                    Eor => ins.bxor(a, b),
                    Bic => ins.band_not(a, b),
                    _ => ins.bor_not(a, b),
                }
            }
            Not => self.b.ins().bnot(a),
            Bsl => {
                let (b, c) = (args[1]?, args[2]?);
                self.b.ins().bitselect(c, a, b)
            }
            Add | Sub | Mul | CmEq | CmGt | CmGe | CmHi | CmHs | CmTst | UMax | UMin | SMax
            | SMin | UQAdd | UQSub => {
                let small = e <= 32;
                let ok = match op {
                    Mul => e == 16 || e == 32,
                    CmHi | CmHs | UMax | UMin | SMax | SMin => small,
                    UQAdd | UQSub => e <= 16,
                    _ => true,
                };
                if !ok {
                    return None;
                }
                let x = self.vcast(a, it);
                let y = self.vcast(args[1]?, it);
                if op == CmTst {
                    let t = self.b.ins().band(x, y);
                    let z = self.vconst(0);
                    let z = self.vcast(z, it);
                    let r = self.b.ins().icmp(IntCC::NotEqual, t, z);
                    return Some(self.vcast(r, types::I8X16));
                }
                let ins = self.b.ins();
                match op {
                    Add => ins.iadd(x, y),
                    Sub => ins.isub(x, y),
                    Mul => ins.imul(x, y),
                    CmEq => ins.icmp(IntCC::Equal, x, y),
                    CmGt => ins.icmp(IntCC::SignedGreaterThan, x, y),
                    CmGe => ins.icmp(IntCC::SignedGreaterThanOrEqual, x, y),
                    CmHi => ins.icmp(IntCC::UnsignedGreaterThan, x, y),
                    CmHs => ins.icmp(IntCC::UnsignedGreaterThanOrEqual, x, y),
                    UMax => ins.umax(x, y),
                    UMin => ins.umin(x, y),
                    SMax => ins.smax(x, y),
                    SMin => ins.smin(x, y),
                    UQAdd => ins.uadd_sat(x, y),
                    _ => ins.usub_sat(x, y),
                }
            }
            Mla | Mls if e == 16 || e == 32 => {
                let x = self.vcast(a, it);
                let y = self.vcast(args[1]?, it);
                let z = self.vcast(args[2]?, it);
                let p = self.b.ins().imul(y, z);
                if op == Mla {
                    self.b.ins().iadd(x, p)
                } else {
                    self.b.ins().isub(x, p)
                }
            }
            Neg => {
                let x = self.vcast(a, it);
                self.b.ins().ineg(x)
            }
            Abs if e <= 32 => {
                let x = self.vcast(a, it);
                self.b.ins().iabs(x)
            }
            Cnt => self.b.ins().popcnt(a),
            AddP | UMaxP | UMinP | SMaxP | SMinP => {
                if op != AddP && e > 32 {
                    return None;
                }
                let b = args[1]?;
                let l = self.permute(byte_map(Uzp1, esize, imm)?, a, Some(b));
                let r = self.permute(byte_map(Uzp2, esize, imm)?, a, Some(b));
                self.lanewise(op, e, l, r)
            }
            AddV | UMaxV | UMinV | SMaxV | SMinV => {
                if e > 32 {
                    return None;
                }
                // Fold the upper half onto the lower until one element is left.
                let mut width = if imm == 1 { 64 } else { 128 };
                let mut v = a;
                while width > e {
                    let half = (width / 2 / 8) as u8;
                    let map: [u8; 16] = core::array::from_fn(|i| {
                        let src = i as u8 + half;
                        if src < 16 {
                            src + 1
                        } else {
                            0
                        }
                    });
                    let hi = self.permute(map, v, None);
                    v = self.lanewise(op, e, v, hi);
                    width /= 2;
                }
                let k = self.vconst((1u128 << e) - 1);
                self.b.ins().band(v, k)
            }
            ShlImm | UShrImm | SShrImm | ShrN => {
                let x = self.vcast(a, it);
                let sh = imm as u32;
                let r = match op {
                    SShrImm => self.b.ins().sshr_imm_u(x, sh.min(e - 1) as i64),
                    _ if sh >= e => return Some(self.vconst(0)),
                    ShlImm => self.b.ins().ishl_imm_u(x, sh as i64),
                    _ => self.b.ins().ushr_imm_u(x, sh as i64),
                };
                if op == ShrN {
                    let r = self.vcast(r, types::I8X16);
                    return Some(self.permute(byte_map(Xtn, esize, 0)?, r, None));
                }
                r
            }
            Sxtl if e <= 32 => {
                let x = self.vcast(a, it);
                self.b.ins().swiden_low(x)
            }
            UMull | SMull if e <= 32 => {
                let x = self.vcast(a, it);
                let y = self.vcast(args[1]?, it);
                let (x, y) = if op == UMull {
                    (self.b.ins().uwiden_low(x), self.b.ins().uwiden_low(y))
                } else {
                    (self.b.ins().swiden_low(x), self.b.ins().swiden_low(y))
                };
                self.b.ins().imul(x, y)
            }
            Tbl | Tbx => {
                let idx = args[1]?;
                let t = self.b.ins().swizzle(a, idx);
                if op == Tbl {
                    t
                } else {
                    let sixteen = self.vconst(u128::from_le_bytes([16; 16]));
                    let out = self
                        .b
                        .ins()
                        .icmp(IntCC::UnsignedGreaterThanOrEqual, idx, sixteen);
                    self.b.ins().bitselect(out, args[2]?, t)
                }
            }
            FNeg | FAbs => {
                // the sign bit of every lane
                let mut m = 0u128;
                for i in 0..128 / e {
                    m |= 1u128 << (e * i + e - 1);
                }
                let k = self.vconst(m);
                if op == FNeg {
                    self.b.ins().bxor(a, k)
                } else {
                    self.b.ins().band_not(a, k)
                }
            }
            FCmEq | FCmGt | FCmGe => {
                let ft = float_ty(e);
                let x = self.vcast(a, ft);
                let y = self.vcast(args[1]?, ft);
                let cc = match op {
                    FCmEq => FloatCC::Equal,
                    FCmGt => FloatCC::GreaterThan,
                    _ => FloatCC::GreaterThanOrEqual,
                };
                let r = self.b.ins().fcmp(cc, x, y);
                let rb = self.vcast(r, types::I8X16);
                // NaN operands (which may raise IOC) go to the helper
                let ord = self.b.ins().fcmp(FloatCC::Ordered, x, y);
                let ok = self.all_lanes(ord, esize, imm);
                let env = self.fp_fast_env();
                let ok = self.b.ins().band(env, ok);
                return Some(self.fp_guarded(ok, rb, |l| l.vector_helper(op, esize, imm, args)));
            }
            FAdd | FSub | FMul | FDiv | FSqrt | FMla => {
                if op == FMla && !self.has_fma {
                    return None;
                }
                let ft = float_ty(e);
                let x = self.vcast(a, ft);
                let r = match op {
                    FSqrt => self.b.ins().sqrt(x),
                    FMla => {
                        let y = self.vcast(args[1]?, ft);
                        let z = self.vcast(args[2]?, ft);
                        self.b.ins().fma(y, z, x)
                    }
                    _ => {
                        let y = self.vcast(args[1]?, ft);
                        let ins = self.b.ins();
                        match op {
                            FAdd => ins.fadd(x, y),
                            FSub => ins.fsub(x, y),
                            FMul => ins.fmul(x, y),
                            _ => ins.fdiv(x, y),
                        }
                    }
                };
                return Some(self.vec_checked(r, op, esize, imm, args));
            }
            SCvtF | UCvtF if e == 32 => {
                let x = self.vcast(a, types::I32X4);
                let r = if op == SCvtF {
                    self.b.ins().fcvt_from_sint(types::F32X4, x)
                } else {
                    self.b.ins().fcvt_from_uint(types::F32X4, x)
                };
                // only IXC can be raised, and on the fast path it is already set
                let rb = self.vcast(r, types::I8X16);
                let env = self.fp_fast_env();
                return Some(self.fp_guarded(env, rb, |l| l.vector_helper(op, esize, imm, args)));
            }
            _ => return None,
        };
        Some(self.vcast(r, types::I8X16))
    }

    /// Calls `sem::vec_helper` on the operands (through the scratch area of `CpuState`).
    pub(super) fn vector_helper(
        &mut self,
        op: VecOp,
        esize: u8,
        imm: u8,
        args: [Option<ClValue>; 3],
    ) -> ClValue {
        for (k, v) in args.iter().enumerate() {
            if let Some(v) = v {
                self.state_store(*v, offsets::SCRATCH + 16 * k);
            }
        }
        let p = self.iconst(types::I64, sem::vec_pack(op, esize, imm));
        let st = self.state;
        if self.cold {
            self.call_preserving(sem::vec_helper as *const () as usize, &[st, p]);
        } else {
            self.call_native(
                sem::vec_helper as *const () as usize,
                &[types::I64; 2],
                None,
                &[st, p],
            );
        }
        self.state_load(types::I8X16, offsets::SCRATCH)
    }

    /// Whether every lane of the comparison mask `m` is true (only the low 64 bits for the
    /// 64-bit forms, `imm` = 1).
    fn all_lanes(&mut self, m: ClValue, esize: u8, imm: u8) -> ClValue {
        let m = if imm == 1 {
            let ty = self.b.func.dfg.value_type(m);
            let upper = self.vconst(!0u128 << 64);
            let upper = self.vcast(upper, ty);
            self.b.ins().bor(m, upper)
        } else {
            m
        };
        let _ = esize;
        self.b.ins().vall_true(m)
    }

    /// `r` (float lanes) computed natively; kept when the environment allows and every lane is
    /// an ordinary number (normal, above the smallest normal), otherwise recomputed by the
    /// helper with the architecture's rules and flags.
    fn vec_checked(
        &mut self,
        r: ClValue,
        op: VecOp,
        esize: u8,
        imm: u8,
        args: [Option<ClValue>; 3],
    ) -> ClValue {
        let (ity, abs, lo, hi) = if esize == 32 {
            let rep = |x: u128| x | x << 32 | x << 64 | x << 96;
            (
                types::I32X4,
                rep(0x7fff_ffff),
                rep(0x0080_0000),
                rep(0x7f80_0000),
            )
        } else {
            let rep = |x: u128| x | x << 64;
            (
                types::I64X2,
                rep(0x7fff_ffff_ffff_ffff),
                rep(0x0010_0000_0000_0000),
                rep(0x7ff0_0000_0000_0000),
            )
        };
        let bits = self.vcast(r, ity);
        let k_abs = self.vconst(abs);
        let k_abs = self.vcast(k_abs, ity);
        let a = self.b.ins().band(bits, k_abs);
        let k_lo = self.vconst(lo);
        let k_lo = self.vcast(k_lo, ity);
        let k_hi = self.vconst(hi);
        let k_hi = self.vcast(k_hi, ity);
        let above = self.b.ins().icmp(IntCC::SignedGreaterThan, a, k_lo);
        let below = self.b.ins().icmp(IntCC::SignedLessThan, a, k_hi);
        let lanes = self.b.ins().band(above, below);
        let ok = self.all_lanes(lanes, esize, imm);
        let env = self.fp_fast_env();
        let ok = self.b.ins().band(env, ok);
        let rb = self.vcast(r, types::I8X16);
        self.fp_guarded(ok, rb, |l| l.vector_helper(op, esize, imm, args))
    }
}
