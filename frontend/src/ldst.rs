//! Loads and stores: exclusives and acquire/release, literal, pairs, single registers in every
//! addressing mode, and AdvSIMD LD1/ST1.

use crate::decode::{bit, bits, sext, unsupported};
use crate::dp_reg::extend_reg;
use crate::translator::{Ctx, Flow};
use ir::{BinOp, Helper, Op, Reg, Type, UnOp, Value, VecOp};

fn add_imm(c: &mut Ctx, base: Value, off: i64) -> Value {
    if off == 0 {
        return base;
    }
    let k = c.c64(off as u64);
    c.bin(BinOp::Add, base, k)
}

/// Loads `size` bytes into integer register `rt` (`signed32`: sign-extend to 32 bits only).
fn load_x(c: &mut Ctx, rt: u32, addr: Value, size: u8, signed: bool, signed32: bool) {
    let v = if signed32 {
        let v = c.b.load(Type::I32, size, true, addr);
        c.b.un(UnOp::Zext, v)
    } else {
        c.b.load(Type::I64, size, signed, addr)
    };
    c.xw(rt, v);
}

fn store_x(c: &mut Ctx, rt: u32, addr: Value, size: u8) {
    let v = c.xr(rt, size == 8);
    c.b.store(size, addr, v);
}

fn load_v(c: &mut Ctx, rt: u32, addr: Value, size: u8) {
    if size == 16 {
        let v = c.b.load(Type::V128, 16, false, addr);
        c.vw(rt, v);
    } else {
        let v = c.b.load(Type::I64, size, false, addr);
        c.vw_scalar(rt, v);
    }
}

fn store_v(c: &mut Ctx, rt: u32, addr: Value, size: u8) {
    let v = c.vr(rt);
    if size == 16 {
        c.b.store(16, addr, v);
    } else {
        let lo = c.b.un(UnOp::VLow, v);
        c.b.store(size, addr, lo);
    }
}

/// What a (size, V, opc) load/store is: None for unallocated, Some(None) for prefetch.
#[derive(Clone, Copy)]
enum Access {
    StoreX(u8),
    LoadX {
        size: u8,
        signed: bool,
        signed32: bool,
    },
    StoreV(u8),
    LoadV(u8),
    Prefetch,
}

fn classify(size: u32, v: bool, opc: u32) -> Option<Access> {
    let sz = 1u8 << size;
    Some(if !v {
        match opc {
            0 => Access::StoreX(sz),
            1 => Access::LoadX {
                size: sz,
                signed: false,
                signed32: false,
            },
            2 if size == 3 => Access::Prefetch,
            2 => Access::LoadX {
                size: sz,
                signed: true,
                signed32: false,
            },
            _ if size <= 1 => Access::LoadX {
                size: sz,
                signed: true,
                signed32: true,
            },
            _ => return None,
        }
    } else {
        let sz = if opc & 2 != 0 {
            if size != 0 {
                return None;
            }
            16
        } else {
            sz
        };
        if opc & 1 == 0 {
            Access::StoreV(sz)
        } else {
            Access::LoadV(sz)
        }
    })
}

fn access(c: &mut Ctx, a: Access, rt: u32, addr: Value) {
    match a {
        Access::StoreX(s) => store_x(c, rt, addr, s),
        Access::LoadX {
            size,
            signed,
            signed32,
        } => load_x(c, rt, addr, size, signed, signed32),
        Access::StoreV(s) => store_v(c, rt, addr, s),
        Access::LoadV(s) => load_v(c, rt, addr, s),
        Access::Prefetch => {}
    }
}

fn access_size(a: Access) -> u32 {
    match a {
        Access::StoreX(s) | Access::StoreV(s) | Access::LoadV(s) => s as u32,
        Access::LoadX { size, .. } => size as u32,
        Access::Prefetch => 8,
    }
}

pub(crate) fn reg_uimm(c: &mut Ctx, w: u32) -> Flow {
    let (size, v, opc) = (bits(w, 31, 30), bit(w, 26), bits(w, 23, 22));
    let Some(a) = classify(size, v, opc) else {
        return c.undefined();
    };
    let scale = access_size(a).trailing_zeros();
    let (rn, rt) = (bits(w, 9, 5), bits(w, 4, 0));
    let base = c.base(rn);
    let addr = add_imm(c, base, (bits(w, 21, 10) as i64) << scale);
    access(c, a, rt, addr);
    Flow::Next
}

