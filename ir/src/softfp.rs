//! Arm floating point on raw bits, exactly as the Arm ARM pseudocode defines it: `FPUnpack`
//! (flush-to-zero of inputs), `FPRound` (the four rounding modes, flush-to-zero of results,
//! tininess detected before rounding), `FPProcessNaNs` (default NaN), and the FPSR cumulative
//! exception flags each operation raises. Values are kept as `mantissa * 2^exponent` with a
//! 128-bit mantissa, so every result is computed exactly before its one rounding.
//!
//! Both engines use this: the interpreter for every FP operation, the JIT on its cold path
//! (its inline host code only stands when the result cannot raise a flag that is not already
//! set, see `backend::lower`).

use crate::op::RoundMode;

/// FPSR cumulative exception flags.
pub const IOC: u64 = 1 << 0;
pub const DZC: u64 = 1 << 1;
pub const OFC: u64 = 1 << 2;
pub const UFC: u64 = 1 << 3;
pub const IXC: u64 = 1 << 4;
pub const IDC: u64 = 1 << 7;
/// All of them.
pub const FLAGS: u64 = IOC | DZC | OFC | UFC | IXC | IDC;

/// FPCR fields.
pub const FPCR_AHP: u64 = 1 << 26;
pub const FPCR_DN: u64 = 1 << 25;
pub const FPCR_FZ: u64 = 1 << 24;
pub const FPCR_RMODE_SHIFT: u32 = 22;
pub const FPCR_FZ16: u64 = 1 << 19;

/// The FP control register an operation runs under and the flags it raised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Env {
    pub fpcr: u64,
    /// Exception flags raised (to be ORed into FPSR).
    pub flags: u64,
}

impl Env {
    pub fn new(fpcr: u64) -> Env {
        Env { fpcr, flags: 0 }
    }
    /// FPCR.RMode.
    pub fn rmode(&self) -> RoundMode {
        match (self.fpcr >> FPCR_RMODE_SHIFT) & 3 {
            0 => RoundMode::Nearest,
            1 => RoundMode::Up,
            2 => RoundMode::Down,
            _ => RoundMode::Zero,
        }
    }
    /// Flush-to-zero for this precision (FZ16 for half, FZ otherwise).
    fn fz(&self, bits: u32) -> bool {
        if bits == 16 {
            self.fpcr & FPCR_FZ16 != 0
        } else {
            self.fpcr & FPCR_FZ != 0
        }
    }
    fn dn(&self) -> bool {
        self.fpcr & FPCR_DN != 0
    }
    fn raise(&mut self, f: u64) {
        self.flags |= f;
    }
}

/// Exponent and fraction widths.
#[derive(Clone, Copy)]
struct Fmt {
    bits: u32,
    e: u32,
    f: u32,
}

/// `bits` = 16 is IEEE half precision; 17 stands for bfloat16 (16 bits, 8-bit exponent).
pub const BF16: u32 = 17;

fn fmt(bits: u32) -> Fmt {
    match bits {
        16 => Fmt { bits, e: 5, f: 10 },
        BF16 => Fmt {
            bits: 16,
            e: 8,
            f: 7,
        },
        32 => Fmt { bits, e: 8, f: 23 },
        _ => Fmt {
            bits: 64,
            e: 11,
            f: 52,
        },
    }
}

impl Fmt {
    fn sign_bit(self) -> u64 {
        1 << (self.bits - 1)
    }
    fn exp_max(self) -> u64 {
        (1 << self.e) - 1
    }
    fn frac_mask(self) -> u64 {
        (1 << self.f) - 1
    }
    fn quiet_bit(self) -> u64 {
        1 << (self.f - 1)
    }
    /// Exponent of the smallest normal number.
    fn min_exp(self) -> i32 {
        2 - (1 << (self.e - 1))
    }
    fn bias(self) -> i32 {
        (1 << (self.e - 1)) - 1
    }
    fn zero(self, sign: bool) -> u64 {
        if sign {
            self.sign_bit()
        } else {
            0
        }
    }
    fn inf(self, sign: bool) -> u64 {
        self.zero(sign) | self.exp_max() << self.f
    }
    fn max_normal(self, sign: bool) -> u64 {
        self.zero(sign) | (self.exp_max() - 1) << self.f | self.frac_mask()
    }
    fn default_nan(self) -> u64 {
        self.exp_max() << self.f | self.quiet_bit()
    }
}

/// An unpacked operand.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Val {
    Zero(bool),
    Inf(bool),
    QNaN,
    SNaN,
    /// sign, mantissa (non-zero), exponent: the value is ±mantissa·2^exponent.
    Num(bool, u128, i32),
}

/// FPUnpack: `flush` applies flush-to-zero to denormal inputs (FPUnpackCV passes false for
/// half precision). Single and double denormals flushed raise IDC.
fn unpack(env: &mut Env, x: u64, bits: u32, flush: bool) -> Val {
    unpack_ahp(env, x, bits, flush, false)
}

/// FPUnpack with FPCR.AHP honoured: only conversions use the alternative half-precision
/// format (exponent 31 is an ordinary exponent); half-precision arithmetic ignores AHP.
fn unpack_ahp(env: &mut Env, x: u64, bits: u32, flush: bool, ahp: bool) -> Val {
    let f = fmt(bits);
    let sign = x & f.sign_bit() != 0;
    let exp = (x >> f.f) & f.exp_max();
    let frac = x & f.frac_mask();
    let ahp = ahp && bits == 16;
    if exp == 0 {
        if frac == 0 {
            return Val::Zero(sign);
        }
        if flush {
            if bits != 16 {
                env.raise(IDC);
            }
            return Val::Zero(sign);
        }
        return Val::Num(sign, frac as u128, f.min_exp() - f.f as i32);
    }
    if exp == f.exp_max() && !ahp {
        return if frac == 0 {
            Val::Inf(sign)
        } else if frac & f.quiet_bit() != 0 {
            Val::QNaN
        } else {
            Val::SNaN
        };
    }
    Val::Num(
        sign,
        (frac | 1 << f.f) as u128,
        exp as i32 - f.bias() - f.f as i32,
    )
}

