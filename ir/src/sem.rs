//! Semantics shared by both engines: flag computation, A64 arithmetic corner cases,
//! floating-point NaN rules, vector ops and memory helpers. Names follow the Arm ARM pseudocode.

use crate::crypto;
use crate::op::{BinOp, FpOp, RoundMode, UnOp, VecOp};
use crate::softfp::{self, Env, LaneCmp};

/// Mask of the low `bits` bits.
#[inline]
pub fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

#[inline]
fn pack(n: bool, z: bool, c: bool, v: bool) -> u64 {
    ((n as u64) << 31) | ((z as u64) << 30) | ((c as u64) << 29) | ((v as u64) << 28)
}

/// AddWithCarry(x, y, carry) → NZCV for a `bits`-wide operation.
pub fn add_with_carry_nzcv(x: u64, y: u64, carry: u64, bits: u32) -> u64 {
    let m = mask(bits);
    let (x, y) = (x & m, y & m);
    let wide = x as u128 + y as u128 + (carry & 1) as u128;
    let r = (wide as u64) & m;
    let sign = 1u64 << (bits - 1);
    let n = r & sign != 0;
    let z = r == 0;
    let c = (wide >> bits) & 1 != 0;
    let v = ((x ^ r) & (y ^ r) & sign) != 0;
    pack(n, z, c, v)
}

/// N and Z of a logical result; C = V = 0.
pub fn logic_nzcv(r: u64, bits: u32) -> u64 {
    let r = r & mask(bits);
    pack(r >> (bits - 1) & 1 != 0, r == 0, false, false)
}

/// ConditionHolds(cond) for the NZCV in bits 31:28.
pub fn condition_holds(cond: u8, nzcv: u64) -> bool {
    let n = nzcv >> 31 & 1 != 0;
    let z = nzcv >> 30 & 1 != 0;
    let c = nzcv >> 29 & 1 != 0;
    let v = nzcv >> 28 & 1 != 0;
    let r = match cond >> 1 {
        0 => z,
        1 => c,
        2 => n,
        3 => v,
        4 => c && !z,
        5 => n == v,
        6 => n == v && !z,
        _ => true,
    };
    if cond & 1 == 1 && cond != 0b1111 {
        !r
    } else {
        r
    }
}

/// Integer binary op at `bits` width (32 or 64); result zero-extended.
/// CRC32B/H/W/X and CRC32CB/H/W/X: the reflected CRC over `size` bytes of `val`, least
/// significant first, with no inversion of the accumulator (the Arm ARM's BitReverse form).
pub fn crc32(acc: u64, val: u64, size: u8, castagnoli: bool) -> u64 {
    let poly: u32 = if castagnoli { 0x82f6_3b78 } else { 0xedb8_8320 };
    let mut crc = acc as u32;
    for i in 0..size as u32 {
        crc ^= (val >> (8 * i)) as u8 as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (poly & 0u32.wrapping_sub(crc & 1));
        }
    }
    crc as u64
}

/// Called by translated code for CRC32*: `packed` = castagnoli << 8 | size.
pub extern "C" fn crc32_helper(acc: u64, val: u64, packed: u64) -> u64 {
    crc32(acc, val, packed as u8, packed >> 8 & 1 != 0)
}

pub fn bin(op: BinOp, a: u64, b: u64, bits: u32) -> u64 {
    let m = mask(bits);
    let (a, b) = (a & m, b & m);
    let sh = (b % bits as u64) as u32;
    let sext = |x: u64| -> i64 {
        if bits == 32 {
            x as u32 as i32 as i64
        } else {
            x as i64
        }
    };
    let r = match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::UMulH => ((a as u128 * b as u128) >> 64) as u64,
        BinOp::SMulH => ((a as i64 as i128 * b as i64 as i128) >> 64) as u64,
        BinOp::UDiv => a.checked_div(b).unwrap_or(0),
        BinOp::SDiv => {
            let (x, y) = (sext(a), sext(b));
            if y == 0 {
                0
            } else {
                x.wrapping_div(y) as u64
            }
        }
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Shl => a << sh,
        BinOp::LShr => a >> sh,
        BinOp::AShr => (sext(a) >> sh) as u64,
        BinOp::RotR => {
            if sh == 0 {
                a
            } else {
                (a >> sh) | (a << (bits - sh))
            }
        }
        BinOp::VPair => unreachable!("VPair is not a scalar op"),
        BinOp::Crc32 { size, c } => crc32(a, b, size, c),
    };
    r & m
}

/// Integer unary op at `bits` width.
pub fn un(op: UnOp, a: u64, bits: u32) -> u64 {
    let m = mask(bits);
    let a = a & m;
    let r = match op {
        UnOp::Not => !a,
        UnOp::Neg => a.wrapping_neg(),
        UnOp::Clz => (a.leading_zeros() - (64 - bits)) as u64,
        UnOp::Cls => {
            let s = if bits == 32 {
                (a as u32 as i32 >> 31) as u32 as u64
            } else {
                (a as i64 >> 63) as u64
            };
            ((a ^ s) & m).leading_zeros() as u64 - (64 - bits as u64) - 1
        }
        UnOp::Rbit => a.reverse_bits() >> (64 - bits),
        UnOp::Rev => a.swap_bytes() >> (64 - bits),
        UnOp::Rev16 => ((a & 0x00ff_00ff_00ff_00ff) << 8) | ((a >> 8) & 0x00ff_00ff_00ff_00ff),
        UnOp::Rev32 => {
            let s = a.swap_bytes();
            s.rotate_left(32)
        }
        UnOp::Popcnt => a.count_ones() as u64,
        UnOp::SextB => a as u8 as i8 as i64 as u64,
        UnOp::SextH => a as u16 as i16 as i64 as u64,
        UnOp::SextW => a as u32 as i32 as i64 as u64,
        _ => unreachable!("not an integer unary op: {op:?}"),
    };
    r & m
}

// ---------------------------------------------------------------------------------------------
// Floating point

/// Whether the bits of a `bits`-wide float are a NaN / a signalling NaN.
fn is_nan(x: u64, bits: u32) -> bool {
    if bits == 32 {
        f32::from_bits(x as u32).is_nan()
    } else {
        f64::from_bits(x).is_nan()
    }
}
fn is_snan(x: u64, bits: u32) -> bool {
    is_nan(x, bits) && x & quiet_bit(bits) == 0
}
fn quiet_bit(bits: u32) -> u64 {
    if bits == 32 {
        1 << 22
    } else {
        1 << 51
    }
}
/// FPDefaultNaN.
pub fn default_nan(bits: u32) -> u64 {
    if bits == 32 {
        0x7fc0_0000
    } else {
        0x7ff8_0000_0000_0000
    }
}

/// FPProcessNaNs(3): the NaN an operation returns when some operand is a NaN, or the default
/// NaN when the operation itself was invalid (`ops` are the operands in architectural order).
pub fn process_nans(ops: &[u64], bits: u32) -> u64 {
    for &x in ops {
        if is_snan(x, bits) {
            return x | quiet_bit(bits);
        }
    }
    for &x in ops {
        if is_nan(x, bits) {
            return x;
        }
    }
    default_nan(bits)
}

/// Round to integral (FRINT*) on a host float.
pub fn round_f64(x: f64, mode: RoundMode) -> f64 {
    match mode {
        RoundMode::Nearest => x.round_ties_even(),
        RoundMode::Up => x.ceil(),
        RoundMode::Down => x.floor(),
        RoundMode::Zero => x.trunc(),
        RoundMode::Away => x.round(),
    }
}
pub fn round_f32(x: f32, mode: RoundMode) -> f32 {
    match mode {
        RoundMode::Nearest => x.round_ties_even(),
        RoundMode::Up => x.ceil(),
        RoundMode::Down => x.floor(),
        RoundMode::Zero => x.trunc(),
        RoundMode::Away => x.round(),
    }
}

/// One scalar FP op on raw bits (`bits` = 32 or 64) under `env` (FPCR in, flags out). `Cmp`
/// and `CmpE` return NZCV.
pub fn fp(env: &mut Env, op: FpOp, a: u64, b: u64, c: u64, bits: u32) -> u64 {
    match op {
        FpOp::Add => softfp::add(env, a, b, bits),
        FpOp::Sub => softfp::sub(env, a, b, bits),
        FpOp::Mul => softfp::mul(env, a, b, bits),
        FpOp::Div => softfp::div(env, a, b, bits),
        FpOp::Sqrt => softfp::sqrt(env, a, bits),
        FpOp::Neg => (a ^ (1u64 << (bits - 1))) & mask(bits),
        FpOp::Abs => a & (mask(bits) >> 1),
        FpOp::MulAdd => softfp::mul_add(env, c, a, b, bits),
        FpOp::Round(m) => softfp::round_int(env, a, bits, m, false),
        FpOp::RoundFpcr { exact } => {
            let m = env.rmode();
            softfp::round_int(env, a, bits, m, exact)
        }
        FpOp::Max => softfp::min_max(env, a, b, bits, true, false),
        FpOp::Min => softfp::min_max(env, a, b, bits, false, false),
        FpOp::MaxNm => softfp::min_max(env, a, b, bits, true, true),
        FpOp::MinNm => softfp::min_max(env, a, b, bits, false, true),
        FpOp::Cmp => softfp::compare(env, a, b, bits, false),
        FpOp::CmpE => softfp::compare(env, a, b, bits, true),
    }
}

/// FP → integer with saturation (NaN → 0), rounding per `mode`. `signed` and `out_bits` give
/// the destination.
pub fn fp_to_int(
    env: &mut Env,
    a: u64,
    bits: u32,
    mode: RoundMode,
    signed: bool,
    out_bits: u32,
) -> u64 {
    softfp::to_int(env, a, bits, mode, signed, out_bits, 0)
}

/// Integer → FP, rounded with FPCR's mode. `in_bits` is the source width.
pub fn int_to_fp(env: &mut Env, a: u64, in_bits: u32, signed: bool, out_bits: u32) -> u64 {
    softfp::from_int(env, a, in_bits, signed, out_bits, 0)
}