pub(crate) fn reg_imm9(c: &mut Ctx, w: u32) -> Flow {
    let (size, v, opc) = (bits(w, 31, 30), bit(w, 26), bits(w, 23, 22));
    let Some(a) = classify(size, v, opc) else {
        return c.undefined();
    };
    let mode = bits(w, 11, 10);
    let imm = sext(bits(w, 20, 12), 9);
    let (rn, rt) = (bits(w, 9, 5), bits(w, 4, 0));
    let base = c.base(rn);
    match mode {
        // unscaled (LDUR/STUR) and unprivileged (LDTR/STTR, the same at EL0)
        0 | 2 => {
            let addr = add_imm(c, base, imm);
            access(c, a, rt, addr);
        }
        // post-index
        1 => {
            access(c, a, rt, base);
            let nb = add_imm(c, base, imm);
            c.xw_sp(rn, nb);
        }
        // pre-index
        _ => {
            let addr = add_imm(c, base, imm);
            access(c, a, rt, addr);
            c.xw_sp(rn, addr);
        }
    }
    Flow::Next
}

pub(crate) fn reg_offset(c: &mut Ctx, w: u32) -> Flow {
    let (size, v, opc) = (bits(w, 31, 30), bit(w, 26), bits(w, 23, 22));
    let Some(a) = classify(size, v, opc) else {
        return c.undefined();
    };
    let option = bits(w, 15, 13);
    if option & 2 == 0 {
        return c.undefined();
    }
    let s = bit(w, 12);
    let scale = access_size(a).trailing_zeros();
    let (rm, rn, rt) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let off = extend_reg(c, rm, option, if s { scale } else { 0 }, true);
    let base = c.base(rn);
    let addr = c.bin(BinOp::Add, base, off);
    access(c, a, rt, addr);
    Flow::Next
}

pub(crate) fn load_literal(c: &mut Ctx, w: u32) -> Flow {
    let (opc, v) = (bits(w, 31, 30), bit(w, 26));
    let rt = bits(w, 4, 0);
    let addr = c.pc.wrapping_add((sext(bits(w, 23, 5), 19) << 2) as u64);
    let a = c.c64(addr);
    match (v, opc) {
        (false, 0) => load_x(c, rt, a, 4, false, false),
        (false, 1) => load_x(c, rt, a, 8, false, false),
        (false, 2) => load_x(c, rt, a, 4, true, false),
        (false, _) => {} // PRFM (literal)
        (true, 0) => load_v(c, rt, a, 4),
        (true, 1) => load_v(c, rt, a, 8),
        (true, 2) => load_v(c, rt, a, 16),
        (true, _) => return c.undefined(),
    }
    Flow::Next
}

pub(crate) fn pair(c: &mut Ctx, w: u32) -> Flow {
    let (opc, v, ty, l) = (bits(w, 31, 30), bit(w, 26), bits(w, 24, 23), bit(w, 22));
    if ty > 3 {
        return unsupported(c);
    }
    let (size, signed) = match (v, opc) {
        (false, 0) => (4u8, false),
        (false, 1) if l && ty != 0 => (4, true),
        (false, 2) => (8, false),
        (true, 0) => (4, false),
        (true, 1) => (8, false),
        (true, 2) => (16, false),
        _ => return unsupported(c),
    };
    let imm = sext(bits(w, 21, 15), 7) * size as i64;
    let (rt2, rn, rt) = (bits(w, 14, 10), bits(w, 9, 5), bits(w, 4, 0));
    let base = c.base(rn);
    let addr = if ty == 1 { base } else { add_imm(c, base, imm) };
    let addr2 = add_imm(c, addr, size as i64);
    if l {
        if v {
            let a = c.b.load(
                if size == 16 { Type::V128 } else { Type::I64 },
                size,
                false,
                addr,
            );
            let b = c.b.load(
                if size == 16 { Type::V128 } else { Type::I64 },
                size,
                false,
                addr2,
            );
            if size == 16 {
                c.vw(rt, a);
                c.vw(rt2, b);
            } else {
                c.vw_scalar(rt, a);
                c.vw_scalar(rt2, b);
            }
        } else {
            let a = c.b.load(Type::I64, size, signed, addr);
            let b = c.b.load(Type::I64, size, signed, addr2);
            c.xw(rt, a);
            c.xw(rt2, b);
        }
    } else if v {
        store_v(c, rt, addr, size);
        store_v(c, rt2, addr2, size);
    } else {
        store_x(c, rt, addr, size);
        store_x(c, rt2, addr2, size);
    }
    match ty {
        1 => {
            let nb = add_imm(c, base, imm);
            c.xw_sp(rn, nb);
        }
        3 => c.xw_sp(rn, addr),
        _ => {}
    }
    Flow::Next
}

