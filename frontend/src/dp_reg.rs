//! Data processing -- register: logical/add/sub (shifted, extended), ADC/SBC, conditional
//! compare and select, and the 1-, 2- and 3-source groups.

use crate::decode::{bit, bits, unsupported};
use crate::translator::{Ctx, Flow};
use ir::{BinOp, NzcvOp, Reg, UnOp, Value};

/// ShiftReg(Rm, shift, amount).
fn shifted(c: &mut Ctx, rm: u32, sf: bool, shift: u32, amount: u32) -> Value {
    let v = c.xr(rm, sf);
    if amount == 0 {
        return v;
    }
    let k = c.cw(sf, amount as u64);
    let op = match shift {
        0 => BinOp::Shl,
        1 => BinOp::LShr,
        2 => BinOp::AShr,
        _ => BinOp::RotR,
    };
    c.bin(op, v, k)
}

pub(crate) fn logical_shifted(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let opc = bits(w, 30, 29);
    let shift = bits(w, 23, 22);
    let n = bit(w, 21);
    let imm6 = bits(w, 15, 10);
    if !sf && imm6 >= 32 {
        return c.undefined();
    }
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    // MOV (register) is ORR Rd, ZR, Rm.
    let mut b = shifted(c, rm, sf, shift, imm6);
    if n {
        b = c.b.un(UnOp::Not, b);
    }
    let r = if opc == 1 && rn == 31 {
        b
    } else {
        let a = c.xr(rn, sf);
        match opc {
            0 | 3 => c.bin(BinOp::And, a, b),
            1 => c.bin(BinOp::Or, a, b),
            _ => c.bin(BinOp::Xor, a, b),
        }
    };
    if opc == 3 {
        c.set_nzcv(NzcvOp::Logic, r, Value::NONE, Value::NONE);
    }
    c.xw(rd, r);
    Flow::Next
}

fn add_sub_finish(
    c: &mut Ctx,
    sub: bool,
    s: bool,
    a: Value,
    b: Value,
    rd: u32,
    rd_is_sp: bool,
) -> Flow {
    let r = c.bin(if sub { BinOp::Sub } else { BinOp::Add }, a, b);
    if s {
        c.set_nzcv(
            if sub { NzcvOp::Sub } else { NzcvOp::Add },
            a,
            b,
            Value::NONE,
        );
    }
    if rd_is_sp && !s {
        c.xw_sp(rd, r);
    } else {
        c.xw(rd, r);
    }
    Flow::Next
}

pub(crate) fn add_sub_shifted(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let (sub, s) = (bit(w, 30), bit(w, 29));
    let shift = bits(w, 23, 22);
    let imm6 = bits(w, 15, 10);
    if shift == 3 || (!sf && imm6 >= 32) {
        return c.undefined();
    }
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let b = shifted(c, rm, sf, shift, imm6);
    let a = c.xr(rn, sf);
    add_sub_finish(c, sub, s, a, b, rd, false)
}

/// ExtendReg(Rm, option, shift).
pub(crate) fn extend_reg(c: &mut Ctx, rm: u32, option: u32, shift: u32, sf: bool) -> Value {
    let v = c.xr(rm, option & 3 == 3);
    let v = if option & 3 == 3 {
        v
    } else {
        c.b.un(UnOp::Zext, v)
    };
    // v is now I64 holding the (zero-extended) source
    let v = match option {
        0 => {
            let m = c.c64(0xff);
            c.bin(BinOp::And, v, m)
        }
        1 => {
            let m = c.c64(0xffff);
            c.bin(BinOp::And, v, m)
        }
        4 => c.b.un(UnOp::SextB, v),
        5 => c.b.un(UnOp::SextH, v),
        6 => c.b.un(UnOp::SextW, v),
        _ => v,
    };
    let v = if shift > 0 {
        let k = c.c64(shift as u64);
        c.bin(BinOp::Shl, v, k)
    } else {
        v
    };
    if sf {
        v
    } else {
        c.b.un(UnOp::Trunc, v)
    }
}

pub(crate) fn add_sub_extended(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let (sub, s) = (bit(w, 30), bit(w, 29));
    let option = bits(w, 15, 13);
    let imm3 = bits(w, 12, 10);
    if bits(w, 23, 22) != 0 || imm3 > 4 {
        return c.undefined();
    }
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let b = extend_reg(c, rm, option, imm3, sf);
    let a = c.xr_sp(rn, sf);
    add_sub_finish(c, sub, s, a, b, rd, true)
}

