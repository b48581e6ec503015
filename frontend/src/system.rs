//! Branches, exception generating and system instructions.

use crate::decode::{bit, bits, sext, unsupported};
use crate::translator::{Ctx, Flow};
use ir::{BinOp, CmpOp, Exit, Reg, TrapKind, Type, Value};

pub(crate) fn b_imm(c: &mut Ctx, w: u32) -> Flow {
    let target = c.pc.wrapping_add((sext(bits(w, 25, 0), 26) << 2) as u64);
    if bit(w, 31) {
        let ret = c.c64(c.pc + 4);
        c.xw(30, ret);
    }
    Flow::End(Exit::Jump(target))
}

pub(crate) fn cbz(c: &mut Ctx, w: u32) -> Flow {
    let sf = bit(w, 31);
    let nz = bit(w, 24);
    let target = c.pc.wrapping_add((sext(bits(w, 23, 5), 19) << 2) as u64);
    let v = c.xr(bits(w, 4, 0), sf);
    let z = c.cw(sf, 0);
    let cond = c.b.cmp(if nz { CmpOp::Ne } else { CmpOp::Eq }, v, z);
    Flow::End(Exit::Branch {
        cond,
        taken: target,
        not_taken: c.pc + 4,
    })
}

pub(crate) fn tbz(c: &mut Ctx, w: u32) -> Flow {
    let bitpos = (bits(w, 31, 31) << 5) | bits(w, 23, 19);
    let nz = bit(w, 24);
    let target = c.pc.wrapping_add((sext(bits(w, 18, 5), 14) << 2) as u64);
    let v = c.xr(bits(w, 4, 0), true);
    let m = c.c64(1u64 << bitpos);
    let t = c.bin(BinOp::And, v, m);
    let z = c.c64(0);
    let cond = c.b.cmp(if nz { CmpOp::Ne } else { CmpOp::Eq }, t, z);
    Flow::End(Exit::Branch {
        cond,
        taken: target,
        not_taken: c.pc + 4,
    })
}

pub(crate) fn b_cond(c: &mut Ctx, w: u32) -> Flow {
    let target = c.pc.wrapping_add((sext(bits(w, 23, 5), 19) << 2) as u64);
    let cond = bits(w, 3, 0);
    if cond >= 14 {
        return Flow::End(Exit::Jump(target));
    }
    let holds = c.cond(cond);
    Flow::End(Exit::Branch {
        cond: holds,
        taken: target,
        not_taken: c.pc + 4,
    })
}

pub(crate) fn svc(c: &mut Ctx, w: u32) -> Flow {
    let imm = bits(w, 20, 5) as u16;
    Flow::End(Exit::Trap {
        kind: TrapKind::Svc(imm),
        pc: c.pc,
        resume: c.pc + 4,
    })
}

pub(crate) fn brk(c: &mut Ctx, w: u32) -> Flow {
    Flow::End(Exit::Trap {
        kind: TrapKind::Brk(bits(w, 20, 5) as u16),
        pc: c.pc,
        resume: c.pc,
    })
}

pub(crate) fn hlt(c: &mut Ctx, w: u32) -> Flow {
    Flow::End(Exit::Trap {
        kind: TrapKind::Halt(bits(w, 20, 5) as u16),
        pc: c.pc,
        resume: c.pc,
    })
}

/// NOP, YIELD, WFE, WFI, SEV, SEVL and the hint-space instructions of later extensions
/// (PAC*SP, BTI, ...), which execute as NOPs when their feature is not implemented.
pub(crate) fn hint(_c: &mut Ctx, _w: u32) -> Flow {
    Flow::Next
}

pub(crate) fn clrex(c: &mut Ctx, _w: u32) -> Flow {
    let k = c.c64(u64::MAX);
    c.b.set(Reg::ExclAddr, k);
    Flow::Next
}

pub(crate) fn barrier(c: &mut Ctx, w: u32) -> Flow {
    match bits(w, 7, 5) {
        // DSB, DMB: order memory accesses
        4 | 5 => {
            c.b.push(ir::Op::Fence, Type::Void);
            Flow::Next
        }
        // ISB: end the block so code changes made before it are seen
        6 => Flow::End(Exit::Jump(c.pc + 4)),
        // SB (FEAT_SB): no speculation to barrier in a translator; ordered like a fence
        7 if bits(w, 11, 8) == 0 => {
            c.b.push(ir::Op::Fence, Type::Void);
            Flow::Next
        }
        _ => c.undefined(),
    }
}