/// FCVT between single and double precision.
pub fn fp_to_fp(env: &mut Env, a: u64, in_bits: u32) -> u64 {
    let out = if in_bits == 32 { 64 } else { 32 };
    softfp::convert(env, a, in_bits, out)
}

// ---------------------------------------------------------------------------------------------
// AdvSIMD

#[inline]
fn lane(v: u128, esize: u32, i: u32) -> u64 {
    ((v >> (i * esize)) as u64) & mask(esize)
}
#[inline]
fn set_lane(v: &mut u128, esize: u32, i: u32, x: u64) {
    let m = (mask(esize) as u128) << (i * esize);
    *v = (*v & !m) | (((x & mask(esize)) as u128) << (i * esize));
}
#[inline]
fn sx(x: u64, esize: u32) -> i64 {
    ((x << (64 - esize)) as i64) >> (64 - esize)
}

fn map2(a: u128, b: u128, esize: u32, f: impl Fn(u64, u64) -> u64) -> u128 {
    let mut r = 0u128;
    for i in 0..128 / esize {
        set_lane(&mut r, esize, i, f(lane(a, esize, i), lane(b, esize, i)));
    }
    r
}

/// FPSR.QC, the cumulative saturation flag.
pub const QC: u64 = 1 << 27;

/// A lane as a signed or unsigned integer.
fn ext(x: u64, e: u32, signed: bool) -> i128 {
    if signed {
        sx(x, e) as i128
    } else {
        (x & mask(e)) as i128
    }
}

/// Saturates `v` to the signed or unsigned range of `e` bits, setting QC when it had to.
fn sat(env: &mut Env, v: i128, e: u32, signed: bool) -> u64 {
    let (lo, hi) = if signed {
        (-(1i128 << (e - 1)), (1i128 << (e - 1)) - 1)
    } else {
        (0, (1i128 << e) - 1)
    };
    let c = v.clamp(lo, hi);
    if c != v {
        env.flags |= QC;
    }
    c as u64 & mask(e)
}

/// SSHL/USHL family with a signed shift amount: left for positive, right (rounding if
/// `round`) for negative; saturating forms clamp and set QC.
fn shift_reg(
    env: &mut Env,
    v: i128,
    sh: i32,
    e: u32,
    signed: bool,
    round: bool,
    saturate: bool,
) -> u64 {
    let r = if sh >= 0 {
        if v == 0 {
            0
        } else if sh as u32 >= e {
            if saturate {
                return sat(
                    env,
                    if v < 0 { -(1i128 << 100) } else { 1i128 << 100 },
                    e,
                    signed,
                );
            }
            0
        } else {
            v << sh
        }
    } else {
        let n = (-sh) as u32;
        if round {
            if n > e + 1 {
                0
            } else {
                (v + (1i128 << (n - 1))) >> n
            }
        } else {
            v >> n.min(127)
        }
    };
    if saturate {
        sat(env, r, e, signed)
    } else {
        r as u64 & mask(e)
    }
}

/// An FP op on adjacent pairs of the concatenation b:a (64-bit form: `half`).
fn fpairwise(
    env: &mut Env,
    a: u128,
    b: u128,
    esize: u32,
    half: bool,
    f: impl Fn(&mut Env, u64, u64) -> u64,
) -> u128 {
    let n = if half { 64 / esize } else { 128 / esize };
    let mut r = 0u128;
    for i in 0..n {
        let src = if i < n / 2 { a } else { b };
        let j = (i % (n / 2)) * 2;
        let x = f(env, lane(src, esize, j), lane(src, esize, j + 1));
        set_lane(&mut r, esize, i, x);
    }
    r
}

/// An FP op on each lane (only the low 64 bits when `imm` = 1, only element 0 when `imm` = 2,
/// the rest zero), lanes in order so that the
/// flags are raised as the architecture's element loop raises them.
fn fmap(
    env: &mut Env,
    a: u128,
    b: u128,
    c: u128,
    esize: u32,
    imm: u8,
    f: impl Fn(&mut Env, u64, u64, u64) -> u64,
) -> u128 {
    // imm = 1: the 64-bit vector form; imm = 2: the scalar form (element 0 only)
    let n = match imm {
        1 => 64 / esize,
        2 => 1,
        _ => 128 / esize,
    };
    let mut r = 0u128;
    for i in 0..n {
        let x = f(env, lane(a, esize, i), lane(b, esize, i), lane(c, esize, i));
        set_lane(&mut r, esize, i, x);
    }
    r
}

fn pairwise(a: u128, b: u128, esize: u32, half: bool, f: impl Fn(u64, u64) -> u64) -> u128 {
    let n = if half { 64 / esize } else { 128 / esize };
    let mut r = 0u128;
    for i in 0..n {
        let src = if i < n / 2 { a } else { b };
        let j = (i % (n / 2)) * 2;
        set_lane(
            &mut r,
            esize,
            i,
            f(lane(src, esize, j), lane(src, esize, j + 1)),
        );
    }
    r
}

fn across(a: u128, esize: u32, half: bool, f: impl Fn(u64, u64) -> u64) -> u128 {
    let mut acc = lane(a, esize, 0);
    for i in 1..if half { 64 / esize } else { 128 / esize } {
        acc = f(acc, lane(a, esize, i));
    }
    (acc & mask(esize)) as u128
}

/// An AdvSIMD op with FP lanes discarding the flags it raises: for ops that are not FP.
pub fn vec(op: VecOp, esize: u8, imm: u8, a: u128, b: u128, c: u128) -> u128 {
    vec_env(&mut Env::new(0), op, esize, imm, a, b, c)
}