/// LDXR/STXR, LDAXR/STLXR, LDXP/STXP, LDAR/STLR, CAS.
pub(crate) fn exclusive(c: &mut Ctx, w: u32) -> Flow {
    let size = bits(w, 31, 30);
    let (o2, l, o1, o0) = (bit(w, 23), bit(w, 22), bit(w, 21), bit(w, 15));
    let (rs, rt2, rn, rt) = (
        bits(w, 20, 16),
        bits(w, 14, 10),
        bits(w, 9, 5),
        bits(w, 4, 0),
    );
    let sz = 1u8 << size;
    let addr = c.base(rn);
    match (o2, o1) {
        (false, false) => {
            if l {
                let v = c.b.load(Type::I64, sz, false, addr);
                c.xw(rt, v);
                c.b.set(Reg::ExclAddr, addr);
                c.b.set(Reg::ExclVal, v);
            } else {
                let v = c.xr(rt, true);
                let st = c.b.call(
                    Helper::StoreExclusive { size: sz },
                    [addr, v, Value::NONE, Value::NONE],
                );
                let none = c.c64(u64::MAX);
                c.b.set(Reg::ExclAddr, none);
                let st = c.b.un(UnOp::Trunc, st);
                c.xw(rs, st);
            }
            if o0 {
                c.b.push(Op::Fence, Type::Void);
            }
        }
        (false, true) if size < 2 => {
            // CASP, CASPA, CASPL, CASPAL: Rs/Rs+1 compared with the pair at [Xn], Rt/Rt+1
            // stored if both match; both old values return to Rs/Rs+1. egret runs one guest
            // thread, so the plain loads and stores are atomic.
            if rs & 1 == 1 || rt & 1 == 1 || rt2 != 31 {
                return c.undefined();
            }
            let esz = if size == 0 { 4u8 } else { 8 };
            let addr2 = add_imm(c, addr, esz as i64);
            let sf = size == 1;
            c.b.push(Op::Fence, Type::Void);
            let old_lo = c.b.load(Type::I64, esz, false, addr);
            let old_hi = c.b.load(Type::I64, esz, false, addr2);
            let exp_lo = c.xr(rs, sf);
            let exp_lo = c.to64(exp_lo);
            let exp_hi = c.xr(rs + 1, sf);
            let exp_hi = c.to64(exp_hi);
            let new_lo = c.xr(rt, sf);
            let new_lo = c.to64(new_lo);
            let new_hi = c.xr(rt + 1, sf);
            let new_hi = c.to64(new_hi);
            let eq_lo = c.b.cmp(ir::CmpOp::Eq, old_lo, exp_lo);
            let eq_hi = c.b.cmp(ir::CmpOp::Eq, old_hi, exp_hi);
            let both = c.bin(BinOp::And, eq_lo, eq_hi);
            let st_lo = c.b.select(both, new_lo, old_lo);
            let st_hi = c.b.select(both, new_hi, old_hi);
            c.b.store(esz, addr, st_lo);
            c.b.store(esz, addr2, st_hi);
            c.b.push(Op::Fence, Type::Void);
            c.xw(rs, old_lo);
            c.xw(rs + 1, old_hi);
        }
        (false, true) if size >= 2 => {
            let esz = if size == 2 { 4u8 } else { 8 };
            let addr2 = add_imm(c, addr, esz as i64);
            if l {
                let a = c.b.load(Type::I64, esz, false, addr);
                let b = c.b.load(Type::I64, esz, false, addr2);
                c.xw(rt, a);
                c.xw(rt2, b);
                c.b.set(Reg::ExclAddr, addr);
                c.b.set(Reg::ExclVal, a);
                c.b.set(Reg::ExclVal2, b);
            } else {
                let a = c.xr(rt, true);
                let b = c.xr(rt2, true);
                let st = c.b.call(
                    Helper::StoreExclusivePair { size: esz },
                    [addr, a, b, Value::NONE],
                );
                let none = c.c64(u64::MAX);
                c.b.set(Reg::ExclAddr, none);
                let st = c.b.un(UnOp::Trunc, st);
                c.xw(rs, st);
            }
        }
        (true, false) => {
            // LDAR/STLR (o0 = 1) and LDLAR/STLLR (o0 = 0): ordered plain accesses
            c.b.push(Op::Fence, Type::Void);
            if l {
                let v = c.b.load(Type::I64, sz, false, addr);
                c.xw(rt, v);
            } else {
                store_x(c, rt, addr, sz);
            }
            c.b.push(Op::Fence, Type::Void);
        }
        (true, true) if rt2 == 31 => {
            // CAS, CASA, CASL, CASAL
            let expected = c.xr(rs, true);
            let new = c.xr(rt, true);
            let old = c.b.call(
                Helper::CompareAndSwap { size: sz },
                [addr, expected, new, Value::NONE],
            );
            c.xw(rs, old);
        }
        _ => return unsupported(c),
    }
    Flow::Next
}