/// The operand of a one-operand op unpacked (flush-to-zero as FPCR says), or the NaN result.
fn unpack1(env: &mut Env, a: u64, bits: u32) -> Result<Val, u64> {
    let fz = env.fz(bits);
    let va = unpack(env, a, bits, fz);
    match process_nans(env, &[(a, va)], bits) {
        Some(n) => Err(n),
        None => Ok(va),
    }
}

/// Both operands of a two-operand op unpacked (flush-to-zero as FPCR says), or the NaN result
/// when either is a NaN.
fn unpack2(env: &mut Env, a: u64, b: u64, bits: u32) -> Result<(Val, Val), u64> {
    let fz = env.fz(bits);
    let (va, vb) = (unpack(env, a, bits, fz), unpack(env, b, bits, fz));
    match process_nans(env, &[(a, va), (b, vb)], bits) {
        Some(n) => Err(n),
        None => Ok((va, vb)),
    }
}

fn is_nan(v: Val) -> bool {
    matches!(v, Val::QNaN | Val::SNaN)
}

/// FPProcessNaN.
fn process_nan(env: &mut Env, x: u64, bits: u32, snan: bool) -> u64 {
    let f = fmt(bits);
    if snan {
        env.raise(IOC);
    }
    if env.dn() {
        f.default_nan()
    } else {
        x | f.quiet_bit()
    }
}

/// FPProcessNaNs over operands in architectural order: the first signalling NaN, else the first
/// quiet NaN; `None` if no operand is a NaN.
fn process_nans(env: &mut Env, ops: &[(u64, Val)], bits: u32) -> Option<u64> {
    if let Some(&(x, _)) = ops.iter().find(|(_, v)| *v == Val::SNaN) {
        return Some(process_nan(env, x, bits, true));
    }
    if let Some(&(x, _)) = ops.iter().find(|(_, v)| *v == Val::QNaN) {
        return Some(process_nan(env, x, bits, false));
    }
    None
}

fn invalid(env: &mut Env, bits: u32) -> u64 {
    env.raise(IOC);
    fmt(bits).default_nan()
}

fn bitlen(x: u128) -> i32 {
    128 - x.leading_zeros() as i32
}

/// `x >> n`, ORing every bit shifted out into bit 0 (so that rounding still sees them).
fn shift_right_jam(x: u128, n: i32) -> u128 {
    if n <= 0 {
        x << (-n)
    } else if n >= 128 {
        (x != 0) as u128
    } else {
        (x >> n) | ((x & ((1u128 << n) - 1)) != 0) as u128
    }
}

/// How the discarded part compares with half a unit in the last place.
#[derive(Clone, Copy, PartialEq)]
enum Error {
    Zero,
    Below,
    Half,
    Above,
}

/// Splits `mant` at bit `shift`: the kept integer and how the dropped part compares with half.
fn split(mant: u128, shift: i32) -> (u128, Error) {
    if shift <= 0 {
        return (mant << (-shift), Error::Zero);
    }
    if shift > 128 {
        return (0, if mant == 0 { Error::Zero } else { Error::Below });
    }
    let (int, rem) = if shift == 128 {
        (0, mant)
    } else {
        (mant >> shift, mant & ((1u128 << shift) - 1))
    };
    let half = 1u128 << (shift - 1);
    let e = if rem == 0 {
        Error::Zero
    } else if rem < half {
        Error::Below
    } else if rem == half {
        Error::Half
    } else {
        Error::Above
    };
    (int, e)
}

fn round_up(mode: RoundMode, sign: bool, int: u128, e: Error) -> bool {
    match mode {
        RoundMode::Nearest => e == Error::Above || (e == Error::Half && int & 1 == 1),
        RoundMode::Away => matches!(e, Error::Half | Error::Above),
        RoundMode::Up => e != Error::Zero && !sign,
        RoundMode::Down => e != Error::Zero && sign,
        RoundMode::Zero => false,
    }
}

/// FPRound: ±mant·2^exp (mant non-zero; bits below the result's precision may have been
/// jammed into bit 0) to the format `bits` in `mode`. `fz` flushes tiny results to zero.
fn round(
    env: &mut Env,
    bits: u32,
    sign: bool,
    mant: u128,
    exp: i32,
    mode: RoundMode,
    fz: bool,
) -> u64 {
    round_ahp(env, bits, sign, mant, exp, mode, fz, false)
}

/// FPRound, with the alternative half-precision format when `ahp` (conversions only).
#[allow(clippy::too_many_arguments)]
fn round_ahp(
    env: &mut Env,
    bits: u32,
    sign: bool,
    mant: u128,
    exp: i32,
    mode: RoundMode,
    fz: bool,
    ahp: bool,
) -> u64 {
    let f = fmt(bits);
    let top = exp + bitlen(mant) - 1; // the unrounded exponent
    if fz && top < f.min_exp() {
        env.raise(UFC);
        return f.zero(sign);
    }
    let mut biased = if top < f.min_exp() {
        0
    } else {
        (top - f.min_exp() + 1) as u64
    };
    let quantum = top.max(f.min_exp()) - f.f as i32;
    let (mut int, err) = split(mant, quantum - exp);
    if biased == 0 && err != Error::Zero {
        env.raise(UFC);
    }
    if round_up(mode, sign, int, err) {
        int += 1;
        if biased == 0 && int == 1 << f.f {
            biased = 1;
        }
        if int == 1 << (f.f + 1) {
            biased += 1;
            int >>= 1;
        }
    }
    let ahp = ahp && bits == 16;
    let mut inexact = err != Error::Zero;
    let result = if ahp && biased > f.exp_max() {
        env.raise(IOC);
        inexact = false;
        f.zero(sign) | (f.sign_bit() - 1)
    } else if !ahp && biased >= f.exp_max() {
        env.raise(OFC);
        inexact = true;
        let to_inf = match mode {
            RoundMode::Nearest | RoundMode::Away => true,
            RoundMode::Up => !sign,
            RoundMode::Down => sign,
            RoundMode::Zero => false,
        };
        if to_inf {
            f.inf(sign)
        } else {
            f.max_normal(sign)
        }
    } else {
        f.zero(sign) | biased << f.f | (int as u64 & f.frac_mask())
    };
    if inexact {
        env.raise(IXC);
    }
    result
}