/// One AdvSIMD op. FP lane ops run under `env`; for them `imm` = 1 marks the 64-bit (Q = 0)
/// form, whose upper lanes are not computed (they could raise flags).
pub fn vec_env(env: &mut Env, op: VecOp, esize: u8, imm: u8, a: u128, b: u128, c: u128) -> u128 {
    let e = esize as u32;
    // Pairwise, across-lane and permute ops take imm == 1 for their 64-bit (Q = 0) form.
    let n = if imm == 1 && is_half_form(op) {
        64 / e.max(1)
    } else {
        128 / e.max(1)
    };
    let m = mask(e);
    let all = |t: bool| if t { m } else { 0 };
    match op {
        VecOp::And => a & b,
        VecOp::Orr => a | b,
        VecOp::Eor => a ^ b,
        VecOp::Bic => a & !b,
        VecOp::Orn => a | !b,
        VecOp::Not => !a,
        VecOp::Bsl => (a & c) | (b & !c),
        VecOp::ZeroHigh => a & (u64::MAX as u128),
        VecOp::Add => map2(a, b, e, |x, y| x.wrapping_add(y)),
        VecOp::Sub => map2(a, b, e, |x, y| x.wrapping_sub(y)),
        VecOp::Mul => map2(a, b, e, |x, y| x.wrapping_mul(y)),
        VecOp::Mla => {
            let p = map2(b, c, e, |x, y| x.wrapping_mul(y));
            map2(a, p, e, |x, y| x.wrapping_add(y))
        }
        VecOp::Mls => {
            let p = map2(b, c, e, |x, y| x.wrapping_mul(y));
            map2(a, p, e, |x, y| x.wrapping_sub(y))
        }
        VecOp::Neg => map2(a, 0, e, |x, _| x.wrapping_neg()),
        VecOp::Abs => map2(a, 0, e, |x, _| sx(x, e).unsigned_abs()),
        VecOp::CmEq => map2(a, b, e, |x, y| all(x == y)),
        VecOp::CmGt => map2(a, b, e, |x, y| all(sx(x, e) > sx(y, e))),
        VecOp::CmGe => map2(a, b, e, |x, y| all(sx(x, e) >= sx(y, e))),
        VecOp::CmHi => map2(a, b, e, |x, y| all(x > y)),
        VecOp::CmHs => map2(a, b, e, |x, y| all(x >= y)),
        VecOp::CmTst => map2(a, b, e, |x, y| all(x & y != 0)),
        VecOp::UMax => map2(a, b, e, |x, y| x.max(y)),
        VecOp::UMin => map2(a, b, e, |x, y| x.min(y)),
        VecOp::SMax => map2(a, b, e, |x, y| sx(x, e).max(sx(y, e)) as u64),
        VecOp::SMin => map2(a, b, e, |x, y| sx(x, e).min(sx(y, e)) as u64),
        VecOp::UQSub => map2(a, b, e, |x, y| x.saturating_sub(y)),
        VecOp::UQAdd => map2(a, b, e, |x, y| x.checked_add(y).map_or(m, |s| s.min(m))),
        VecOp::AddP => pairwise(a, b, e, imm == 1, |x, y| x.wrapping_add(y)),
        VecOp::UMaxP => pairwise(a, b, e, imm == 1, |x, y| x.max(y)),
        VecOp::UMinP => pairwise(a, b, e, imm == 1, |x, y| x.min(y)),
        VecOp::SMaxP => pairwise(a, b, e, imm == 1, |x, y| sx(x, e).max(sx(y, e)) as u64),
        VecOp::SMinP => pairwise(a, b, e, imm == 1, |x, y| sx(x, e).min(sx(y, e)) as u64),
        VecOp::AddV => across(a, e, imm == 1, |x, y| x.wrapping_add(y)),
        VecOp::UMaxV => across(a, e, imm == 1, |x, y| x.max(y)),
        VecOp::UMinV => across(a, e, imm == 1, |x, y| x.min(y)),
        VecOp::SMaxV => across(
            a,
            e,
            imm == 1,
            |x, y| if sx(x, e) >= sx(y, e) { x } else { y },
        ),
        VecOp::SMinV => across(
            a,
            e,
            imm == 1,
            |x, y| if sx(x, e) <= sx(y, e) { x } else { y },
        ),
        VecOp::UAddlv => {
            let n = if imm == 1 { 64 / e } else { 128 / e };
            let mut acc = 0u64;
            for i in 0..n {
                acc = acc.wrapping_add(lane(a, e, i));
            }
            (acc & mask(2 * e)) as u128
        }
        VecOp::FRecpE => fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
            softfp::recip_estimate(v, x, e)
        }),
        VecOp::FRSqrtE => fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
            softfp::rsqrt_estimate(v, x, e)
        }),
        VecOp::FRecpX => fmap(env, a, 0, 0, e, imm, |v, x, _, _| softfp::recpx(v, x, e)),
        VecOp::URecpE => map2(a, 0, 32, |x, _| {
            if x >> 31 == 0 {
                0xffff_ffff
            } else {
                softfp::recip_estimate9(x >> 23 & 0x1ff) << 23
            }
        }),
        VecOp::URSqrtE => map2(a, 0, 32, |x, _| {
            if x >> 30 == 0 {
                0xffff_ffff
            } else {
                softfp::rsqrt_estimate9(x >> 23 & 0x1ff) << 23
            }
        }),
        VecOp::HFromInt => {
            let bits = if imm & 2 != 0 { 64 } else { 32 };
            softfp::from_int(env, a as u64, bits, imm & 1 != 0, 16, 0) as u128
        }
        VecOp::HToInt => {
            let bits = if imm & 16 != 0 { 64 } else { 32 };
            let mode = ROUND_MODES[(imm & 7) as usize];
            softfp::to_int(env, a as u64 & 0xffff, 16, mode, imm & 8 != 0, bits, 0) as u128
        }
        VecOp::HCvt => {
            let (from, to) = match imm {
                0 => (16, 32),
                1 => (16, 64),
                2 => (32, 16),
                _ => (64, 16),
            };
            softfp::convert(env, a as u64 & mask(from), from, to) as u128
        }
        VecOp::HCmp => {
            softfp::compare(env, a as u64 & 0xffff, b as u64 & 0xffff, 16, imm & 1 != 0) as u128
        }
        VecOp::SDot | VecOp::UDot | VecOp::UsDot | VecOp::SuDot => {
            let (sx_n, sx_m) = match op {
                VecOp::SDot => (true, true),
                VecOp::UDot => (false, false),
                VecOp::UsDot => (false, true),
                _ => (true, false),
            };
            fmap(env, a, b, c, 32, imm, |_, acc, x, y| {
                let mut sum = 0i128;
                for k in 0..4 {
                    let xb = ext(x >> (8 * k), 8, sx_n);
                    let yb = ext(y >> (8 * k), 8, sx_m);
                    sum += xb * yb;
                }
                (acc as i128 + sum) as u64 & 0xffff_ffff
            })
        }
        VecOp::BfCvtN => {
            let mut r = 0u128;
            for i in 0..4 {
                let x = softfp::convert(env, lane(a, 32, i), 32, softfp::BF16);
                set_lane(&mut r, 16, i, x);
            }
            r
        }
        VecOp::BfDot => fmap(env, a, b, c, 32, imm, |_, acc, x, y| {
            softfp::bf_dot_add(acc, x, y)
        }),
        VecOp::BfMmla => {
            let mut r = 0u128;
            for i in 0..2 {
                for j in 0..2 {
                    let mut sum = lane(a, 32, 2 * i + j);
                    for k in 0..2 {
                        sum =
                            softfp::bf_dot_add(sum, lane(b, 32, 2 * i + k), lane(c, 32, 2 * j + k));
                    }
                    set_lane(&mut r, 32, 2 * i + j, sum);
                }
            }
            r
        }
        VecOp::BfMlal => {
            let top = (imm >> 1 & 1) as u32;
            let mut r = 0u128;
            for i in 0..4 {
                let x = lane(b, 16, 2 * i + top) << 16;
                let y = lane(c, 16, 2 * i + top) << 16;
                let v = softfp::mul_add(env, lane(a, 32, i), x, y, 32);
                set_lane(&mut r, 32, i, v);
            }
            r
        }
        VecOp::SMmla | VecOp::UMmla | VecOp::UsMmla => {
            let (sx_n, sx_m) = match op {
                VecOp::SMmla => (true, true),
                VecOp::UMmla => (false, false),
                _ => (false, true),
            };
            let byte = |v: u128, i: u32| (v >> (8 * i)) as u64 & 0xff;
            let mut r = 0u128;
            for i in 0..2 {
                for j in 0..2 {
                    let mut sum = ext(lane(a, 32, 2 * i + j), 32, true);
                    for k in 0..8 {
                        sum += ext(byte(b, 8 * i + k), 8, sx_n) * ext(byte(c, 8 * j + k), 8, sx_m);
                    }
                    set_lane(&mut r, 32, 2 * i + j, sum as u64 & 0xffff_ffff);
                }
            }
            r
        }
        VecOp::SQRDMlah | VecOp::SQRDMlsh => fmap(env, a, b, c, e, imm, |v, acc, x, y| {
            let p = 2 * ext(x, e, true) * ext(y, e, true);
            let acc = ext(acc, e, true) << e;
            let s = if op == VecOp::SQRDMlah {
                acc + p
            } else {
                acc - p
            };
            sat(v, (s + (1i128 << (e - 1))) >> e, e, true)
        }),
        VecOp::SAddlv => {
            let n = if imm == 1 { 64 / e } else { 128 / e };
            let mut acc = 0i64;
            for i in 0..n {
                acc = acc.wrapping_add(sx(lane(a, e, i), e));
            }
            (acc as u64 & mask(2 * e)) as u128
        }
        VecOp::UAddlp => {
            let mut r = 0u128;
            for i in 0..n / 2 {
                set_lane(&mut r, 2 * e, i, lane(a, e, 2 * i) + lane(a, e, 2 * i + 1));
            }
            r
        }
        VecOp::ShlImm => map2(a, 0, e, |x, _| if (imm as u32) >= e { 0 } else { x << imm }),
        VecOp::UShrImm => map2(a, 0, e, |x, _| if (imm as u32) >= e { 0 } else { x >> imm }),
        VecOp::SShrImm => map2(a, 0, e, |x, _| (sx(x, e) >> (imm as u32).min(e - 1)) as u64),
        VecOp::UShl | VecOp::SShl => map2(a, b, e, |x, y| {
            let s = y as u8 as i8 as i32;
            if s >= 0 {
                if s as u32 >= e {
                    0
                } else {
                    x << s
                }
            } else {
                let s = (-s) as u32;
                if op == VecOp::SShl {
                    (sx(x, e) >> s.min(e - 1)) as u64
                } else if s >= e {
                    0
                } else {
                    x >> s
                }
            }
        }),
        VecOp::ShrN => {
            let mut r = 0u128;
            for i in 0..n {
                set_lane(&mut r, e / 2, i, lane(a, e, i) >> imm);
            }
            r
        }
        VecOp::Xtn => {
            let mut r = 0u128;
            for i in 0..n {
                set_lane(&mut r, e / 2, i, lane(a, e, i));
            }
            r
        }
        VecOp::Uxtl | VecOp::Sxtl => {
            let mut r = 0u128;
            for i in 0..64 / e {
                let x = lane(a, e, i);
                let x = if op == VecOp::Sxtl {
                    sx(x, e) as u64
                } else {
                    x
                };
                set_lane(&mut r, 2 * e, i, x);
            }
            r
        }
        VecOp::UMull | VecOp::SMull => {
            let mut r = 0u128;
            for i in 0..64 / e {
                let (x, y) = (lane(a, e, i), lane(b, e, i));
                let p = if op == VecOp::SMull {
                    (sx(x, e) * sx(y, e)) as u64
                } else {
                    x * y
                };
                set_lane(&mut r, 2 * e, i, p);
            }
            r
        }
        VecOp::Zip1 | VecOp::Zip2 => {
            let base = if op == VecOp::Zip1 { 0 } else { n / 2 };
            let mut r = 0u128;
            for i in 0..n / 2 {
                set_lane(&mut r, e, 2 * i, lane(a, e, base + i));
                set_lane(&mut r, e, 2 * i + 1, lane(b, e, base + i));
            }
            r
        }
        VecOp::Uzp1 | VecOp::Uzp2 => {
            let off = if op == VecOp::Uzp1 { 0 } else { 1 };
            let mut r = 0u128;
            for i in 0..n {
                let j = 2 * i + off;
                let x = if j < n {
                    lane(a, e, j)
                } else {
                    lane(b, e, j - n)
                };
                set_lane(&mut r, e, i, x);
            }
            r
        }
        VecOp::Trn1 | VecOp::Trn2 => {
            let off = if op == VecOp::Trn1 { 0 } else { 1 };
            let mut r = 0u128;
            for i in 0..n / 2 {
                set_lane(&mut r, e, 2 * i, lane(a, e, 2 * i + off));
                set_lane(&mut r, e, 2 * i + 1, lane(b, e, 2 * i + off));
            }
            r
        }
        VecOp::Ext if esize == 64 => {
            // 64-bit form: bytes imm.. of the 16-byte b<63:0>:a<63:0>
            let cat = (a as u64 as u128) | ((b as u64 as u128) << 64);
            ((cat >> (8 * imm as u32)) as u64) as u128
        }
        VecOp::Ext => {
            // bytes imm.. of the 32-byte b:a
            let lo = a >> (8 * imm as u32);
            let hi = if imm == 0 {
                0
            } else {
                b << (128 - 8 * imm as u32)
            };
            lo | hi
        }
        VecOp::Tbl | VecOp::Tbx => {
            // `a` is the table, `b` the indices, `c` the old destination (TBX)
            let mut r = 0u128;
            for i in 0..16 {
                let idx = lane(b, 8, i);
                let x = if idx < 16 {
                    lane(a, 8, idx as u32)
                } else if op == VecOp::Tbx {
                    lane(c, 8, i)
                } else {
                    0
                };
                set_lane(&mut r, 8, i, x);
            }
            r
        }
        VecOp::Rev16 | VecOp::Rev32 | VecOp::Rev64 => {
            let cont = match op {
                VecOp::Rev16 => 16,
                VecOp::Rev32 => 32,
                _ => 64,
            };
            let per = cont / e;
            let mut r = 0u128;
            for i in 0..n {
                let base = i / per * per;
                let j = base + (per - 1 - (i - base));
                set_lane(&mut r, e, i, lane(a, e, j));
            }
            r
        }
        VecOp::Cnt => map2(a, 0, 8, |x, _| x.count_ones() as u64),
        VecOp::DupElem => {
            let x = lane(a, e, imm as u32);
            map2(0, 0, e, |_, _| x)
        }
        VecOp::DupScalar => {
            let x = (a as u64) & m;
            map2(0, 0, e, |_, _| x)
        }
        VecOp::InsElem => {
            let (dst, src) = ((imm >> 4) as u32, (imm & 15) as u32);
            let mut r = a;
            set_lane(&mut r, e, dst, lane(b, e, src));
            r
        }
        VecOp::AesE => crypto::aese(a, b),
        VecOp::AesD => crypto::aesd(a, b),
        VecOp::AesMc => crypto::aesmc(a),
        VecOp::AesImc => crypto::aesimc(a),
        VecOp::Sha1C => crypto::sha1_hash(0, a, b, c),
        VecOp::Sha1P => crypto::sha1_hash(1, a, b, c),
        VecOp::Sha1M => crypto::sha1_hash(2, a, b, c),
        VecOp::Sha1H => crypto::sha1h(a),
        VecOp::Sha1Su0 => crypto::sha1su0(a, b, c),
        VecOp::Sha1Su1 => crypto::sha1su1(a, b),
        VecOp::Sha256H => crypto::sha256h(a, b, c),
        VecOp::Sha256H2 => crypto::sha256h2(a, b, c),
        VecOp::Sha256Su0 => crypto::sha256su0(a, b),
        VecOp::Sha256Su1 => crypto::sha256su1(a, b, c),
        VecOp::Sha512H => crypto::sha512h(a, b, c),
        VecOp::Sha512H2 => crypto::sha512h2(a, b, c),
        VecOp::Sha512Su0 => crypto::sha512su0(a, b),
        VecOp::Sha512Su1 => crypto::sha512su1(a, b, c),
        VecOp::Eor3 => a ^ b ^ c,
        VecOp::Bcax => a ^ (b & !c),
        VecOp::Rax1 => crypto::rax1(a, b),
        VecOp::Xar => crypto::xar(a, b, imm as u32),
        VecOp::Pmull => crypto::pmull(a, b, e, imm == 1),
        VecOp::SHAdd | VecOp::UHAdd | VecOp::SRHAdd | VecOp::URHAdd => {
            let signed = matches!(op, VecOp::SHAdd | VecOp::SRHAdd);
            let round = matches!(op, VecOp::SRHAdd | VecOp::URHAdd) as i128;
            fmap(env, a, b, 0, e, imm, |_, x, y, _| {
                ((ext(x, e, signed) + ext(y, e, signed) + round) >> 1) as u64 & m
            })
        }
        VecOp::SHSub | VecOp::UHSub => {
            let signed = op == VecOp::SHSub;
            fmap(env, a, b, 0, e, imm, |_, x, y, _| {
                ((ext(x, e, signed) - ext(y, e, signed)) >> 1) as u64 & m
            })
        }
        VecOp::SQAdd => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            sat(v, ext(x, e, true) + ext(y, e, true), e, true)
        }),
        VecOp::SQSub => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            sat(v, ext(x, e, true) - ext(y, e, true), e, true)
        }),
        VecOp::UQAddQ => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            sat(v, ext(x, e, false) + ext(y, e, false), e, false)
        }),
        VecOp::UQSubQ => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            sat(v, ext(x, e, false) - ext(y, e, false), e, false)
        }),
        VecOp::SAbd | VecOp::UAbd => {
            let signed = op == VecOp::SAbd;
            fmap(env, a, b, 0, e, imm, |_, x, y, _| {
                (ext(x, e, signed) - ext(y, e, signed)).unsigned_abs() as u64 & m
            })
        }
        VecOp::SAba | VecOp::UAba => {
            let signed = op == VecOp::SAba;
            fmap(env, a, b, c, e, imm, |_, acc, x, y| {
                let d = (ext(x, e, signed) - ext(y, e, signed)).unsigned_abs() as u64;
                acc.wrapping_add(d) & m
            })
        }
        VecOp::SRShl
        | VecOp::URShl
        | VecOp::SQShl
        | VecOp::UQShl
        | VecOp::SQRShl
        | VecOp::UQRShl => {
            let signed = matches!(op, VecOp::SRShl | VecOp::SQShl | VecOp::SQRShl);
            let round = matches!(
                op,
                VecOp::SRShl | VecOp::URShl | VecOp::SQRShl | VecOp::UQRShl
            );
            let saturate = matches!(
                op,
                VecOp::SQShl | VecOp::UQShl | VecOp::SQRShl | VecOp::UQRShl
            );
            fmap(env, a, b, 0, e, imm, |v, x, y, _| {
                shift_reg(
                    v,
                    ext(x, e, signed),
                    y as u8 as i8 as i32,
                    e,
                    signed,
                    round,
                    saturate,
                )
            })
        }
        VecOp::SQDMulH | VecOp::SQRDMulH => {
            let round = if op == VecOp::SQRDMulH {
                1i128 << (e - 1)
            } else {
                0
            };
            fmap(env, a, b, 0, e, imm, |v, x, y, _| {
                let p = 2 * ext(x, e, true) * ext(y, e, true) + round;
                sat(v, p >> e, e, true)
            })
        }
        VecOp::PMul => fmap(env, a, b, 0, e, imm, |_, x, y, _| {
            let mut r = 0u64;
            for i in 0..8 {
                if y >> i & 1 != 0 {
                    r ^= x << i;
                }
            }
            r & 0xff
        }),
        VecOp::FMaxNm => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            softfp::min_max(v, x, y, e, true, true)
        }),
        VecOp::FMinNm => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            softfp::min_max(v, x, y, e, false, true)
        }),
        VecOp::FMaxNmP | VecOp::FMinNmP | VecOp::FMaxP | VecOp::FMinP | VecOp::FAddP => {
            fpairwise(env, a, b, e, imm == 1, |v, x, y| match op {
                VecOp::FMaxNmP => softfp::min_max(v, x, y, e, true, true),
                VecOp::FMinNmP => softfp::min_max(v, x, y, e, false, true),
                VecOp::FMaxP => softfp::min_max(v, x, y, e, true, false),
                VecOp::FMinP => softfp::min_max(v, x, y, e, false, false),
                _ => softfp::add(v, x, y, e),
            })
        }
        VecOp::FAbd => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            softfp::sub(v, x, y, e) & (m >> 1)
        }),
        VecOp::FMulX => fmap(env, a, b, 0, e, imm, |v, x, y, _| softfp::mulx(v, x, y, e)),
        VecOp::FAcGe | VecOp::FAcGt => {
            let cmp = if op == VecOp::FAcGe {
                LaneCmp::Ge
            } else {
                LaneCmp::Gt
            };
            fmap(env, a, b, 0, e, imm, |v, x, y, _| {
                all(softfp::compare_lanes(v, x & (m >> 1), y & (m >> 1), e, cmp))
            })
        }
        VecOp::FRecpS => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            softfp::recip_step(v, x, y, e)
        }),
        VecOp::FRSqrtS => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            softfp::rsqrt_step(v, x, y, e)
        }),
        VecOp::FMls => fmap(env, a, b, c, e, imm, |v, x, y, z| {
            softfp::mul_add(v, x, y ^ (1u64 << (e - 1)), z, e)
        }),
        VecOp::SAddlp | VecOp::UAdalp | VecOp::SAdalp => {
            let signed = op != VecOp::UAdalp;
            let (src, acc) = if op == VecOp::SAddlp { (a, 0) } else { (b, a) };
            let mut r = 0u128;
            for i in 0..n / 2 {
                let s2 =
                    ext(lane(src, e, 2 * i), e, signed) + ext(lane(src, e, 2 * i + 1), e, signed);
                let v = (lane(acc, 2 * e, i) as i128).wrapping_add(s2) as u64 & mask(2 * e);
                set_lane(&mut r, 2 * e, i, v);
            }
            r
        }
        VecOp::Cls => map2(a, 0, e, |x, _| {
            let v = sx(x, e);
            let t = if v < 0 { !v } else { v };
            (t.leading_zeros() - (64 - e) - 1) as u64
        }),
        VecOp::Clz => map2(a, 0, e, |x, _| ((x & m).leading_zeros() - (64 - e)) as u64),
        VecOp::Rbit => map2(a, 0, e, |x, _| (x.reverse_bits() >> (64 - e)) & m),
        VecOp::SQAbs => fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
            sat(v, ext(x, e, true).abs(), e, true)
        }),
        VecOp::SQNeg => fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
            sat(v, -ext(x, e, true), e, true)
        }),
        VecOp::SUQAdd => fmap(env, a, b, 0, e, imm, |v, acc, x, _| {
            sat(v, ext(acc, e, true) + ext(x, e, false), e, true)
        }),
        VecOp::USQAdd => fmap(env, a, b, 0, e, imm, |v, acc, x, _| {
            sat(v, ext(acc, e, false) + ext(x, e, true), e, false)
        }),
        VecOp::SQXtn | VecOp::UQXtn | VecOp::SQXtun => {
            let (src_signed, dst_signed) = match op {
                VecOp::SQXtn => (true, true),
                VecOp::UQXtn => (false, false),
                _ => (true, false),
            };
            let mut r = 0u128;
            for i in 0..128 / e {
                let x = sat(env, ext(lane(a, e, i), e, src_signed), e / 2, dst_signed);
                set_lane(&mut r, e / 2, i, x);
            }
            r
        }
        VecOp::FRintN | VecOp::FRintP | VecOp::FRintM | VecOp::FRintZ | VecOp::FRintA => {
            let mode = match op {
                VecOp::FRintN => RoundMode::Nearest,
                VecOp::FRintP => RoundMode::Up,
                VecOp::FRintM => RoundMode::Down,
                VecOp::FRintZ => RoundMode::Zero,
                _ => RoundMode::Away,
            };
            fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
                softfp::round_int(v, x, e, mode, false)
            })
        }
        VecOp::FRintX | VecOp::FRintI => {
            let exact = op == VecOp::FRintX;
            fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
                let mode = v.rmode();
                softfp::round_int(v, x, e, mode, exact)
            })
        }
        VecOp::FCvtNS
        | VecOp::FCvtNU
        | VecOp::FCvtPS
        | VecOp::FCvtPU
        | VecOp::FCvtMS
        | VecOp::FCvtMU
        | VecOp::FCvtAS
        | VecOp::FCvtAU => {
            let (mode, signed) = match op {
                VecOp::FCvtNS => (RoundMode::Nearest, true),
                VecOp::FCvtNU => (RoundMode::Nearest, false),
                VecOp::FCvtPS => (RoundMode::Up, true),
                VecOp::FCvtPU => (RoundMode::Up, false),
                VecOp::FCvtMS => (RoundMode::Down, true),
                VecOp::FCvtMU => (RoundMode::Down, false),
                VecOp::FCvtAS => (RoundMode::Away, true),
                _ => (RoundMode::Away, false),
            };
            fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
                softfp::to_int(v, x, e, mode, signed, e, 0)
            })
        }
        VecOp::FCvtN => {
            let mut r = 0u128;
            for i in 0..128 / e {
                let x = softfp::convert(env, lane(a, e, i), e, e / 2);
                set_lane(&mut r, e / 2, i, x);
            }
            r
        }
        VecOp::HFromFixS | VecOp::HFromFixU => {
            let signed = op == VecOp::HFromFixS;
            softfp::from_int(env, a as u64, e, signed, 16, imm as u32) as u128
        }
        VecOp::HToFixS | VecOp::HToFixU => {
            let signed = op == VecOp::HToFixS;
            let r = softfp::to_int(
                env,
                a as u64 & 0xffff,
                16,
                RoundMode::Zero,
                signed,
                e,
                imm as u32,
            );
            r as u128
        }
        VecOp::FRint32Z | VecOp::FRint32X | VecOp::FRint64Z | VecOp::FRint64X => {
            let n = if matches!(op, VecOp::FRint32Z | VecOp::FRint32X) {
                32
            } else {
                64
            };
            let zero = matches!(op, VecOp::FRint32Z | VecOp::FRint64Z);
            fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
                let mode = if zero { RoundMode::Zero } else { v.rmode() };
                softfp::round_int_n(v, x, e, mode, n)
            })
        }
        VecOp::FMlalH => {
            let results = if imm & 1 == 1 { 2 } else { 4 };
            let part = (imm >> 1 & 1) as u32;
            let sub = imm & 4 != 0;
            let mut r = 0u128;
            for i in 0..results {
                let x = lane(b, 16, part * results + i);
                let x = if sub { x ^ 0x8000 } else { x };
                let y = lane(c, 16, part * results + i);
                let v = softfp::mul_add_h(env, lane(a, 32, i), x, y);
                set_lane(&mut r, 32, i, v);
            }
            r
        }
        VecOp::FCAdd | VecOp::FCMla | VecOp::FCMlaElem => {
            let lanes = if imm & 1 == 1 { 64 / e } else { 128 / e };
            let rot = imm >> 1 & 3;
            let elem = (imm >> 3) as u32;
            let neg = |x: u64| x ^ (1u64 << (e - 1));
            let mut r = 0u128;
            for p in 0..lanes / 2 {
                let (re, im) = (2 * p, 2 * p + 1);
                if op == VecOp::FCAdd {
                    let (n_re, n_im) = (lane(a, e, re), lane(a, e, im));
                    let (m_re, m_im) = (lane(b, e, re), lane(b, e, im));
                    // rotate m by 90° (rot 0) or 270° (rot 1), then add
                    let (e1, e3) = if rot & 1 == 0 {
                        (neg(m_im), m_re)
                    } else {
                        (m_im, neg(m_re))
                    };
                    set_lane(&mut r, e, re, softfp::add(env, n_re, e1, e));
                    set_lane(&mut r, e, im, softfp::add(env, n_im, e3, e));
                } else {
                    let (d_re, d_im) = (lane(a, e, re), lane(a, e, im));
                    let (n_re, n_im) = (lane(b, e, re), lane(b, e, im));
                    let (m_re, m_im) = if op == VecOp::FCMlaElem {
                        (lane(c, e, 2 * elem), lane(c, e, 2 * elem + 1))
                    } else {
                        (lane(c, e, re), lane(c, e, im))
                    };
                    let (e1, e2, e3, e4) = match rot {
                        0 => (m_re, n_re, m_im, n_re),
                        1 => (neg(m_im), n_im, m_re, n_im),
                        2 => (neg(m_re), n_re, neg(m_im), n_re),
                        _ => (m_im, n_im, neg(m_re), n_im),
                    };
                    set_lane(&mut r, e, re, softfp::mul_add(env, d_re, e2, e1, e));
                    set_lane(&mut r, e, im, softfp::mul_add(env, d_im, e4, e3, e));
                }
            }
            r
        }
        VecOp::FJCvtZS => {
            let (r, z) = softfp::to_int_js(env, a as u64);
            r as u128 | (z as u128) << 32
        }
        VecOp::FCvtXN => {
            let mut r = 0u128;
            for i in 0..128 / e {
                let x = softfp::convert_odd(env, lane(a, e, i), e, e / 2);
                set_lane(&mut r, e / 2, i, x);
            }
            r
        }
        VecOp::FCvtL => {
            let mut r = 0u128;
            for i in 0..128 / e {
                let x = softfp::convert(env, lane(a, e / 2, i), e / 2, e);
                set_lane(&mut r, e, i, x);
            }
            r
        }
        VecOp::SSra | VecOp::USra | VecOp::SRShr | VecOp::URShr | VecOp::SRSra | VecOp::URSra => {
            let signed = matches!(op, VecOp::SSra | VecOp::SRShr | VecOp::SRSra);
            let round = matches!(
                op,
                VecOp::SRShr | VecOp::URShr | VecOp::SRSra | VecOp::URSra
            );
            let acc = matches!(op, VecOp::SSra | VecOp::USra | VecOp::SRSra | VecOp::URSra);
            let sh = imm as u32;
            let (src, d) = if acc { (b, a) } else { (a, 0) };
            map2(src, d, e, |x, dv| {
                let v = ext(x, e, signed) + if round { 1i128 << (sh - 1) } else { 0 };
                let r = (v >> sh) as u64;
                if acc {
                    dv.wrapping_add(r) & m
                } else {
                    r & m
                }
            })
        }
        VecOp::Sri => {
            let sh = imm as u32;
            let ins = if sh >= e { 0 } else { m >> sh };
            map2(b, a, e, |x, dv| {
                (dv & !ins | ((x & m) >> sh.min(63)) & ins) & m
            })
        }
        VecOp::Sli => {
            let sh = imm as u32;
            let ins = (m << sh) & m;
            map2(b, a, e, |x, dv| (dv & !ins | (x << sh) & ins) & m)
        }
        VecOp::SQShlImm | VecOp::UQShlImm | VecOp::SQShluImm => {
            let (src_signed, dst_signed) = match op {
                VecOp::SQShlImm => (true, true),
                VecOp::UQShlImm => (false, false),
                _ => (true, false),
            };
            fmap(env, a, 0, 0, e, 0, |v, x, _, _| {
                sat(v, ext(x, e, src_signed) << imm, e, dst_signed)
            })
        }
        VecOp::RShrN
        | VecOp::SQShrN
        | VecOp::UQShrN
        | VecOp::SQShrUN
        | VecOp::SQRShrN
        | VecOp::UQRShrN
        | VecOp::SQRShrUN => {
            let (src_signed, dst_signed, round, saturate) = match op {
                VecOp::RShrN => (false, false, true, false),
                VecOp::SQShrN => (true, true, false, true),
                VecOp::UQShrN => (false, false, false, true),
                VecOp::SQShrUN => (true, false, false, true),
                VecOp::SQRShrN => (true, true, true, true),
                VecOp::UQRShrN => (false, false, true, true),
                _ => (true, false, true, true),
            };
            let sh = imm as u32;
            let mut r = 0u128;
            for i in 0..128 / e {
                let v =
                    ext(lane(a, e, i), e, src_signed) + if round { 1i128 << (sh - 1) } else { 0 };
                let v = v >> sh;
                let x = if saturate {
                    sat(env, v, e / 2, dst_signed)
                } else {
                    v as u64 & mask(e / 2)
                };
                set_lane(&mut r, e / 2, i, x);
            }
            r
        }
        VecOp::SCvtFFix | VecOp::UCvtFFix => {
            let signed = op == VecOp::SCvtFFix;
            fmap(env, a, 0, 0, e, 0, |v, x, _, _| {
                softfp::from_int(v, x, e, signed, e, imm as u32)
            })
        }
        VecOp::FCvtZSFix | VecOp::FCvtZUFix => {
            let signed = op == VecOp::FCvtZSFix;
            fmap(env, a, 0, 0, e, 0, |v, x, _, _| {
                softfp::to_int(v, x, e, RoundMode::Zero, signed, e, imm as u32)
            })
        }
        VecOp::SQDMull | VecOp::SQDMlal | VecOp::SQDMlsl => {
            let (x, y) = if op == VecOp::SQDMull { (a, b) } else { (b, c) };
            let mut r = 0u128;
            for i in 0..64 / e {
                let p = 2 * ext(lane(x, e, i), e, true) * ext(lane(y, e, i), e, true);
                let p = sat(env, p, 2 * e, true);
                let v = match op {
                    VecOp::SQDMull => p,
                    _ => {
                        let acc = ext(lane(a, 2 * e, i), 2 * e, true);
                        let p = ext(p, 2 * e, true);
                        let s = if op == VecOp::SQDMlal {
                            acc + p
                        } else {
                            acc - p
                        };
                        sat(env, s, 2 * e, true)
                    }
                };
                set_lane(&mut r, 2 * e, i, v);
            }
            r
        }
        VecOp::FAdd => fmap(env, a, b, 0, e, imm, |v, x, y, _| softfp::add(v, x, y, e)),
        VecOp::FSub => fmap(env, a, b, 0, e, imm, |v, x, y, _| softfp::sub(v, x, y, e)),
        VecOp::FMul => fmap(env, a, b, 0, e, imm, |v, x, y, _| softfp::mul(v, x, y, e)),
        VecOp::FDiv => fmap(env, a, b, 0, e, imm, |v, x, y, _| softfp::div(v, x, y, e)),
        VecOp::FMax => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            softfp::min_max(v, x, y, e, true, false)
        }),
        VecOp::FMin => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            softfp::min_max(v, x, y, e, false, false)
        }),
        VecOp::FNeg => map2(a, 0, e, |x, _| (x ^ (1u64 << (e - 1))) & m),
        VecOp::FAbs => map2(a, 0, e, |x, _| x & (m >> 1)),
        VecOp::FSqrt => fmap(env, a, 0, 0, e, imm, |v, x, _, _| softfp::sqrt(v, x, e)),
        VecOp::FMla => fmap(env, a, b, c, e, imm, |v, x, y, z| {
            softfp::mul_add(v, x, y, z, e)
        }),
        VecOp::FCmEq => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            all(softfp::compare_lanes(v, x, y, e, LaneCmp::Eq))
        }),
        VecOp::FCmGt => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            all(softfp::compare_lanes(v, x, y, e, LaneCmp::Gt))
        }),
        VecOp::FCmGe => fmap(env, a, b, 0, e, imm, |v, x, y, _| {
            all(softfp::compare_lanes(v, x, y, e, LaneCmp::Ge))
        }),
        VecOp::SCvtF => fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
            softfp::from_int(v, x, e, true, e, 0)
        }),
        VecOp::UCvtF => fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
            softfp::from_int(v, x, e, false, e, 0)
        }),
        VecOp::FCvtZS => fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
            softfp::to_int(v, x, e, RoundMode::Zero, true, e, 0)
        }),
        VecOp::FCvtZU => fmap(env, a, 0, 0, e, imm, |v, x, _, _| {
            softfp::to_int(v, x, e, RoundMode::Zero, false, e, 0)
        }),
    }
}