/// LSE atomic memory operations (LDADD, LDCLR, LDEOR, LDSET, LD[SU]MAX, LD[SU]MIN and their
/// acquire/release forms, SWP) and LDAPR (RCpc load-acquire).
pub(crate) fn atomic(c: &mut Ctx, w: u32) -> Flow {
    let size = bits(w, 31, 30);
    let (o3, opc) = (bit(w, 15), bits(w, 14, 12));
    let (rs, rn, rt) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    if bit(w, 26) {
        return c.undefined();
    }
    let sz = 1u8 << size;
    let addr = c.base(rn);
    let op = match (o3, opc) {
        (false, op) => op as u8,
        (true, 0) => 8,
        (true, 4) if bit(w, 23) && !bit(w, 22) && rs == 31 => {
            // LDAPR: a load-acquire (the weaker RCpc ordering is satisfied by a full fence)
            let v = c.b.load(Type::I64, sz, false, addr);
            c.b.push(Op::Fence, Type::Void);
            c.xw(rt, v);
            return Flow::Next;
        }
        (true, 4) => return c.undefined(),
        _ => return unsupported(c),
    };
    c.b.push(Op::Fence, Type::Void);
    let operand = c.xr(rs, true);
    let old = c.b.call(
        Helper::AtomicRmw { op, size: sz },
        [addr, operand, Value::NONE, Value::NONE],
    );
    c.b.push(Op::Fence, Type::Void);
    c.xw(rt, old);
    Flow::Next
}

/// LDAPUR*/STLUR* (RCpc, unscaled signed offset): ordered loads and stores of 1–8 bytes.
pub(crate) fn rcpc_unscaled(c: &mut Ctx, w: u32) -> Flow {
    let size = bits(w, 31, 30);
    let opc = bits(w, 23, 22);
    let (rn, rt) = (bits(w, 9, 5), bits(w, 4, 0));
    let imm = crate::decode::sext(bits(w, 20, 12), 9);
    let sz = 1u8 << size;
    let base = c.base(rn);
    let off = c.c64(imm as u64);
    let addr = c.bin(BinOp::Add, base, off);
    match opc {
        0 => {
            c.b.push(Op::Fence, Type::Void);
            store_x(c, rt, addr, sz);
        }
        1 => {
            let v = c.b.load(Type::I64, sz, false, addr);
            c.b.push(Op::Fence, Type::Void);
            c.xw(rt, v);
        }
        // LDAPURS*: sign-extend to 64 bits (opc 2) or to 32 bits (opc 3)
        2 if size < 3 => {
            let v = c.b.load(Type::I64, sz, true, addr);
            c.b.push(Op::Fence, Type::Void);
            c.xw(rt, v);
        }
        3 if size < 2 => {
            let v = c.b.load(Type::I32, sz, true, addr);
            c.b.push(Op::Fence, Type::Void);
            c.xw(rt, v);
        }
        _ => return c.undefined(),
    }
    Flow::Next
}