/// Rounds with FPCR's mode and flush-to-zero setting.
fn round_fpcr(env: &mut Env, bits: u32, sign: bool, mant: u128, exp: i32) -> u64 {
    let mode = env.rmode();
    let fz = env.fz(bits);
    round(env, bits, sign, mant, exp, mode, fz)
}

/// The exact sum of two signed values ±m·2^e (m may be 0); `None` when it is zero. Operands far
/// apart keep their low bits as a sticky bit, which cannot change the rounded result.
fn exact_sum(a: (bool, u128, i32), b: (bool, u128, i32)) -> Option<(bool, u128, i32)> {
    let (a, b) = match (a.1 == 0, b.1 == 0) {
        (true, true) => return None,
        (true, false) => return Some(b),
        (false, true) => return Some(a),
        _ => (a, b),
    };
    // the operand with the higher top bit goes first, placed with its top at bit 124
    let top = |v: (bool, u128, i32)| v.2 + bitlen(v.1);
    let (big, small) = if top(a) >= top(b) { (a, b) } else { (b, a) };
    let sh = 125 - bitlen(big.1);
    let e = big.2 - sh;
    let mb = big.1 << sh;
    let ms = shift_right_jam(small.1, e - small.2);
    let (sign, m) = if big.0 == small.0 {
        (big.0, mb + ms)
    } else if mb >= ms {
        (big.0, mb - ms)
    } else {
        (small.0, ms - mb)
    };
    if m == 0 {
        None
    } else {
        Some((sign, m, e))
    }
}

fn num(v: Val) -> (bool, u128, i32) {
    match v {
        Val::Num(s, m, e) => (s, m, e),
        Val::Zero(s) => (s, 0, 0),
        _ => unreachable!("num() of a non-finite value"),
    }
}

/// FPAdd (FPSub with `b` negated by the caller).
pub fn add(env: &mut Env, a: u64, b: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    let (va, vb) = match unpack2(env, a, b, bits) {
        Ok(v) => v,
        Err(nan) => return nan,
    };
    match (va, vb) {
        (Val::Inf(s1), Val::Inf(s2)) if s1 != s2 => invalid(env, bits),
        (Val::Inf(s), _) | (_, Val::Inf(s)) => f.inf(s),
        (Val::Zero(s1), Val::Zero(s2)) if s1 == s2 => f.zero(s1),
        _ => match exact_sum(num(va), num(vb)) {
            Some((s, m, e)) => round_fpcr(env, bits, s, m, e),
            None => f.zero(env.rmode() == RoundMode::Down),
        },
    }
}

/// FPSub.
pub fn sub(env: &mut Env, a: u64, b: u64, bits: u32) -> u64 {
    // NaNs are chosen from the operands as given, before the negation
    if let Err(nan) = unpack2(env, a, b, bits) {
        return nan;
    }
    add(env, a, b ^ fmt(bits).sign_bit(), bits)
}

/// FPMul.
pub fn mul(env: &mut Env, a: u64, b: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    let (va, vb) = match unpack2(env, a, b, bits) {
        Ok(v) => v,
        Err(nan) => return nan,
    };
    match (va, vb) {
        (Val::Inf(_), Val::Zero(_)) | (Val::Zero(_), Val::Inf(_)) => invalid(env, bits),
        (Val::Inf(s1), v) | (v, Val::Inf(s1)) => {
            let s2 = match v {
                Val::Inf(s) | Val::Zero(s) | Val::Num(s, _, _) => s,
                _ => false,
            };
            f.inf(s1 != s2)
        }
        (Val::Zero(s1), v) | (v, Val::Zero(s1)) => {
            let (s2, _, _) = num(v);
            f.zero(s1 != s2)
        }
        (Val::Num(s1, m1, e1), Val::Num(s2, m2, e2)) => {
            round_fpcr(env, bits, s1 != s2, m1 * m2, e1 + e2)
        }
        _ => unreachable!(),
    }
}

/// FPDiv.
pub fn div(env: &mut Env, a: u64, b: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    let (va, vb) = match unpack2(env, a, b, bits) {
        Ok(v) => v,
        Err(nan) => return nan,
    };
    let sa = a & f.sign_bit() != 0;
    let sb = b & f.sign_bit() != 0;
    let s = sa != sb;
    match (va, vb) {
        (Val::Inf(_), Val::Inf(_)) | (Val::Zero(_), Val::Zero(_)) => invalid(env, bits),
        (Val::Inf(_), _) => f.inf(s),
        (_, Val::Zero(_)) => {
            env.raise(DZC);
            f.inf(s)
        }
        (Val::Zero(_), _) | (_, Val::Inf(_)) => f.zero(s),
        (Val::Num(_, m1, e1), Val::Num(_, m2, e2)) => {
            let sh = 127 - bitlen(m1);
            let n = m1 << sh;
            let q = n / m2;
            let r = n % m2;
            round_fpcr(env, bits, s, q | (r != 0) as u128, e1 - sh - e2)
        }
        _ => unreachable!(),
    }
}

