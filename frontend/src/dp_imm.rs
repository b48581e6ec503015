//! Data processing -- immediate: ADR/ADRP, ADD/SUB, logical, move wide, bitfield, EXTR.

use crate::decode::{bit, bits, sext};
use crate::translator::{Ctx, Flow};
use ir::{BinOp, NzcvOp, Value};

pub(crate) fn adr(c: &mut Ctx, w: u32) -> Flow {
    let imm = sext(bits(w, 23, 5) << 2 | bits(w, 30, 29), 21);
    let rd = bits(w, 4, 0);
    let v = if bit(w, 31) {
        (c.pc & !0xfff).wrapping_add((imm << 12) as u64)
    } else {
        c.pc.wrapping_add(imm as u64)
    };
    let k = c.c64(v);
    c.xw(rd, k);
    Flow::Next
}

pub(crate) fn add_sub_imm(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let sub = bit(w, 30);
    let s = bit(w, 29);
    let sh = bit(w, 22);
    let imm = (bits(w, 21, 10) as u64) << if sh { 12 } else { 0 };
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    let a = c.xr_sp(rn, sf);
    let b = c.cw(sf, imm);
    let r = c.bin(if sub { BinOp::Sub } else { BinOp::Add }, a, b);
    if s {
        c.set_nzcv(
            if sub { NzcvOp::Sub } else { NzcvOp::Add },
            a,
            b,
            Value::NONE,
        );
        c.xw(rd, r);
    } else {
        c.xw_sp(rd, r);
    }
    Flow::Next
}

/// DecodeBitMasks(N, imms, immr, immediate=true) → (wmask, tmask), or None if reserved.
pub(crate) fn decode_bit_masks(
    n: bool,
    imms: u32,
    immr: u32,
    immediate: bool,
    datasize: u32,
) -> Option<(u64, u64)> {
    let combined = ((n as u32) << 6) | (!imms & 0x3f);
    if combined == 0 {
        return None;
    }
    let len = 31 - combined.leading_zeros();
    if len < 1 || (1 << len) > datasize {
        return None;
    }
    let levels = (1u32 << len) - 1;
    if immediate && (imms & levels) == levels {
        return None;
    }
    let s = imms & levels;
    let r = immr & levels;
    let diff = s.wrapping_sub(r) & levels;
    let esize = 1u32 << len;
    let ones = |k: u32| if k >= 64 { u64::MAX } else { (1u64 << k) - 1 };
    let welem = ones(s + 1);
    let telem = ones(diff + 1);
    let ror = |x: u64, r: u32| {
        if r == 0 {
            x
        } else {
            ((x >> r) | (x << (esize - r))) & ones(esize)
        }
    };
    let welem = ror(welem, r);
    let mut wmask = 0u64;
    let mut tmask = 0u64;
    let mut i = 0;
    while i < datasize {
        wmask |= welem << i;
        tmask |= telem << i;
        i += esize;
    }
    Some((wmask & ones(datasize), tmask & ones(datasize)))
}

pub(crate) fn logical_imm(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let opc = bits(w, 30, 29);
    let n = bit(w, 22);
    if !sf && n {
        return c.undefined();
    }
    let datasize = if sf { 64 } else { 32 };
    let Some((imm, _)) = decode_bit_masks(n, bits(w, 15, 10), bits(w, 21, 16), true, datasize)
    else {
        return c.undefined();
    };
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    let a = c.xr(rn, sf);
    let b = c.cw(sf, imm);
    let r = match opc {
        0 | 3 => c.bin(BinOp::And, a, b),
        1 => c.bin(BinOp::Or, a, b),
        _ => c.bin(BinOp::Xor, a, b),
    };
    if opc == 3 {
        c.set_nzcv(NzcvOp::Logic, r, Value::NONE, Value::NONE);
        c.xw(rd, r);
    } else {
        c.xw_sp(rd, r);
    }
    Flow::Next
}

pub(crate) fn move_wide(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let opc = bits(w, 30, 29);
    let hw = bits(w, 22, 21);
    if opc == 1 || (!sf && hw >= 2) {
        return c.undefined();
    }
    let pos = hw * 16;
    let imm = (bits(w, 20, 5) as u64) << pos;
    let rd = bits(w, 4, 0);
    let r = match opc {
        0 => c.cw(sf, !imm),
        2 => c.cw(sf, imm),
        _ => {
            let old = c.xr(rd, sf);
            let m = c.cw(sf, !(0xffffu64 << pos));
            let kept = c.bin(BinOp::And, old, m);
            let k = c.cw(sf, imm);
            c.bin(BinOp::Or, kept, k)
        }
    };
    c.xw(rd, r);
    Flow::Next
}