pub(crate) fn adc_sbc(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let (sub, s) = (bit(w, 30), bit(w, 29));
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let a = c.xr(rn, sf);
    let b0 = c.xr(rm, sf);
    let b = if sub { c.b.un(UnOp::Not, b0) } else { b0 };
    let carry = c.carry();
    let cw = if sf {
        carry
    } else {
        c.b.un(UnOp::Trunc, carry)
    };
    let t = c.bin(BinOp::Add, a, b);
    let r = c.bin(BinOp::Add, t, cw);
    if s {
        c.set_nzcv(NzcvOp::Adc, a, b, carry);
    }
    c.xw(rd, r);
    Flow::Next
}

pub(crate) fn cond_compare(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let sub = bit(w, 30);
    let cond = bits(w, 15, 12);
    let nzcv = (bits(w, 3, 0) as u64) << 28;
    let rn = bits(w, 9, 5);
    let a = c.xr(rn, sf);
    let b = if bit(w, 11) {
        c.cw(sf, bits(w, 20, 16) as u64)
    } else {
        c.xr(bits(w, 20, 16), sf)
    };
    let f = c.b.nzcv(
        if sub { NzcvOp::Sub } else { NzcvOp::Add },
        a,
        b,
        Value::NONE,
    );
    let holds = c.cond(cond);
    let k = c.c64(nzcv);
    let r = c.b.select(holds, f, k);
    c.b.set(ir::Reg::Nzcv, r);
    Flow::Next
}

pub(crate) fn cond_select(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let op = bit(w, 30);
    let o2 = bit(w, 10);
    let cond = bits(w, 15, 12);
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let a = c.xr(rn, sf);
    let m = c.xr(rm, sf);
    let b = match (op, o2) {
        (false, false) => m,
        (false, true) => {
            let one = c.cw(sf, 1);
            c.bin(BinOp::Add, m, one)
        }
        (true, false) => c.b.un(UnOp::Not, m),
        (true, true) => c.b.un(UnOp::Neg, m),
    };
    let holds = c.cond(cond);
    let r = c.b.select(holds, a, b);
    c.xw(rd, r);
    Flow::Next
}

pub(crate) fn dp3(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let op31 = bits(w, 23, 21);
    let o0 = bit(w, 15);
    let (rm, ra, rn, rd) = (
        bits(w, 20, 16),
        bits(w, 14, 10),
        bits(w, 9, 5),
        bits(w, 4, 0),
    );
    if bits(w, 30, 29) != 0 {
        return c.undefined();
    }
    let r = match op31 {
        0 => {
            // MADD / MSUB
            let a = c.xr(rn, sf);
            let b = c.xr(rm, sf);
            let p = c.bin(BinOp::Mul, a, b);
            if ra == 31 && !o0 {
                p
            } else {
                let acc = c.xr(ra, sf);
                c.bin(if o0 { BinOp::Sub } else { BinOp::Add }, acc, p)
            }
        }
        1 | 5 if sf => {
            // SMADDL/SMSUBL (1), UMADDL/UMSUBL (5)
            let a = c.xr(rn, false);
            let b = c.xr(rm, false);
            let ext = if op31 == 1 { UnOp::Sext } else { UnOp::Zext };
            let a = c.b.un(ext, a);
            let b = c.b.un(ext, b);
            let p = c.bin(BinOp::Mul, a, b);
            if ra == 31 && !o0 {
                p
            } else {
                let acc = c.xr(ra, true);
                c.bin(if o0 { BinOp::Sub } else { BinOp::Add }, acc, p)
            }
        }
        2 | 6 if sf && !o0 => {
            let a = c.xr(rn, true);
            let b = c.xr(rm, true);
            c.bin(
                if op31 == 2 {
                    BinOp::SMulH
                } else {
                    BinOp::UMulH
                },
                a,
                b,
            )
        }
        _ => return unsupported(c),
    };
    c.xw(rd, r);
    Flow::Next
}