/// Integer square root of a u128 and whether it was exact.
fn isqrt(n: u128) -> (u128, bool) {
    let mut r = (n as f64).sqrt() as u128;
    // a few Newton steps from the float estimate, then exact correction
    for _ in 0..4 {
        if r == 0 {
            break;
        }
        r = (r + n / r) / 2;
    }
    while r * r > n {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= n {
        r += 1;
    }
    (r, r * r == n)
}

/// FPSqrt.
pub fn sqrt(env: &mut Env, a: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    let va = match unpack1(env, a, bits) {
        Ok(v) => v,
        Err(nan) => return nan,
    };
    match va {
        Val::Zero(s) => f.zero(s),
        Val::Inf(false) => f.inf(false),
        Val::Inf(true) | Val::Num(true, _, _) => invalid(env, bits),
        Val::Num(false, mut m, mut e) => {
            if e & 1 != 0 {
                m <<= 1;
                e -= 1;
            }
            let k = (120 - bitlen(m)) / 2;
            let (r, exact) = isqrt(m << (2 * k));
            round_fpcr(env, bits, false, r | (!exact) as u128, (e - 2 * k) / 2)
        }
        _ => unreachable!(),
    }
}

/// FPMulAdd: addend + a·b with one rounding (FMADD; FMSUB and friends negate operands first).
pub fn mul_add(env: &mut Env, addend: u64, a: u64, b: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    let fz = env.fz(bits);
    let vc = unpack(env, addend, bits, fz);
    let (va, vb) = (unpack(env, a, bits, fz), unpack(env, b, bits, fz));
    let inf_zero = matches!(
        (va, vb),
        (Val::Inf(_), Val::Zero(_)) | (Val::Zero(_), Val::Inf(_))
    );
    if vc == Val::QNaN && inf_zero {
        return invalid(env, bits);
    }
    if let Some(n) = process_nans(env, &[(addend, vc), (a, va), (b, vb)], bits) {
        return n;
    }
    let sign_of = |v: Val| match v {
        Val::Inf(s) | Val::Zero(s) | Val::Num(s, _, _) => s,
        _ => false,
    };
    let sp = sign_of(va) != sign_of(vb);
    let inf_p = matches!(va, Val::Inf(_)) || matches!(vb, Val::Inf(_));
    let zero_p = matches!(va, Val::Zero(_)) || matches!(vb, Val::Zero(_));
    if inf_zero {
        return invalid(env, bits);
    }
    if let Val::Inf(sc) = vc {
        if inf_p && sc != sp {
            return invalid(env, bits);
        }
        return f.inf(sc);
    }
    if inf_p {
        return f.inf(sp);
    }
    let sc = sign_of(vc);
    if let (Val::Zero(_), true) = (vc, zero_p) {
        if sc == sp {
            return f.zero(sc);
        }
    }
    let prod = match (va, vb) {
        (Val::Num(_, m1, e1), Val::Num(_, m2, e2)) => (sp, m1 * m2, e1 + e2),
        _ => (sp, 0, 0),
    };
    match exact_sum(num(vc), prod) {
        Some((s, m, e)) => round_fpcr(env, bits, s, m, e),
        None => f.zero(env.rmode() == RoundMode::Down),
    }
}

/// FPMulX: as FPMul, but infinity × zero is ±2.0.
pub fn mulx(env: &mut Env, a: u64, b: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    let (va, vb) = match unpack2(env, a, b, bits) {
        Ok(v) => v,
        Err(nan) => return nan,
    };
    if matches!(
        (va, vb),
        (Val::Inf(_), Val::Zero(_)) | (Val::Zero(_), Val::Inf(_))
    ) {
        let sign = (a ^ b) & f.sign_bit() != 0;
        return f.zero(sign) | two(f);
    }
    mul(env, a, b, bits)
}

/// The bits of 2.0.
fn two(f: Fmt) -> u64 {
    ((f.bias() + 1) as u64) << f.f
}

/// FPRecipStepFused (FRECPS): 2 - a·b with one rounding; infinity × zero gives 2.0.
pub fn recip_step(env: &mut Env, a: u64, b: u64, bits: u32) -> u64 {
    step(env, a, b, bits, false)
}

/// FPRSqrtStepFused (FRSQRTS): (3 - a·b) / 2 with one rounding; infinity × zero gives 1.5.
pub fn rsqrt_step(env: &mut Env, a: u64, b: u64, bits: u32) -> u64 {
    step(env, a, b, bits, true)
}

fn step(env: &mut Env, a: u64, b: u64, bits: u32, rsqrt: bool) -> u64 {
    let f = fmt(bits);
    let fz = env.fz(bits);
    // the architecture negates the first operand before anything else
    let a = a ^ f.sign_bit();
    let (va, vb) = (unpack(env, a, bits, fz), unpack(env, b, bits, fz));
    if let Some(n) = process_nans(env, &[(a, va), (b, vb)], bits) {
        return n;
    }
    let sign_of = |v: Val| match v {
        Val::Inf(s) | Val::Zero(s) | Val::Num(s, _, _) => s,
        _ => false,
    };
    let (inf_a, inf_b) = (matches!(va, Val::Inf(_)), matches!(vb, Val::Inf(_)));
    let (zero_a, zero_b) = (matches!(va, Val::Zero(_)), matches!(vb, Val::Zero(_)));
    if (inf_a && zero_b) || (zero_a && inf_b) {
        // 2.0 or 1.5
        return if rsqrt {
            ((f.bias() as u64) << f.f) | 1 << (f.f - 1)
        } else {
            two(f)
        };
    }
    if inf_a || inf_b {
        return f.inf(sign_of(va) != sign_of(vb));
    }
    // exact value of (2 or 3) + (-a)·b, halved for the square-root step
    let sp = sign_of(va) != sign_of(vb);
    let prod = match (va, vb) {
        (Val::Num(_, m1, e1), Val::Num(_, m2, e2)) => (sp, m1 * m2, e1 + e2),
        _ => (sp, 0, 0),
    };
    let k = if rsqrt { 3 } else { 2 };
    match exact_sum((false, k, 0), prod) {
        Some((s, m, e)) => round_fpcr(env, bits, s, m, e - rsqrt as i32),
        None => f.zero(env.rmode() == RoundMode::Down),
    }
}

/// RecipEstimate: a 9-bit estimate (256..511) of 1/x for x = a/512 in [0.5, 1).
pub fn recip_estimate9(a: u64) -> u64 {
    let a = a * 2 + 1;
    let b = (1u64 << 19) / a;
    b.div_ceil(2)
}

/// RecipSqrtEstimate: a 9-bit estimate (256..511) of 1/sqrt(x), x = a/512 in [0.25, 1).
pub fn rsqrt_estimate9(a: u64) -> u64 {
    let a = if a < 256 {
        a * 2 + 1
    } else {
        ((a >> 1) << 1) * 2 + 2
    };
    let mut b = 512u64;
    while a * (b + 1) * (b + 1) < (1 << 28) {
        b += 1;
    }
    b.div_ceil(2)
}

/// The fraction of `x` as 52 bits and its biased exponent (FPRecipEstimate's scaling).
fn frac52(x: u64, f: Fmt) -> (u64, i64) {
    let frac = (x & f.frac_mask()) << (52 - f.f);
    let exp = ((x >> f.f) & f.exp_max()) as i64;
    (frac, exp)
}

/// FPRecipEstimate (FRECPE).
pub fn recip_estimate(env: &mut Env, a: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    let va = match unpack1(env, a, bits) {
        Ok(v) => v,
        Err(nan) => return nan,
    };
    let sign = a & f.sign_bit() != 0;
    match va {
        Val::Inf(_) => return f.zero(sign),
        Val::Zero(_) => {
            env.raise(DZC);
            return f.inf(sign);
        }
        _ => {}
    }
    let Val::Num(_, m, e) = va else {
        unreachable!()
    };
    let top = e + bitlen(m) - 1;
    // |value| < 2^-(bias+1): the reciprocal overflows
    if top < -(f.bias() + 1) {
        let to_inf = match env.rmode() {
            RoundMode::Nearest | RoundMode::Away => true,
            RoundMode::Up => !sign,
            RoundMode::Down => sign,
            RoundMode::Zero => false,
        };
        env.raise(OFC | IXC);
        return if to_inf {
            f.inf(sign)
        } else {
            f.max_normal(sign)
        };
    }
    if env.fz(bits) && top >= f.bias() - 1 {
        env.raise(UFC);
        return f.zero(sign);
    }
    let (mut frac, mut exp) = frac52(a, f);
    if exp == 0 {
        if frac >> 51 & 1 == 0 {
            exp = -1;
            frac = (frac << 2) & ((1 << 52) - 1);
        } else {
            frac = (frac << 1) & ((1 << 52) - 1);
        }
    }
    let scaled = 256 | (frac >> 44);
    let mut result_exp = 2 * f.bias() as i64 - 1 - exp;
    let est = recip_estimate9(scaled);
    let mut fraction = (est & 0xff) << 44;
    if result_exp == 0 {
        fraction = 1 << 51 | fraction >> 1;
    } else if result_exp == -1 {
        fraction = 1 << 50 | fraction >> 2;
        result_exp = 0;
    }
    f.zero(sign) | (result_exp as u64 & f.exp_max()) << f.f | fraction >> (52 - f.f)
}

/// FPRSqrtEstimate (FRSQRTE).
pub fn rsqrt_estimate(env: &mut Env, a: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    let va = match unpack1(env, a, bits) {
        Ok(v) => v,
        Err(nan) => return nan,
    };
    match va {
        Val::Zero(s) => {
            env.raise(DZC);
            return f.inf(s);
        }
        Val::Inf(true) | Val::Num(true, _, _) => return invalid(env, bits),
        Val::Inf(false) => return 0,
        _ => {}
    }
    let (mut frac, mut exp) = frac52(a, f);
    if exp == 0 {
        while frac >> 51 & 1 == 0 {
            frac = (frac << 1) & ((1 << 52) - 1);
            exp -= 1;
        }
        frac = (frac << 1) & ((1 << 52) - 1);
    }
    let scaled = if exp & 1 == 0 {
        256 | (frac >> 44)
    } else {
        128 | (frac >> 45)
    };
    let result_exp = (3 * f.bias() as i64 - 1 - exp) / 2;
    let est = rsqrt_estimate9(scaled);
    (result_exp as u64 & f.exp_max()) << f.f | ((est & 0xff) << 44) >> (52 - f.f)
}

/// FPRecpX (FRECPX): the exponent inverted, the fraction cleared.
pub fn recpx(env: &mut Env, a: u64, bits: u32) -> u64 {
    let f = fmt(bits);
    if let Err(nan) = unpack1(env, a, bits) {
        return nan;
    }
    let sign = f.zero(a & f.sign_bit() != 0);
    let exp = (a >> f.f) & f.exp_max();
    if exp == 0 {
        sign | (f.exp_max() - 1) << f.f
    } else {
        sign | (!exp & f.exp_max()) << f.f
    }
}

/// FPMulAddH (FMLAL/FMLSL): single-precision `addend` + half `a` × half `b`, one rounding to
/// single. NaNs are chosen among the three operands as given (signalling first) and widened.
pub fn mul_add_h(env: &mut Env, addend: u64, a: u64, b: u64) -> u64 {
    let fs = fmt(32);
    let fz16 = env.fz(16);
    let fz = env.fz(32);
    let vc = unpack(env, addend, 32, fz);
    let (va, vb) = (unpack(env, a, 16, fz16), unpack(env, b, 16, fz16));
    let inf_zero = matches!(
        (va, vb),
        (Val::Inf(_), Val::Zero(_)) | (Val::Zero(_), Val::Inf(_))
    );
    if vc == Val::QNaN && inf_zero {
        return invalid(env, 32);
    }
    let nans = [(addend, vc, 32u32), (a, va, 16), (b, vb, 16)];
    let pick = nans
        .iter()
        .find(|(_, v, _)| *v == Val::SNaN)
        .or_else(|| nans.iter().find(|(_, v, _)| *v == Val::QNaN));
    if let Some(&(x, v, bits)) = pick {
        let q = process_nan(env, x, bits, v == Val::SNaN);
        if bits == 32 || env.dn() {
            return if env.dn() { fs.default_nan() } else { q };
        }
        // widen the quieted half NaN (sign, quiet bit, payload)
        let f16 = fmt(16);
        let payload = q & f16.frac_mask() & !f16.quiet_bit();
        let sign = q & f16.sign_bit() != 0;
        return fs.zero(sign) | fs.exp_max() << fs.f | fs.quiet_bit() | payload << (fs.f - f16.f);
    }
    // the halves are exact in single precision (and never denormal there)
    let widen = |v: Val, x: u64| match v {
        Val::Zero(s) => fs.zero(s),
        Val::Inf(s) => fs.inf(s),
        _ => {
            let mut e = Env::new(0);
            convert(&mut e, x, 16, 32)
        }
    };
    let (a32, b32) = (widen(va, a), widen(vb, b));
    mul_add(env, addend, a32, b32, 32)
}

/// FPMax / FPMin / FPMaxNum / FPMinNum (`max`, `num`).
pub fn min_max(env: &mut Env, a: u64, b: u64, bits: u32, max: bool, nm: bool) -> u64 {
    let f = fmt(bits);
    let fz = env.fz(bits);
    let (mut a, mut b) = (a, b);
    let (mut va, mut vb) = (unpack(env, a, bits, fz), unpack(env, b, bits, fz));
    if nm {
        // a quiet NaN against a number: the number wins (as if the NaN were ∓infinity)
        let loser = f.inf(max);
        if va == Val::QNaN && !is_nan(vb) {
            a = loser;
            va = Val::Inf(max);
        } else if vb == Val::QNaN && !is_nan(va) {
            b = loser;
            vb = Val::Inf(max);
        }
    }
    if let Some(n) = process_nans(env, &[(a, va), (b, vb)], bits) {
        return n;
    }
    let pick_a = match compare_vals(va, vb) {
        std::cmp::Ordering::Greater => max,
        std::cmp::Ordering::Less => !max,
        std::cmp::Ordering::Equal => match (va, vb) {
            // +0 vs -0: max prefers +0, min prefers -0
            (Val::Zero(s1), Val::Zero(s2)) => {
                if max {
                    !s1 || s2
                } else {
                    s1 || !s2
                }
            }
            _ => true,
        },
    };
    let (x, v) = if pick_a { (a, va) } else { (b, vb) };
    match v {
        // a flushed denormal comes back as zero
        Val::Zero(s) => f.zero(s),
        _ => x,
    }
}

/// Compares magnitudes m1·2^e1 and m2·2^e2 exactly.
fn cmp_mag(m1: u128, e1: i32, m2: u128, e2: i32) -> std::cmp::Ordering {
    let (t1, t2) = (e1 + bitlen(m1), e2 + bitlen(m2));
    if t1 != t2 {
        return t1.cmp(&t2);
    }
    let e = e1.min(e2);
    (m1 << (e1 - e)).cmp(&(m2 << (e2 - e)))
}

/// FPCompare: the NZCV of FCMP (`signal`: FCMPE, any NaN raises IOC).
pub fn compare(env: &mut Env, a: u64, b: u64, bits: u32, signal: bool) -> u64 {
    let fz = env.fz(bits);
    let (va, vb) = (unpack(env, a, bits, fz), unpack(env, b, bits, fz));
    if is_nan(va) || is_nan(vb) {
        if signal || va == Val::SNaN || vb == Val::SNaN {
            env.raise(IOC);
        }
        return 0x3000_0000;
    }
    match compare_vals(va, vb) {
        std::cmp::Ordering::Equal => 0x6000_0000,
        std::cmp::Ordering::Less => 0x8000_0000,
        std::cmp::Ordering::Greater => 0x2000_0000,
    }
}

/// Orders two non-NaN values.
fn compare_vals(a: Val, b: Val) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let rank = |v: Val| match v {
        Val::Inf(true) => -2,
        Val::Num(true, _, _) => -1,
        Val::Zero(_) => 0,
        Val::Num(false, _, _) => 1,
        _ => 2,
    };
    let (ra, rb) = (rank(a), rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Val::Num(s, m1, e1), Val::Num(_, m2, e2)) => {
            let c = cmp_mag(m1, e1, m2, e2);
            if s {
                c.reverse()
            } else {
                c
            }
        }
        _ => Ordering::Equal,
    }
}