/// LD1/ST1 (multiple structures), one to four registers.
pub(crate) fn simd_multi(c: &mut Ctx, w: u32) -> Flow {
    let q = bit(w, 30);
    let l = bit(w, 22);
    let post = bit(w, 23);
    let opcode = bits(w, 15, 12);
    let size = bits(w, 11, 10);
    let (rm, rn, rt) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    // (registers, structure elements): LD1 with 1-4 registers, LD2/LD3/LD4.
    let (nregs, selem) = match opcode {
        0b0111 => (1, 1),
        0b1010 => (2, 1),
        0b0110 => (3, 1),
        0b0010 => (4, 1),
        0b1000 => (2, 2),
        0b0100 => (3, 3),
        0b0000 => (4, 4),
        _ => return c.undefined(),
    };
    if selem > 1 && size == 3 && !q {
        return c.undefined();
    }
    let bytes: u8 = if q { 16 } else { 8 };
    let esize = 8u32 << size;
    let base = c.base(rn);
    let total = nregs as i64 * bytes as i64;
    if selem == 1 {
        for i in 0..nregs {
            let r = (rt + i) % 32;
            let addr = add_imm(c, base, i as i64 * bytes as i64);
            if l {
                load_v(c, r, addr, bytes);
            } else {
                store_v(c, r, addr, bytes);
            }
        }
    } else if selem == 3 {
        structure3(c, l, q, esize, rt, base);
    } else {
        // LD2/LD4 de-interleave with UZP, ST2/ST4 interleave with ZIP (64-bit forms use the
        // permutes' 64-bit variant, imm = 1).
        let half = (!q) as u8;
        let perm = |c: &mut Ctx, op: VecOp, a: Value, b: Value| {
            c.b.vec(op, esize as u8, half, a, b, Value::NONE)
        };
        if l {
            let raw: Vec<Value> = (0..nregs)
                .map(|i| {
                    let addr = add_imm(c, base, i as i64 * bytes as i64);
                    load_raw_v(c, addr, bytes)
                })
                .collect();
            let out = if selem == 2 {
                vec![
                    perm(c, VecOp::Uzp1, raw[0], raw[1]),
                    perm(c, VecOp::Uzp2, raw[0], raw[1]),
                ]
            } else {
                let e0 = perm(c, VecOp::Uzp1, raw[0], raw[1]);
                let o0 = perm(c, VecOp::Uzp2, raw[0], raw[1]);
                let e1 = perm(c, VecOp::Uzp1, raw[2], raw[3]);
                let o1 = perm(c, VecOp::Uzp2, raw[2], raw[3]);
                vec![
                    perm(c, VecOp::Uzp1, e0, e1),
                    perm(c, VecOp::Uzp1, o0, o1),
                    perm(c, VecOp::Uzp2, e0, e1),
                    perm(c, VecOp::Uzp2, o0, o1),
                ]
            };
            for (i, v) in out.into_iter().enumerate() {
                c.vw((rt + i as u32) % 32, v);
            }
        } else {
            let regs: Vec<Value> = (0..nregs).map(|i| c.vr((rt + i) % 32)).collect();
            let out = if selem == 2 {
                vec![
                    perm(c, VecOp::Zip1, regs[0], regs[1]),
                    perm(c, VecOp::Zip2, regs[0], regs[1]),
                ]
            } else {
                let lo02 = perm(c, VecOp::Zip1, regs[0], regs[2]);
                let lo13 = perm(c, VecOp::Zip1, regs[1], regs[3]);
                let hi02 = perm(c, VecOp::Zip2, regs[0], regs[2]);
                let hi13 = perm(c, VecOp::Zip2, regs[1], regs[3]);
                vec![
                    perm(c, VecOp::Zip1, lo02, lo13),
                    perm(c, VecOp::Zip2, lo02, lo13),
                    perm(c, VecOp::Zip1, hi02, hi13),
                    perm(c, VecOp::Zip2, hi02, hi13),
                ]
            };
            for (i, v) in out.into_iter().enumerate() {
                let addr = add_imm(c, base, i as i64 * bytes as i64);
                store_raw_v(c, addr, v, bytes);
            }
        }
    }
    if post {
        let nb = if rm == 31 {
            add_imm(c, base, total)
        } else {
            let m = c.xr(rm, true);
            c.bin(BinOp::Add, base, m)
        };
        c.xw_sp(rn, nb);
    }
    Flow::Next
}