fn is_half_form(op: VecOp) -> bool {
    use VecOp::*;
    matches!(
        op,
        Zip1 | Zip2 | Uzp1 | Uzp2 | Trn1 | Trn2 | UAddlv | SAddlv
    )
}

/// Packs (op, esize, imm) for the JIT's vector helper.
pub fn vec_pack(op: VecOp, esize: u8, imm: u8) -> u64 {
    (vec_index(op) as u64) << 16 | (esize as u64) << 8 | imm as u64
}

/// All vector ops in a fixed order (the index is what the JIT passes to its helper).
pub const VEC_OPS: &[VecOp] = &[
    VecOp::And,
    VecOp::Orr,
    VecOp::Eor,
    VecOp::Bic,
    VecOp::Orn,
    VecOp::Bsl,
    VecOp::Add,
    VecOp::Sub,
    VecOp::Mul,
    VecOp::Neg,
    VecOp::Abs,
    VecOp::Not,
    VecOp::CmEq,
    VecOp::CmGt,
    VecOp::CmGe,
    VecOp::CmHi,
    VecOp::CmHs,
    VecOp::CmTst,
    VecOp::UMax,
    VecOp::UMin,
    VecOp::SMax,
    VecOp::SMin,
    VecOp::AddP,
    VecOp::UMaxP,
    VecOp::UMinP,
    VecOp::SMaxP,
    VecOp::SMinP,
    VecOp::AddV,
    VecOp::UMaxV,
    VecOp::UMinV,
    VecOp::SMaxV,
    VecOp::SMinV,
    VecOp::ShlImm,
    VecOp::UShrImm,
    VecOp::SShrImm,
    VecOp::ShrN,
    VecOp::Xtn,
    VecOp::Uxtl,
    VecOp::Sxtl,
    VecOp::UShl,
    VecOp::SShl,
    VecOp::Zip1,
    VecOp::Zip2,
    VecOp::Uzp1,
    VecOp::Uzp2,
    VecOp::Trn1,
    VecOp::Trn2,
    VecOp::Ext,
    VecOp::Tbl,
    VecOp::Tbx,
    VecOp::Rev16,
    VecOp::Rev32,
    VecOp::Rev64,
    VecOp::Cnt,
    VecOp::DupElem,
    VecOp::DupScalar,
    VecOp::InsElem,
    VecOp::ZeroHigh,
    VecOp::UQSub,
    VecOp::UQAdd,
    VecOp::FAdd,
    VecOp::FSub,
    VecOp::FMul,
    VecOp::FDiv,
    VecOp::FMax,
    VecOp::FMin,
    VecOp::FCmEq,
    VecOp::FCmGt,
    VecOp::FCmGe,
    VecOp::FNeg,
    VecOp::FAbs,
    VecOp::FSqrt,
    VecOp::FMla,
    VecOp::SCvtF,
    VecOp::UCvtF,
    VecOp::FCvtZS,
    VecOp::FCvtZU,
    VecOp::Mla,
    VecOp::Mls,
    VecOp::UMull,
    VecOp::SMull,
    VecOp::UAddlv,
    VecOp::UAddlp,
    VecOp::AesE,
    VecOp::AesD,
    VecOp::AesMc,
    VecOp::AesImc,
    VecOp::Sha1C,
    VecOp::Sha1P,
    VecOp::Sha1M,
    VecOp::Sha1H,
    VecOp::Sha1Su0,
    VecOp::Sha1Su1,
    VecOp::Sha256H,
    VecOp::Sha256H2,
    VecOp::Sha256Su0,
    VecOp::Sha256Su1,
    VecOp::Sha512H,
    VecOp::Sha512H2,
    VecOp::Sha512Su0,
    VecOp::Sha512Su1,
    VecOp::Eor3,
    VecOp::Bcax,
    VecOp::Rax1,
    VecOp::Xar,
    VecOp::Pmull,
    VecOp::SHAdd,
    VecOp::UHAdd,
    VecOp::SRHAdd,
    VecOp::URHAdd,
    VecOp::SHSub,
    VecOp::UHSub,
    VecOp::SQAdd,
    VecOp::SQSub,
    VecOp::UQAddQ,
    VecOp::UQSubQ,
    VecOp::SAbd,
    VecOp::UAbd,
    VecOp::SAba,
    VecOp::UAba,
    VecOp::SRShl,
    VecOp::URShl,
    VecOp::SQShl,
    VecOp::UQShl,
    VecOp::SQRShl,
    VecOp::UQRShl,
    VecOp::SQDMulH,
    VecOp::SQRDMulH,
    VecOp::PMul,
    VecOp::FMaxNm,
    VecOp::FMinNm,
    VecOp::FMaxNmP,
    VecOp::FMinNmP,
    VecOp::FAddP,
    VecOp::FAbd,
    VecOp::FMulX,
    VecOp::FAcGe,
    VecOp::FAcGt,
    VecOp::FMaxP,
    VecOp::FMinP,
    VecOp::FRecpS,
    VecOp::FRSqrtS,
    VecOp::FMls,
    VecOp::SAddlp,
    VecOp::UAdalp,
    VecOp::SAdalp,
    VecOp::Cls,
    VecOp::Clz,
    VecOp::Rbit,
    VecOp::SQAbs,
    VecOp::SQNeg,
    VecOp::SUQAdd,
    VecOp::USQAdd,
    VecOp::SQXtn,
    VecOp::UQXtn,
    VecOp::SQXtun,
    VecOp::FRintN,
    VecOp::FRintP,
    VecOp::FRintM,
    VecOp::FRintZ,
    VecOp::FRintA,
    VecOp::FRintX,
    VecOp::FRintI,
    VecOp::FCvtNS,
    VecOp::FCvtNU,
    VecOp::FCvtPS,
    VecOp::FCvtPU,
    VecOp::FCvtMS,
    VecOp::FCvtMU,
    VecOp::FCvtAS,
    VecOp::FCvtAU,
    VecOp::FCvtN,
    VecOp::FCvtL,
    VecOp::SSra,
    VecOp::USra,
    VecOp::SRShr,
    VecOp::URShr,
    VecOp::SRSra,
    VecOp::URSra,
    VecOp::Sri,
    VecOp::Sli,
    VecOp::SQShlImm,
    VecOp::UQShlImm,
    VecOp::SQShluImm,
    VecOp::RShrN,
    VecOp::SQShrN,
    VecOp::UQShrN,
    VecOp::SQShrUN,
    VecOp::SQRShrN,
    VecOp::UQRShrN,
    VecOp::SQRShrUN,
    VecOp::SCvtFFix,
    VecOp::UCvtFFix,
    VecOp::FCvtZSFix,
    VecOp::FCvtZUFix,
    VecOp::SQDMull,
    VecOp::SQDMlal,
    VecOp::SQDMlsl,
    VecOp::SAddlv,
    VecOp::SDot,
    VecOp::UDot,
    VecOp::SQRDMlah,
    VecOp::SQRDMlsh,
    VecOp::UsDot,
    VecOp::SuDot,
    VecOp::SMmla,
    VecOp::UMmla,
    VecOp::UsMmla,
    VecOp::BfCvtN,
    VecOp::BfDot,
    VecOp::BfMmla,
    VecOp::BfMlal,
    VecOp::HFromInt,
    VecOp::HToInt,
    VecOp::HCvt,
    VecOp::HCmp,
    VecOp::FRecpE,
    VecOp::FRSqrtE,
    VecOp::URecpE,
    VecOp::URSqrtE,
    VecOp::FRecpX,
    VecOp::FCvtXN,
    VecOp::HFromFixS,
    VecOp::HFromFixU,
    VecOp::HToFixS,
    VecOp::HToFixU,
    VecOp::FRint32Z,
    VecOp::FRint32X,
    VecOp::FRint64Z,
    VecOp::FRint64X,
    VecOp::FJCvtZS,
    VecOp::FCAdd,
    VecOp::FCMla,
    VecOp::FCMlaElem,
    VecOp::FMlalH,
];