/// Vector compares FCMEQ (quiet), FCMGE, FCMGT (signalling): true/false.
pub fn compare_lanes(env: &mut Env, a: u64, b: u64, bits: u32, op: LaneCmp) -> bool {
    let fz = env.fz(bits);
    let (va, vb) = (unpack(env, a, bits, fz), unpack(env, b, bits, fz));
    if is_nan(va) || is_nan(vb) {
        if op != LaneCmp::Eq || va == Val::SNaN || vb == Val::SNaN {
            env.raise(IOC);
        }
        return false;
    }
    let c = compare_vals(va, vb);
    match op {
        LaneCmp::Eq => c.is_eq(),
        LaneCmp::Ge => c.is_ge(),
        LaneCmp::Gt => c.is_gt(),
    }
}

/// The lane compares.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum LaneCmp {
    Eq,
    Ge,
    Gt,
}

/// FPRoundInt: FRINTN/P/M/Z/A in `mode`; `exact` (FRINTX) raises IXC when the value changes.
pub fn round_int(env: &mut Env, a: u64, bits: u32, mode: RoundMode, exact: bool) -> u64 {
    let f = fmt(bits);
    let va = match unpack1(env, a, bits) {
        Ok(v) => v,
        Err(nan) => return nan,
    };
    match va {
        Val::Zero(s) => f.zero(s),
        Val::Inf(s) => f.inf(s),
        // no fraction bits: already integral
        Val::Num(_, _, e) if e >= 0 => a,
        Val::Num(s, m, e) => {
            let (mut int, err) = split(m, -e);
            if round_up(mode, s, int, err) {
                int += 1;
            }
            if exact && err != Error::Zero {
                env.raise(IXC);
            }
            if int == 0 {
                f.zero(s)
            } else {
                // an integer of at most `f + 1` bits: exact
                let mut scratch = Env::new(0);
                round(&mut scratch, bits, s, int, 0, RoundMode::Zero, false)
            }
        }
        _ => unreachable!(),
    }
}