pub(crate) fn bitfield(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let opc = bits(w, 30, 29);
    let n = bit(w, 22);
    if opc == 3 || sf != n {
        return c.undefined();
    }
    let datasize = if sf { 64 } else { 32 };
    let (immr, imms) = (bits(w, 21, 16), bits(w, 15, 10));
    if !sf && (immr >= 32 || imms >= 32) {
        return c.undefined();
    }
    let Some((wmask, tmask)) = decode_bit_masks(n, imms, immr, false, datasize) else {
        return c.undefined();
    };
    let (rn, rd) = (bits(w, 9, 5), bits(w, 4, 0));
    let src = c.xr(rn, sf);
    // Fast forms: LSL/LSR/ASR/UBFX/SBFX/UXT*/SXT* all reduce to shifts.
    let inzero = opc != 1; // BFM keeps destination bits
    let extend = opc == 0; // SBFM
    let dst = if inzero { c.cw(sf, 0) } else { c.xr(rd, sf) };
    // bot = (dst AND NOT wmask) OR (ROR(src, R) AND wmask)
    let rot = if immr == 0 {
        src
    } else {
        let k = c.cw(sf, immr as u64);
        c.bin(BinOp::RotR, src, k)
    };
    let wm = c.cw(sf, wmask);
    let nwm = c.cw(sf, !wmask);
    let t1 = c.bin(BinOp::And, dst, nwm);
    let t2 = c.bin(BinOp::And, rot, wm);
    let bot = c.bin(BinOp::Or, t1, t2);
    // top = if extend then Replicate(src<S>) else dst
    let top = if extend {
        let sh = c.cw(sf, (datasize - 1 - imms) as u64);
        let up = c.bin(BinOp::Shl, src, sh);
        let sh2 = c.cw(sf, (datasize - 1) as u64);
        c.bin(BinOp::AShr, up, sh2)
    } else {
        dst
    };
    // result = (top AND NOT tmask) OR (bot AND tmask)
    let tm = c.cw(sf, tmask);
    let ntm = c.cw(sf, !tmask);
    let a = c.bin(BinOp::And, top, ntm);
    let b = c.bin(BinOp::And, bot, tm);
    let r = c.bin(BinOp::Or, a, b);
    c.xw(rd, r);
    Flow::Next
}

pub(crate) fn extr(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let n = bit(w, 22);
    let imms = bits(w, 15, 10);
    if sf != n || (!sf && imms >= 32) {
        return c.undefined();
    }
    let (rm, rn, rd) = (bits(w, 20, 16), bits(w, 9, 5), bits(w, 4, 0));
    let datasize = if sf { 64 } else { 32 };
    let lo = c.xr(rm, sf);
    let r = if imms == 0 {
        lo
    } else if rn == rm {
        let k = c.cw(sf, imms as u64);
        c.bin(BinOp::RotR, lo, k)
    } else {
        let hi = c.xr(rn, sf);
        let k = c.cw(sf, imms as u64);
        let a = c.bin(BinOp::LShr, lo, k);
        let k2 = c.cw(sf, (datasize - imms) as u64);
        let b = c.bin(BinOp::Shl, hi, k2);
        c.bin(BinOp::Or, a, b)
    };
    c.xw(rd, r);
    Flow::Next
}

#[cfg(test)]
mod tests {
    use super::decode_bit_masks;

    #[test]
    fn bit_masks_match_the_architecture() {
        // and x0, x0, #0xff  => N=1 immr=0 imms=7
        assert_eq!(decode_bit_masks(true, 7, 0, true, 64).unwrap().0, 0xff);
        // 0x5555555555555555 => N=0 immr=0 imms=0b111100
        assert_eq!(
            decode_bit_masks(false, 0b111100, 0, true, 64).unwrap().0,
            0x5555_5555_5555_5555
        );
        // all ones is reserved for immediates
        assert!(decode_bit_masks(true, 0b111111, 0, true, 64).is_none());
        // w: 0xfffffff0 => N=0 immr=28 imms=27
        assert_eq!(
            decode_bit_masks(false, 27, 28, true, 32).unwrap().0,
            0xffff_fff0
        );
    }
}