pub(crate) fn dp2(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let opcode = bits(w, 15, 10);
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    if bit(w, 29) {
        return unsupported(c);
    }
    if opcode & 0b111000 == 0b010000 {
        // CRC32{B,H,W,X} / CRC32C{B,H,W,X}: 64-bit data only with sf = 1 and size X
        let sz = opcode & 3;
        if (sz == 3) != sf {
            return c.undefined();
        }
        let acc = c.xr(rn, false);
        let acc = c.to64(acc);
        let val = c.xr(rm, sf);
        let val = c.to64(val);
        let r = c.bin(
            BinOp::Crc32 {
                size: 1 << sz,
                c: opcode & 4 != 0,
            },
            acc,
            val,
        );
        c.xw(rd, r);
        return Flow::Next;
    }
    let op = match opcode {
        2 => BinOp::UDiv,
        3 => BinOp::SDiv,
        8 => BinOp::Shl,
        9 => BinOp::LShr,
        10 => BinOp::AShr,
        11 => BinOp::RotR,
        _ => return unsupported(c),
    };
    let a = c.xr(rn, sf);
    let b = c.xr(rm, sf);
    let r = c.bin(op, a, b);
    c.xw(rd, r);
    Flow::Next
}

pub(crate) fn dp1(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let opcode = bits(w, 15, 10);
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    if bit(w, 29) {
        return unsupported(c);
    }
    let a = c.xr(rn, sf);
    let r = match (opcode, sf) {
        (0, _) => c.b.un(UnOp::Rbit, a),
        (1, _) => c.b.un(UnOp::Rev16, a),
        (2, false) => c.b.un(UnOp::Rev, a),
        (2, true) => c.b.un(UnOp::Rev32, a),
        (3, true) => c.b.un(UnOp::Rev, a),
        (4, _) => c.b.un(UnOp::Clz, a),
        (5, _) => c.b.un(UnOp::Cls, a),
        _ => return unsupported(c),
    };
    c.xw(rd, r);
    Flow::Next
}

/// RMIF: rotate X[n] right and insert the bits `mask` selects into NZCV (FEAT_FlagM).
pub(crate) fn rmif(c: &mut Ctx, w: u32) -> Flow {
    let (shift, rn, mask) = (bits(w, 20, 15), bits(w, 9, 5), bits(w, 3, 0) as u64);
    let x = c.xr(rn, true);
    let k = c.c64(shift as u64);
    let rot = c.bin(BinOp::RotR, x, k);
    let m = c.c64(mask);
    let sel = c.bin(BinOp::And, rot, m);
    let s28 = c.c64(28);
    let ins = c.bin(BinOp::Shl, sel, s28);
    let f = c.b.get(Reg::Nzcv);
    let keep = c.c64(!(mask << 28) & 0xf000_0000);
    let kept = c.bin(BinOp::And, f, keep);
    let r = c.bin(BinOp::Or, kept, ins);
    c.b.set(Reg::Nzcv, r);
    Flow::Next
}

/// SETF8/SETF16: N, Z, V from the low byte / halfword of W[n]; C unchanged (FEAT_FlagM).
pub(crate) fn setf(c: &mut Ctx, w: u32) -> Flow {
    let top = if bit(w, 14) { 15 } else { 7 };
    let rn = bits(w, 9, 5);
    let x = c.xr(rn, true);
    let bit_at = |c: &mut Ctx, n: u64| {
        let sh = c.c64(n);
        let y = c.bin(BinOp::LShr, x, sh);
        let one = c.c64(1);
        c.bin(BinOp::And, y, one)
    };
    let n = bit_at(c, top);
    let above = bit_at(c, top + 1);
    let v = c.bin(BinOp::Xor, n, above);
    let lowmask = c.c64((1u64 << (top + 1)) - 1);
    let low = c.bin(BinOp::And, x, lowmask);
    let zero = c.c64(0);
    let z = c.b.cmp(ir::CmpOp::Eq, low, zero);
    let f = c.b.get(Reg::Nzcv);
    let ck = c.c64(1 << 29);
    let mut r = c.bin(BinOp::And, f, ck);
    for (b, sh) in [(n, 31), (z, 30), (v, 28)] {
        let k = c.c64(sh);
        let y = c.bin(BinOp::Shl, b, k);
        r = c.bin(BinOp::Or, r, y);
    }
    c.b.set(Reg::Nzcv, r);
    Flow::Next
}