/// FPToFixed: FP → signed/unsigned integer of `out_bits` with `fbits` fraction bits, rounding in
/// `mode`; NaN gives 0 and out-of-range values saturate, both raising IOC.
pub fn to_int(
    env: &mut Env,
    a: u64,
    bits: u32,
    mode: RoundMode,
    signed: bool,
    out_bits: u32,
    fbits: u32,
) -> u64 {
    let fz = env.fz(bits);
    let va = unpack(env, a, bits, fz);
    let (max, min): (i128, i128) = if signed {
        ((1i128 << (out_bits - 1)) - 1, -(1i128 << (out_bits - 1)))
    } else {
        ((1i128 << out_bits) - 1, 0)
    };
    let mask = if out_bits == 64 {
        u64::MAX
    } else {
        (1u64 << out_bits) - 1
    };
    let (s, int, err) = match va {
        Val::QNaN | Val::SNaN => {
            env.raise(IOC);
            return 0;
        }
        Val::Zero(_) => return 0,
        Val::Inf(s) => {
            env.raise(IOC);
            return (if s { min } else { max }) as u64 & mask;
        }
        Val::Num(s, m, e) => {
            let e = e + fbits as i32;
            if e >= 0 {
                if bitlen(m) + e > 100 {
                    env.raise(IOC);
                    return (if s { min } else { max }) as u64 & mask;
                }
                (s, m << e, Error::Zero)
            } else {
                let (mut int, err) = split(m, -e);
                if round_up(mode, s, int, err) {
                    int += 1;
                }
                (s, int, err)
            }
        }
    };
    let v = if s { -(int as i128) } else { int as i128 };
    if v > max || v < min {
        env.raise(IOC);
        return (if v > max { max } else { min }) as u64 & mask;
    }
    if err != Error::Zero {
        env.raise(IXC);
    }
    v as u64 & mask
}