pub fn vec_index(op: VecOp) -> usize {
    VEC_OPS
        .iter()
        .position(|o| *o == op)
        .expect("every VecOp is listed in VEC_OPS")
}

/// Called by translated code: evaluates `scratch[0..3]` into `scratch[0]`.
///
/// # Safety
/// `state` must point to a live `CpuState`.
pub unsafe extern "C" fn vec_helper(state: *mut crate::CpuState, packed: u64) {
    // SAFETY: the caller passes its own CpuState pointer.
    let s = unsafe { &mut *state };
    let op = VEC_OPS[(packed >> 16) as usize];
    let mut env = Env::new(s.fpcr);
    s.scratch[0] = vec_env(
        &mut env,
        op,
        (packed >> 8) as u8,
        packed as u8,
        s.scratch[0],
        s.scratch[1],
        s.scratch[2],
    );
    s.fpsr |= env.flags;
}

/// Called by translated code for scalar FP ops that have no inline lowering, or whose inline
/// result may raise a flag or needs the architecture's NaN rules: runs under `state.fpcr` and
/// ORs the flags into `state.fpsr`. `packed` = op index << 8 | bits.
///
/// # Safety
/// `state` must point to a live `CpuState`.
pub unsafe extern "C" fn fp_helper(
    state: *mut crate::CpuState,
    packed: u64,
    a: u64,
    b: u64,
    c: u64,
) -> u64 {
    // SAFETY: the caller passes its own CpuState pointer.
    let s = unsafe { &mut *state };
    let mut env = Env::new(s.fpcr);
    let op = FP_OPS[(packed >> 8) as usize];
    let r = fp(&mut env, op, a, b, c, (packed & 0xff) as u32);
    s.fpsr |= env.flags;
    r
}