/// SYS: the cache maintenance operations user code may issue (DC ZVA, DC CVAU/CIVAC/CVAC/CVAP,
/// IC IVAU).
pub(crate) fn sys(c: &mut Ctx, w: u32) -> Flow {
    let op1 = bits(w, 18, 16);
    let crn = bits(w, 15, 12);
    let crm = bits(w, 11, 8);
    let op2 = bits(w, 7, 5);
    let rt = bits(w, 4, 0);
    match (op1, crn, crm, op2) {
        // DC ZVA: zero a 64-byte block
        (3, 7, 4, 1) => {
            let a = c.xr(rt, true);
            let m = c.c64(!63);
            let base = c.bin(BinOp::And, a, m);
            let zero = c.b.vconst(0);
            for i in 0..4 {
                let off = c.c64(16 * i);
                let p = c.bin(BinOp::Add, base, off);
                c.b.store(16, p, zero);
            }
            Flow::Next
        }
        // DC CVAC/CVAU/CIVAC: data caches are coherent on this host (DC CVAP/CVADP belong
        // to FEAT_DPB/DPB2, which egret does not offer)
        (3, 7, 10 | 11 | 14, 1) => Flow::Next,
        // IC IVAU: translations of the line are dropped (CTR_EL0.DIC is 0, so programs that
        // write code must issue it)
        (3, 7, 5, 1) => Flow::End(Exit::Trap {
            kind: TrapKind::IcInvalidate(rt as u8),
            pc: c.pc,
            resume: c.pc + 4,
        }),
        _ => c.undefined(),
    }
}

/// System registers reachable from EL0 by MRS/MSR, as (op0, op1, CRn, CRm, op2).
fn sysreg(w: u32) -> (u32, u32, u32, u32, u32) {
    (
        2 + bits(w, 19, 19),
        bits(w, 18, 16),
        bits(w, 15, 12),
        bits(w, 11, 8),
        bits(w, 7, 5),
    )
}

/// DCZID_EL0: DC ZVA allowed, 64-byte blocks.
pub const DCZID_EL0: u64 = 4;
/// CTR_EL0: 64-byte cache lines, IDC/DIC clear.
pub const CTR_EL0: u64 = 0x8444_c004;
/// MIDR_EL1 as Linux reports it to user space (an implementer-neutral ARMv8 core).
pub const MIDR_EL1: u64 = 0x410f_d034;

pub(crate) fn mrs(c: &mut Ctx, w: u32) -> Flow {
    let rt = bits(w, 4, 0);
    let v: Value = match sysreg(w) {
        (3, 3, 13, 0, 2) => c.b.get(Reg::Tpidr),
        (3, 3, 4, 4, 0) => c.b.get(Reg::Fpcr),
        (3, 3, 4, 4, 1) => c.b.get(Reg::Fpsr),
        (3, 3, 4, 2, 0) => c.b.get(Reg::Nzcv),
        (3, 3, 0, 0, 7) => c.c64(DCZID_EL0),
        (3, 3, 0, 0, 1) => c.c64(CTR_EL0),
        (3, 0, 0, 0, 0) => c.c64(MIDR_EL1),
        // MPIDR_EL1 and REVIDR_EL1 as Linux emulates them
        (3, 0, 0, 0, 5) => c.c64(0x8000_0000),
        (3, 0, 0, 0, 6) => c.c64(0),
        // ID_AA64*: the feature registers Linux exposes, reporting what egret implements
        (3, 0, 0, 4, 0) => c.c64(0x0000_0000_0011_0011), // PFR0: EL0/EL1, FP and AdvSIMD with FP16
        // ISAR0: AES+PMULL, SHA1, SHA256+SHA512, CRC32, LSE atomics, RDM, SHA3, DotProd, FHM,
        // FlagM2; ISAR1: JSCVT, FCMA, LRCPC2 (LDAPR, LDAPUR/STLUR), FRINTTS, BF16, I8MM
        (3, 0, 0, 6, 0) => c.c64(
            2 << 52
                | 1 << 48
                | 1 << 44
                | 1 << 32
                | 1 << 28
                | 2 << 20
                | 1 << 16
                | 2 << 12
                | 1 << 8
                | 2 << 4,
        ),
        (3, 0, 0, 6, 1) => c.c64(1 << 52 | 1 << 44 | 1 << 32 | 2 << 20 | 1 << 16 | 1 << 12),
        (3, 0, 0, 7, 0) => c.c64(0x0000_0000_0000_0005), // MMFR0 as for a 48-bit PA, 4K pages
        (3, 0, 0, _, _) => c.c64(0),
        // CNTVCT_EL0 / CNTFRQ_EL0: readable at EL0 under Linux, not implemented yet
        (3, 3, 14, 0, 2) | (3, 3, 14, 0, 1) => return unsupported(c),
        // other system registers trap at EL0: SIGILL
        _ => return c.undefined(),
    };
    c.xw(rt, v);
    Flow::Next
}