/// FixedToFP: a signed/unsigned integer of `in_bits` with `fbits` fraction bits → FP, rounded
/// with FPCR's mode.
pub fn from_int(env: &mut Env, a: u64, in_bits: u32, signed: bool, bits: u32, fbits: u32) -> u64 {
    let mask = if in_bits == 64 {
        u64::MAX
    } else {
        (1u64 << in_bits) - 1
    };
    let a = a & mask;
    let neg = signed && a >> (in_bits - 1) & 1 == 1;
    let mag = if neg {
        (a.wrapping_neg() & mask) as u128
    } else {
        a as u128
    };
    if mag == 0 {
        return 0;
    }
    round_fpcr(env, bits, neg, mag, -(fbits as i32))
}

/// FPConvert between precisions (16, 32, 64).
pub fn convert(env: &mut Env, a: u64, from: u32, to: u32) -> u64 {
    let ft = fmt(to);
    let ff = fmt(from);
    // FPUnpackCV / FPRoundCV: FZ16 does not apply to conversions
    let flush = from != 16 && env.fz(from);
    let ahp = env.fpcr & FPCR_AHP != 0;
    let va = unpack_ahp(env, a, from, flush, ahp);
    let alt_hp = to == 16 && ahp;
    let sign = a & ff.sign_bit() != 0;
    match va {
        Val::QNaN | Val::SNaN => {
            if va == Val::SNaN || alt_hp {
                env.raise(IOC);
            }
            if alt_hp {
                ft.zero(sign)
            } else if env.dn() {
                ft.default_nan()
            } else {
                // FPConvertNaN: sign, quiet bit and the top of the payload
                let payload = a & ff.frac_mask() & !ff.quiet_bit();
                let p = if ft.f >= ff.f {
                    payload << (ft.f - ff.f)
                } else {
                    payload >> (ff.f - ft.f)
                };
                ft.zero(sign) | ft.exp_max() << ft.f | ft.quiet_bit() | p
            }
        }
        Val::Inf(s) => {
            if alt_hp {
                env.raise(IOC);
                ft.zero(s) | (ft.sign_bit() - 1)
            } else {
                ft.inf(s)
            }
        }
        Val::Zero(s) => ft.zero(s),
        Val::Num(s, m, e) => {
            let mode = env.rmode();
            let fz = to != 16 && env.fz(to);
            round_ahp(env, to, s, m, e, mode, fz, ahp)
        }
    }
}

/// FPRoundIntN (FRINT32Z/X, FRINT64Z/X): round to an integral value that fits `n` signed
/// bits; NaN, infinity and out-of-range values give -2^(n-1) and raise IOC.
pub fn round_int_n(env: &mut Env, a: u64, bits: u32, mode: RoundMode, n: u32) -> u64 {
    let f = fmt(bits);
    let fz = env.fz(bits);
    let va = unpack(env, a, bits, fz);
    let most_negative = f.sign_bit() | ((f.bias() + n as i32 - 1) as u64) << f.f;
    match va {
        Val::QNaN | Val::SNaN | Val::Inf(_) => {
            env.raise(IOC);
            most_negative
        }
        Val::Zero(s) => f.zero(s),
        Val::Num(s, m, e) => {
            let (int, err) = if e >= 0 {
                if bitlen(m) + e > 100 {
                    env.raise(IOC);
                    return most_negative;
                }
                (m << e, Error::Zero)
            } else {
                let (mut int, err) = split(m, -e);
                if round_up(mode, s, int, err) {
                    int += 1;
                }
                (int, err)
            };
            let v = if s { -(int as i128) } else { int as i128 };
            if v > (1i128 << (n - 1)) - 1 || v < -(1i128 << (n - 1)) {
                env.raise(IOC);
                return most_negative;
            }
            if err != Error::Zero {
                env.raise(IXC);
            }
            if int == 0 {
                f.zero(s)
            } else {
                let mut scratch = Env::new(0);
                round(&mut scratch, bits, s, int, 0, RoundMode::Zero, false)
            }
        }
    }
}

/// FPToFixedJS (FJCVTZS): a double to a 32-bit integer toward zero, modulo 2^32, and whether
/// the conversion was exact and in range (the Z flag).
pub fn to_int_js(env: &mut Env, a: u64) -> (u32, bool) {
    let fz = env.fz(64);
    let va = unpack(env, a, 64, fz);
    match va {
        Val::QNaN | Val::SNaN | Val::Inf(_) => {
            env.raise(IOC);
            (0, false)
        }
        Val::Zero(s) => (0, !s),
        Val::Num(s, m, e) => {
            let (int, exact) = if e >= 0 {
                if bitlen(m) + e > 127 {
                    (0u128, true)
                } else {
                    (m << e, true)
                }
            } else {
                let (int, err) = split(m, -e);
                (int, err == Error::Zero)
            };
            let v = if s {
                (int as i128).wrapping_neg()
            } else {
                int as i128
            };
            let in_range =
                (-(1i128 << 31)..(1i128 << 31)).contains(&v) && !(e >= 0 && bitlen(m) + e > 127);
            if !in_range {
                env.raise(IOC);
            } else if !exact {
                env.raise(IXC);
            }
            (v as u32, exact && in_range)
        }
    }
}