/// As `fp_helper`, with the result in `state.scratch[0]` (for calls that keep every register).
///
/// # Safety
/// `state` must point to a live `CpuState`.
pub unsafe extern "C" fn fp_helper_to_scratch(
    state: *mut crate::CpuState,
    packed: u64,
    a: u64,
    b: u64,
    c: u64,
) {
    // SAFETY: as for `fp_helper`.
    unsafe {
        let r = fp_helper(state, packed, a, b, c);
        (*state).scratch[0] = r as u128;
    }
}

/// As `fcvt_helper`, with the result in `state.scratch[0]`.
///
/// # Safety
/// `state` must point to a live `CpuState`.
pub unsafe extern "C" fn fcvt_helper_to_scratch(state: *mut crate::CpuState, packed: u64, a: u64) {
    // SAFETY: as for `fcvt_helper`.
    unsafe {
        let r = fcvt_helper(state, packed, a);
        (*state).scratch[0] = r as u128;
    }
}

/// Scalar FP ops in a fixed order for `fp_helper`.
pub const FP_OPS: &[FpOp] = &[
    FpOp::Add,
    FpOp::Sub,
    FpOp::Mul,
    FpOp::Div,
    FpOp::Max,
    FpOp::Min,
    FpOp::MaxNm,
    FpOp::MinNm,
    FpOp::Sqrt,
    FpOp::Neg,
    FpOp::Abs,
    FpOp::MulAdd,
    FpOp::Round(RoundMode::Nearest),
    FpOp::Round(RoundMode::Up),
    FpOp::Round(RoundMode::Down),
    FpOp::Round(RoundMode::Zero),
    FpOp::Round(RoundMode::Away),
    FpOp::RoundFpcr { exact: false },
    FpOp::RoundFpcr { exact: true },
    FpOp::Cmp,
    FpOp::CmpE,
];