pub(crate) fn msr_reg(c: &mut Ctx, w: u32) -> Flow {
    let rt = bits(w, 4, 0);
    let v = c.xr(rt, true);
    match sysreg(w) {
        (3, 3, 13, 0, 2) => c.b.set(Reg::Tpidr, v),
        (3, 3, 4, 4, 0) => {
            // FPCR: keep the defined control bits (AHP, DN, FZ, RMode, FZ16, ...)
            let m = c.c64(0x07ff_9f00);
            let x = c.bin(BinOp::And, v, m);
            c.b.set(Reg::Fpcr, x)
        }
        (3, 3, 4, 4, 1) => {
            let m = c.c64(0xf800_009f);
            let x = c.bin(BinOp::And, v, m);
            c.b.set(Reg::Fpsr, x)
        }
        (3, 3, 4, 2, 0) => {
            let m = c.c64(0xf000_0000);
            let x = c.bin(BinOp::And, v, m);
            c.b.set(Reg::Nzcv, x)
        }
        _ => return c.undefined(),
    }
    Flow::Next
}

/// MSR (immediate) to the PSTATE fields EL0 may change: CFINV (FEAT_FlagM), XAFLAG and AXFLAG
/// (FEAT_FlagM2).
pub(crate) fn msr_imm(c: &mut Ctx, w: u32) -> Flow {
    let (op1, crm, op2) = (bits(w, 18, 16), bits(w, 11, 8), bits(w, 7, 5));
    if (op1, crm) != (0, 0) || op2 > 2 {
        return c.undefined();
    }
    let f = c.b.get(Reg::Nzcv);
    let r = if op2 == 0 {
        // CFINV
        let k = c.c64(1 << 29);
        c.bin(BinOp::Xor, f, k)
    } else {
        let bit_of = |c: &mut Ctx, n: u64| {
            let sh = c.c64(n);
            let x = c.bin(BinOp::LShr, f, sh);
            let one = c.c64(1);
            c.bin(BinOp::And, x, one)
        };
        let (z, cf, v) = (bit_of(c, 30), bit_of(c, 29), bit_of(c, 28));
        let one = c.c64(1);
        let (n2, z2, c2, v2) = if op2 == 1 {
            // XAFLAG: N = !C & !Z, Z = Z & C, C = C | Z, V = !C & Z
            let c_or_z = c.bin(BinOp::Or, cf, z);
            let n2 = c.bin(BinOp::Xor, c_or_z, one);
            let z2 = c.bin(BinOp::And, z, cf);
            let not_c = c.bin(BinOp::Xor, cf, one);
            let v2 = c.bin(BinOp::And, not_c, z);
            (n2, z2, c_or_z, v2)
        } else {
            // AXFLAG: N = 0, Z = Z | V, C = C & !V, V = 0
            let zero = c.c64(0);
            let z2 = c.bin(BinOp::Or, z, v);
            let not_v = c.bin(BinOp::Xor, v, one);
            let c2 = c.bin(BinOp::And, cf, not_v);
            (zero, z2, c2, zero)
        };
        let mut acc = c.c64(0);
        for (x, sh) in [(n2, 31), (z2, 30), (c2, 29), (v2, 28)] {
            let k = c.c64(sh);
            let y = c.bin(BinOp::Shl, x, k);
            acc = c.bin(BinOp::Or, acc, y);
        }
        acc
    };
    c.b.set(Reg::Nzcv, r);
    Flow::Next
}

/// BR, BLR, RET.
pub(crate) fn br(c: &mut Ctx, w: u32) -> Flow {
    let rn = bits(w, 9, 5);
    let target = c.xr(rn, true);
    if bits(w, 22, 21) == 1 {
        let ret = c.c64(c.pc + 4);
        c.xw(30, ret);
    }
    Flow::End(Exit::Indirect(target))
}