/// BFDotAdd as qemu-aarch64 and the Arm ARM (without FEAT_EBF16) define it: FPCR ignored,
/// inputs and outputs flushed to zero, default NaN, round to odd with overflow to infinity, no
/// exceptions: `sum` + n.lo·m.lo + n.hi·m.hi for bfloat16 pairs in 32-bit words.
pub fn bf_dot_add(sum: u64, n: u64, m: u64) -> u64 {
    let odd = |r: u64, e: &Env| {
        let f = fmt(32);
        if e.flags & OFC != 0 {
            return f.inf(r & f.sign_bit() != 0);
        }
        let finite = (r >> f.f) & f.exp_max() != f.exp_max();
        if e.flags & IXC != 0 && finite {
            r | 1
        } else {
            r
        }
    };
    let env = || Env::new(FPCR_FZ | FPCR_DN | 3 << FPCR_RMODE_SHIFT);
    let mul = |a: u64, b: u64| {
        let mut e = env();
        let r = mul(&mut e, a, b, 32);
        odd(r, &e)
    };
    let add = |a: u64, b: u64| {
        let mut e = env();
        let r = add(&mut e, a, b, 32);
        odd(r, &e)
    };
    let t1 = mul((n & 0xffff) << 16, (m & 0xffff) << 16);
    let t2 = mul(n & 0xffff_0000, m & 0xffff_0000);
    let t = add(t1, t2);
    add(sum & 0xffff_ffff, t)
}

/// FPConvert with FPRounding_ODD (FCVTXN): rounded toward zero, then the lowest bit set when
/// the result is inexact.
pub fn convert_odd(env: &mut Env, a: u64, from: u32, to: u32) -> u64 {
    let mut e = Env::new(env.fpcr | 3 << FPCR_RMODE_SHIFT);
    let r = convert(&mut e, a, from, to);
    env.flags |= e.flags;
    let f = fmt(to);
    let is_finite = (r >> f.f) & f.exp_max() != f.exp_max();
    if e.flags & IXC != 0 && is_finite {
        r | 1
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(x: f64) -> u64 {
        x.to_bits()
    }

    #[test]
    fn round_to_nearest_matches_the_host_on_ordinary_values() {
        let vals = [1.0, 3.0, 0.1, -2.5, 1e300, 1e-300, 7.0e-310, 123456.789];
        for &x in &vals {
            for &y in &vals {
                let mut e = Env::new(0);
                assert_eq!(add(&mut e, d(x), d(y), 64), d(x + y), "{x} + {y}");
                assert_eq!(mul(&mut e, d(x), d(y), 64), d(x * y), "{x} * {y}");
                assert_eq!(div(&mut e, d(x), d(y), 64), d(x / y), "{x} / {y}");
                assert_eq!(
                    mul_add(&mut e, d(y), d(x), d(y), 64),
                    d(x.mul_add(y, y)),
                    "{x} * {y} + {y}"
                );
            }
            let mut e = Env::new(0);
            assert_eq!(sqrt(&mut e, d(x.abs()), 64), d(x.abs().sqrt()));
        }
    }

    #[test]
    fn flags_follow_the_architecture() {
        let mut e = Env::new(0);
        div(&mut e, d(1.0), d(0.0), 64);
        assert_eq!(e.flags, DZC);
        let mut e = Env::new(0);
        div(&mut e, d(1.0), d(3.0), 64);
        assert_eq!(e.flags, IXC);
        let mut e = Env::new(0);
        mul(&mut e, d(1e300), d(1e300), 64);
        assert_eq!(e.flags, OFC | IXC);
        let mut e = Env::new(0);
        // tiny and inexact: underflow
        mul(&mut e, d(1e-300), d(1e-300), 64);
        assert_eq!(e.flags, UFC | IXC);
        let mut e = Env::new(0);
        // tiny but exact: no underflow
        mul(&mut e, d(f64::MIN_POSITIVE), d(0.5), 64);
        assert_eq!(e.flags, 0);
        let mut e = Env::new(0);
        sub(&mut e, d(f64::INFINITY), d(f64::INFINITY), 64);
        assert_eq!(e.flags, IOC);
        // FZ: a denormal input is zero and raises IDC
        let mut e = Env::new(FPCR_FZ);
        assert_eq!(add(&mut e, 1, d(0.0), 64), 0);
        assert_eq!(e.flags, IDC);
        // rounding toward zero never overflows to infinity
        let mut e = Env::new(3 << FPCR_RMODE_SHIFT);
        assert_eq!(mul(&mut e, d(1e300), d(1e300), 64), d(f64::MAX));
        // x - x is -0 only when rounding toward minus infinity
        let mut e = Env::new(2 << FPCR_RMODE_SHIFT);
        assert_eq!(sub(&mut e, d(1.0), d(1.0), 64), d(-0.0));
    }

    #[test]
    fn conversions_saturate_and_flag() {
        let mut e = Env::new(0);
        assert_eq!(
            to_int(&mut e, d(1e20), 64, RoundMode::Zero, true, 32, 0),
            0x7fff_ffff
        );
        assert_eq!(e.flags, IOC);
        let mut e = Env::new(0);
        assert_eq!(
            to_int(&mut e, d(-1.5), 64, RoundMode::Away, true, 64, 0),
            -2i64 as u64
        );
        assert_eq!(e.flags, IXC);
        let mut e = Env::new(0);
        assert_eq!(
            from_int(&mut e, u64::MAX, 64, false, 32, 0),
            (u64::MAX as f32).to_bits() as u64
        );
        assert_eq!(e.flags, IXC);
        let mut e = Env::new(0);
        assert_eq!(convert(&mut e, d(0.1), 64, 32), (0.1f32).to_bits() as u64);
        assert_eq!(e.flags, IXC);
    }
}