pub fn fp_index(op: FpOp) -> usize {
    FP_OPS
        .iter()
        .position(|o| *o == op)
        .expect("every FpOp is listed in FP_OPS")
}

/// Called by translated code for conversions: `packed` = fbits << 32 | kind << 24 | round mode << 16 |
/// signed << 15 | in_bits << 8 | out_bits, kind 0 = FP→int, 1 = int→FP, 2 = FP→FP. Runs under
/// `state.fpcr`, ORs the flags into `state.fpsr`.
///
/// # Safety
/// `state` must point to a live `CpuState`.
pub unsafe extern "C" fn fcvt_helper(state: *mut crate::CpuState, packed: u64, a: u64) -> u64 {
    // SAFETY: the caller passes its own CpuState pointer.
    let s = unsafe { &mut *state };
    let mut env = Env::new(s.fpcr);
    let mode = ROUND_MODES[(packed >> 16) as usize & 7];
    let (signed, in_bits, out_bits) = (
        packed >> 15 & 1 != 0,
        (packed >> 8) as u32 & 0x7f,
        (packed & 0xff) as u32,
    );
    let fbits = (packed >> 32) as u32 & 0x7f;
    let r = match packed >> 24 & 0xff {
        0 => softfp::to_int(&mut env, a, in_bits, mode, signed, out_bits, fbits),
        1 => softfp::from_int(&mut env, a, in_bits, signed, out_bits, fbits),
        _ => fp_to_fp(&mut env, a, in_bits),
    };
    s.fpsr |= env.flags;
    r
}

pub const ROUND_MODES: [RoundMode; 5] = [
    RoundMode::Nearest,
    RoundMode::Up,
    RoundMode::Down,
    RoundMode::Zero,
    RoundMode::Away,
];

pub fn round_index(m: RoundMode) -> u64 {
    ROUND_MODES.iter().position(|x| *x == m).unwrap_or(0) as u64
}

// ---------------------------------------------------------------------------------------------
// Memory helpers

/// Guest memory as the helpers see it.
pub trait Mem {
    /// Loads `size` (1, 2, 4 or 8) bytes, zero-extended.
    fn load(&mut self, addr: u64, size: u8) -> u64;
    fn store(&mut self, addr: u64, size: u8, val: u64);
    fn load128(&mut self, addr: u64) -> u128 {
        self.load(addr, 8) as u128 | (self.load(addr.wrapping_add(8), 8) as u128) << 64
    }
    fn store128(&mut self, addr: u64, val: u128) {
        self.store(addr, 8, val as u64);
        self.store(addr.wrapping_add(8), 8, (val >> 64) as u64);
    }
}

/// STXR: succeeds (returns 0) when the monitor holds `addr` and memory still holds the value
/// loaded by the matching LDXR; clears the monitor either way.
pub fn store_exclusive(
    m: &mut impl Mem,
    monitor: u64,
    expected: u64,
    addr: u64,
    size: u8,
    val: u64,
) -> u64 {
    if monitor != addr || m.load(addr, size) != expected & mask(size as u32 * 8) {
        return 1;
    }
    m.store(addr, size, val);
    0
}

/// STXP of two `size`-byte elements.
#[allow(clippy::too_many_arguments)]
pub fn store_exclusive_pair(
    m: &mut impl Mem,
    monitor: u64,
    exp_lo: u64,
    exp_hi: u64,
    addr: u64,
    size: u8,
    lo: u64,
    hi: u64,
) -> u64 {
    let s = size as u64;
    if monitor != addr || m.load(addr, size) != exp_lo || m.load(addr + s, size) != exp_hi {
        return 1;
    }
    m.store(addr, size, lo);
    m.store(addr + s, size, hi);
    0
}

/// CAS: returns the old value; stores `new` if it equalled `expected`.
pub fn compare_and_swap(m: &mut impl Mem, addr: u64, size: u8, expected: u64, new: u64) -> u64 {
    let old = m.load(addr, size);
    if old == expected & mask(size as u32 * 8) {
        m.store(addr, size, new);
    }
    old
}

/// LSE atomic read-modify-write: memory ← op(old, operand); returns the old value.
pub fn atomic_rmw(m: &mut impl Mem, addr: u64, size: u8, op: u8, operand: u64) -> u64 {
    let bits = size as u32 * 8;
    let old = m.load(addr, size);
    let x = operand & mask(bits);
    let sx = |v: u64| ((v << (64 - bits)) as i64) >> (64 - bits);
    let new = match op {
        0 => old.wrapping_add(x),
        1 => old & !x,
        2 => old ^ x,
        3 => old | x,
        4 => {
            if sx(old) >= sx(x) {
                old
            } else {
                x
            }
        }
        5 => {
            if sx(old) <= sx(x) {
                old
            } else {
                x
            }
        }
        6 => old.max(x),
        7 => old.min(x),
        _ => x,
    };
    m.store(addr, size, new & mask(bits));
    old
}

/// Direct host-memory view used by translated code's helpers.
pub struct HostMem {
    pub base: u64,
    pub mask: u64,
}

impl Mem for HostMem {
    fn load(&mut self, addr: u64, size: u8) -> u64 {
        let p = self.base.wrapping_add(addr & self.mask) as usize;
        // SAFETY: the mask keeps `p` inside the reserved guest region (with a guard zone past
        // its end for the access width); a fault there is caught as a guest SIGSEGV.
        unsafe {
            match size {
                1 => (p as *const u8).read_volatile() as u64,
                2 => (p as *const u16).read_unaligned() as u64,
                4 => (p as *const u32).read_unaligned() as u64,
                _ => (p as *const u64).read_unaligned(),
            }
        }
    }
    fn store(&mut self, addr: u64, size: u8, val: u64) {
        let p = self.base.wrapping_add(addr & self.mask) as usize;
        // SAFETY: as in `load`.
        unsafe {
            match size {
                1 => (p as *mut u8).write_volatile(val as u8),
                2 => (p as *mut u16).write_unaligned(val as u16),
                4 => (p as *mut u32).write_unaligned(val as u32),
                _ => (p as *mut u64).write_unaligned(val),
            }
        }
    }
}