/// LD3/ST3 (multiple structures), element by element.
fn structure3(c: &mut Ctx, l: bool, q: bool, esize: u32, rt: u32, base: Value) {
    let ebytes = (esize / 8) as i64;
    let elems = if q { 128 / esize } else { 64 / esize };
    let mut regs: Vec<Value> = (0..3)
        .map(|r| {
            if l {
                c.b.vconst(0)
            } else {
                c.vr((rt + r) % 32)
            }
        })
        .collect();
    for e in 0..elems {
        for (r, reg) in regs.iter_mut().enumerate() {
            let addr = add_imm(c, base, (e as i64 * 3 + r as i64) * ebytes);
            if l {
                let v = c.b.load(Type::I64, ebytes as u8, false, addr);
                let vv = c.b.un(UnOp::VFromLow, v);
                *reg = c.b.vec(
                    VecOp::InsElem,
                    esize as u8,
                    (e << 4) as u8,
                    *reg,
                    vv,
                    Value::NONE,
                );
            } else {
                let x = c.b.vec(
                    VecOp::DupElem,
                    esize as u8,
                    e as u8,
                    *reg,
                    Value::NONE,
                    Value::NONE,
                );
                let lo = c.b.un(UnOp::VLow, x);
                c.b.store(ebytes as u8, addr, lo);
            }
        }
    }
    if l {
        for (r, v) in regs.into_iter().enumerate() {
            c.vw((rt + r as u32) % 32, v);
        }
    }
}

/// Loads 8 or 16 bytes as a vector (8 bytes land in the low half, the rest zero).
fn load_raw_v(c: &mut Ctx, addr: Value, bytes: u8) -> Value {
    if bytes == 16 {
        c.b.load(Type::V128, 16, false, addr)
    } else {
        let v = c.b.load(Type::I64, bytes, false, addr);
        c.b.un(UnOp::VFromLow, v)
    }
}

/// Stores the low 8 or all 16 bytes of a vector value.
fn store_raw_v(c: &mut Ctx, addr: Value, v: Value, bytes: u8) {
    if bytes == 16 {
        c.b.store(16, addr, v);
    } else {
        let lo = c.b.un(UnOp::VLow, v);
        c.b.store(bytes, addr, lo);
    }
}

/// LD1/ST1 (single structure) and LD1R.
pub(crate) fn simd_single(c: &mut Ctx, w: u32) -> Flow {
    let q = bit(w, 30);
    let l = bit(w, 22);
    let r = bit(w, 21);
    let post = bit(w, 23);
    let opcode = bits(w, 15, 13);
    let s = bit(w, 12);
    let size = bits(w, 11, 10);
    let (rm, rn, rt) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    // LD1-LD4 / ST1-ST4 (single structure) and LD1R-LD4R: `selem` consecutive registers
    let selem = ((opcode & 1) << 1 | r as u32) + 1;
    let (esize, index, replicate) = match opcode >> 1 {
        0 => (8u32, (q as u32) << 3 | (s as u32) << 2 | size, false),
        1 if size & 1 == 0 => (16, (q as u32) << 2 | (s as u32) << 1 | size >> 1, false),
        2 if size == 0 => (32, (q as u32) << 1 | s as u32, false),
        2 if size == 1 && !s => (64, q as u32, false),
        3 if l && !s => (8 << size, 0, true),
        _ => return c.undefined(),
    };
    let base = c.base(rn);
    let bytes = (esize / 8) as u8;
    for k in 0..selem {
        let t = (rt + k) % 32;
        let addr = add_imm(c, base, (k * esize / 8) as i64);
        if replicate {
            let v = c.b.load(Type::I64, bytes, false, addr);
            let vv = c.b.un(UnOp::VFromLow, v);
            let mut d = c.b.vec(
                VecOp::DupScalar,
                esize as u8,
                0,
                vv,
                Value::NONE,
                Value::NONE,
            );
            if !q {
                d = c.b.vec(VecOp::ZeroHigh, 64, 0, d, Value::NONE, Value::NONE);
            }
            c.vw(t, d);
        } else if l {
            let v = c.b.load(Type::I64, bytes, false, addr);
            let vv = c.b.un(UnOp::VFromLow, v);
            let old = c.vr(t);
            let d = c.b.vec(
                VecOp::InsElem,
                esize as u8,
                (index << 4) as u8,
                old,
                vv,
                Value::NONE,
            );
            c.vw(t, d);
        } else {
            let old = c.vr(t);
            let e = c.b.vec(
                VecOp::DupElem,
                esize as u8,
                index as u8,
                old,
                Value::NONE,
                Value::NONE,
            );
            let lo = c.b.un(UnOp::VLow, e);
            c.b.store(bytes, addr, lo);
        }
    }
    if post {
        let nb = if rm == 31 {
            add_imm(c, base, (selem * esize / 8) as i64)
        } else {
            let m = c.xr(rm, true);
            c.bin(BinOp::Add, base, m)
        };
        c.xw_sp(rn, nb);
    }
    Flow::Next
}