/// Called by translated code for `Helper` ops (after it has written its registers back, so the
/// monitor in `state` is current). `packed` = helper kind << 8 | size.
///
/// # Safety
/// `state` must point to a live `CpuState` whose memory fields describe the guest region.
pub unsafe extern "C" fn mem_helper(
    state: *mut crate::CpuState,
    packed: u64,
    a: u64,
    b: u64,
    c: u64,
) -> u64 {
    // SAFETY: the caller passes its own CpuState pointer.
    let s = unsafe { &mut *state };
    let mut m = HostMem {
        base: s.mem_base,
        mask: s.mem_mask,
    };
    let size = packed as u8;
    match packed >> 8 {
        0 => store_exclusive(&mut m, s.excl_addr, s.excl_val, a, size, b),
        1 => store_exclusive_pair(&mut m, s.excl_addr, s.excl_val, s.excl_val2, a, size, b, c),
        2 => compare_and_swap(&mut m, a, size, b, c),
        k => atomic_rmw(&mut m, a, size, (k - 3) as u8, b),
    }
}

#[cfg(test)]
mod tests {
    //! Values from the Arm ARM's definitions (AddWithCarry, ConditionHolds, FPProcessNaNs,
    //! FPMax/FPMin, FPToFixed, the division rules of UDIV/SDIV).
    use super::*;

    const N: u64 = 1 << 31;
    const Z: u64 = 1 << 30;
    const C: u64 = 1 << 29;
    const V: u64 = 1 << 28;

    #[test]
    fn add_with_carry_flags() {
        // ADDS w: 0x7fffffff + 1 overflows into the sign bit.
        assert_eq!(add_with_carry_nzcv(0x7fff_ffff, 1, 0, 32), N | V);
        // ADDS x: 0xffff...ff + 1 = 0 with carry out.
        assert_eq!(add_with_carry_nzcv(u64::MAX, 1, 0, 64), Z | C);
        // SUBS x: 0 - 1 = AddWithCarry(0, NOT 1, 1): borrow, so C = 0.
        assert_eq!(add_with_carry_nzcv(0, !1, 1, 64), N);
        // CMP equal values: Z and C (no borrow).
        assert_eq!(add_with_carry_nzcv(5, !5, 1, 64), Z | C);
        // SUBS w: INT32_MIN - 1 overflows.
        assert_eq!(
            add_with_carry_nzcv(0x8000_0000, !1u64 & 0xffff_ffff, 1, 32),
            C | V
        );
        // ADCS with carry in: 0xffffffff + 0 + 1.
        assert_eq!(add_with_carry_nzcv(0xffff_ffff, 0, 1, 32), Z | C);
    }

    #[test]
    fn conditions() {
        assert!(condition_holds(0b1110, 0)); // AL
        assert!(condition_holds(0b1111, 0)); // NV behaves as AL
        assert!(condition_holds(0b1010, N | V)); // GE: N == V
        assert!(!condition_holds(0b1011, N | V)); // LT
        assert!(condition_holds(0b1000, C)); // HI: C && !Z
        assert!(!condition_holds(0b1000, C | Z));
        assert!(condition_holds(0b1101, Z)); // LE: Z || N != V
    }

    #[test]
    fn nan_propagation() {
        let qnan_a = 0x7fc0_0001;
        let snan_b = 0x7f80_0002;
        // A signalling NaN wins over an earlier quiet NaN and is returned quieted.
        assert_eq!(process_nans(&[qnan_a, snan_b], 32), 0x7fc0_0002);
        // Two quiet NaNs: the first operand's.
        assert_eq!(process_nans(&[0x7fc0_0003, 0xffc0_0004], 32), 0x7fc0_0003);
        // 0 * inf is invalid: the default NaN (positive, quiet, zero payload).
        assert_eq!(
            fp(&mut Env::new(0), FpOp::Mul, 0, 0x7f80_0000, 0, 32),
            0x7fc0_0000
        );
        assert_eq!(
            fp(
                &mut Env::new(0),
                FpOp::Sub,
                0x7ff0_0000_0000_0000,
                0x7ff0_0000_0000_0000,
                0,
                64
            ),
            0x7ff8_0000_0000_0000
        );
    }

    #[test]
    fn max_min_signed_zeros_and_nm() {
        let (pz, nz) = (0u64, 0x8000_0000u64);
        assert_eq!(fp(&mut Env::new(0), FpOp::Max, pz, nz, 0, 32), pz);
        assert_eq!(fp(&mut Env::new(0), FpOp::Min, pz, nz, 0, 32), nz);
        // FMAXNM: a quiet NaN loses to a number; FMAX propagates it.
        let one = 0x3f80_0000;
        assert_eq!(
            fp(&mut Env::new(0), FpOp::MaxNm, 0x7fc0_0000, one, 0, 32),
            one
        );
        assert_eq!(
            fp(&mut Env::new(0), FpOp::Max, 0x7fc0_0000, one, 0, 32),
            0x7fc0_0000
        );
    }

    #[test]
    fn fp_to_int_saturates() {
        let nan = 0x7ff8_0000_0000_0000;
        assert_eq!(
            fp_to_int(&mut Env::new(0), nan, 64, RoundMode::Zero, true, 32),
            0
        );
        assert_eq!(
            fp_to_int(
                &mut Env::new(0),
                1e20f64.to_bits(),
                64,
                RoundMode::Zero,
                true,
                32
            ),
            0x7fff_ffff
        );
        assert_eq!(
            fp_to_int(
                &mut Env::new(0),
                (-1e20f64).to_bits(),
                64,
                RoundMode::Zero,
                true,
                64
            ),
            i64::MIN as u64
        );
        assert_eq!(
            fp_to_int(
                &mut Env::new(0),
                (-1.5f64).to_bits(),
                64,
                RoundMode::Zero,
                false,
                64
            ),
            0
        );
        // Ties to even.
        assert_eq!(
            fp_to_int(
                &mut Env::new(0),
                (-2.5f64).to_bits(),
                64,
                RoundMode::Nearest,
                true,
                64
            ),
            -2i64 as u64
        );
        assert_eq!(
            fp_to_int(
                &mut Env::new(0),
                2.5f64.to_bits(),
                64,
                RoundMode::Up,
                true,
                64
            ),
            3
        );
    }

    #[test]
    fn saturation_sets_qc() {
        // SQADD: 0x7f + 1 saturates to 0x7f (QC); -128 + -1 to -128 (QC); 1 + 1 is exact
        let mut e = Env::new(0);
        assert_eq!(vec_env(&mut e, VecOp::SQAdd, 8, 2, 0x7f, 1, 0), 0x7f);
        assert_eq!(e.flags, QC);
        let mut e = Env::new(0);
        assert_eq!(vec_env(&mut e, VecOp::SQAdd, 8, 2, 0x80, 0xff, 0), 0x80);
        assert_eq!(e.flags, QC);
        let mut e = Env::new(0);
        assert_eq!(vec_env(&mut e, VecOp::SQAdd, 8, 2, 1, 1, 0), 2);
        assert_eq!(e.flags, 0);
        // SQDMULH: only MIN x MIN saturates
        let mut e = Env::new(0);
        assert_eq!(
            vec_env(&mut e, VecOp::SQDMulH, 16, 2, 0x8000, 0x8000, 0),
            0x7fff
        );
        assert_eq!(e.flags, QC);
        // UQXTN: 0x1ff narrows to 0xff with QC
        let mut e = Env::new(0);
        assert_eq!(vec_env(&mut e, VecOp::UQXtn, 16, 0, 0x1ff, 0, 0), 0xff);
        assert_eq!(e.flags, QC);
    }

    #[test]
    fn register_shifts_by_width_or_more() {
        // SSHL/USHL by >= the element width give 0 (left) or the sign (right);
        // SQSHL of a non-zero value by >= width saturates and sets QC
        assert_eq!(vec(VecOp::UShl, 8, 0, 0x81, 8, 0) & 0xff, 0);
        assert_eq!(vec(VecOp::SShl, 8, 0, 0x81, 0xf8, 0) & 0xff, 0xff); // -8: arithmetic right
        let mut e = Env::new(0);
        assert_eq!(vec_env(&mut e, VecOp::SQShl, 8, 2, 1, 8, 0), 0x7f);
        assert_eq!(e.flags, QC);
        // URSHL by -8 on 8 bits rounds 0x80 up to 1
        assert_eq!(vec(VecOp::URShl, 8, 2, 0x80, 0xf8, 0), 1);
    }

    #[test]
    fn division_corner_cases() {
        assert_eq!(bin(BinOp::UDiv, 7, 0, 64), 0);
        assert_eq!(bin(BinOp::SDiv, 7, 0, 32), 0);
        assert_eq!(
            bin(BinOp::SDiv, i64::MIN as u64, u64::MAX, 64),
            i64::MIN as u64
        );
        assert_eq!(bin(BinOp::SDiv, 0x8000_0000, 0xffff_ffff, 32), 0x8000_0000);
        assert_eq!(bin(BinOp::SDiv, -7i64 as u64, 2, 64), -3i64 as u64);
    }

    #[test]
    fn vector_lanes() {
        // UZP1 of .4s takes the even elements of the pair.
        let a = 0x0000_0003_0000_0002_0000_0001_0000_0000u128;
        let b = 0x0000_0007_0000_0006_0000_0005_0000_0004u128;
        assert_eq!(
            vec(VecOp::Uzp1, 32, 0, a, b, 0),
            0x0000_0006_0000_0004_0000_0002_0000_0000
        );
        // CMHI is unsigned, CMGT signed.
        assert_eq!(vec(VecOp::CmHi, 8, 0, 0xff, 0x01, 0), 0xff);
        assert_eq!(vec(VecOp::CmGt, 8, 0, 0xff, 0x01, 0), 0);
        // TBL: indices out of range (0x10, 0xff) read as zero.
        let idx = !0u128 << 32 | 0x10_00_03_01;
        assert_eq!(vec(VecOp::Tbl, 8, 0, 0x44_33_22_11, idx, 0), 0x00_11_44_22);
    }
}
