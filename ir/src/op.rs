//! The op set: one enum, with the type rules in [`Op::arity`] and [`crate::verify`].

use crate::state::offsets;

/// The type of an IR value.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Type {
    Void,
    I32,
    I64,
    F32,
    F64,
    V128,
}

impl Type {
    pub fn bits(self) -> u32 {
        match self {
            Type::Void => 0,
            Type::I32 | Type::F32 => 32,
            Type::I64 | Type::F64 => 64,
            Type::V128 => 128,
        }
    }
    pub fn is_int(self) -> bool {
        matches!(self, Type::I32 | Type::I64)
    }
    pub fn is_float(self) -> bool {
        matches!(self, Type::F32 | Type::F64)
    }
    pub fn name(self) -> &'static str {
        match self {
            Type::Void => "void",
            Type::I32 => "i32",
            Type::I64 => "i64",
            Type::F32 => "f32",
            Type::F64 => "f64",
            Type::V128 => "v128",
        }
    }
}

/// An SSA value: the index of the instruction that defines it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub struct Value(pub u32);

impl Value {
    /// Placeholder for an unused operand slot.
    pub const NONE: Value = Value(u32::MAX);
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A guest register as a location in `CpuState`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Reg {
    /// X0–X30; 31 is SP (the zero register never reaches the IR).
    X(u8),
    /// NZCV in bits 31:28.
    Nzcv,
    /// V0–V31 (Q view).
    V(u8),
    Fpcr,
    Fpsr,
    Tpidr,
    ExclAddr,
    ExclVal,
    ExclVal2,
}

impl Reg {
    pub fn ty(self) -> Type {
        match self {
            Reg::V(_) => Type::V128,
            _ => Type::I64,
        }
    }
    /// Byte offset in `CpuState`.
    pub fn offset(self) -> usize {
        match self {
            Reg::X(n) => offsets::X + 8 * n as usize,
            Reg::V(n) => offsets::V + 16 * n as usize,
            Reg::Nzcv => offsets::NZCV,
            Reg::Fpcr => offsets::FPCR,
            Reg::Fpsr => offsets::FPSR,
            Reg::Tpidr => offsets::TPIDR,
            Reg::ExclAddr => offsets::EXCL_ADDR,
            Reg::ExclVal => offsets::EXCL_VAL,
            Reg::ExclVal2 => offsets::EXCL_VAL2,
        }
    }
    /// Dense index for per-register tables (0..=71).
    pub fn slot(self) -> usize {
        match self {
            Reg::X(n) => n as usize,
            Reg::V(n) => 32 + n as usize,
            Reg::Nzcv => 64,
            Reg::Fpcr => 65,
            Reg::Fpsr => 66,
            Reg::Tpidr => 67,
            Reg::ExclAddr => 68,
            Reg::ExclVal => 69,
            Reg::ExclVal2 => 70,
        }
    }
    pub const SLOTS: usize = 71;
    pub fn name(self) -> String {
        match self {
            Reg::X(31) => "sp".into(),
            Reg::X(n) => format!("x{n}"),
            Reg::V(n) => format!("v{n}"),
            Reg::Nzcv => "nzcv".into(),
            Reg::Fpcr => "fpcr".into(),
            Reg::Fpsr => "fpsr".into(),
            Reg::Tpidr => "tpidr_el0".into(),
            Reg::ExclAddr => "excl_addr".into(),
            Reg::ExclVal => "excl_val".into(),
            Reg::ExclVal2 => "excl_val2".into(),
        }
    }
}

/// Two-operand integer ops; both operands and the result share one type (I32 or I64),
/// except `VPair` (two I64 → V128).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    /// High half of the unsigned / signed 128-bit product (I64 only).
    UMulH,
    SMulH,
    /// Division as A64 defines it: x/0 = 0, MIN/-1 = MIN.
    UDiv,
    SDiv,
    And,
    Or,
    Xor,
    /// Shifts and rotate take the amount modulo the width.
    Shl,
    LShr,
    AShr,
    RotR,
    /// Builds a V128 from (low I64, high I64).
    VPair,
    /// CRC32/CRC32C: the 32-bit accumulator (low bits of a) updated with the low `size` bytes
    /// of b, without inversion; `c` selects the Castagnoli polynomial. I64 operands.
    Crc32 {
        size: u8,
        c: bool,
    },
}

/// Comparisons yielding I64 0 or 1.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Ult,
    Ule,
    Slt,
    Sle,
}

/// One-operand ops. Width conversions name their source and result.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum UnOp {
    Not,
    Neg,
    Clz,
    /// Count leading sign bits (not counting the sign bit itself).
    Cls,
    Rbit,
    /// Reverse all bytes.
    Rev,
    /// Reverse bytes within each 16-bit / 32-bit unit.
    Rev16,
    Rev32,
    Popcnt,
    /// I32 → I64.
    Zext,
    Sext,
    /// I64 → I32.
    Trunc,
    /// Sign-extend from bit 7 / 15 / 31 within the same type.
    SextB,
    SextH,
    SextW,
    /// Reinterpret bits: I32↔F32, I64↔F64.
    Bitcast,
    /// V128 → I64 (bits 63:0 / 127:64).
    VLow,
    VHigh,
    /// I64 → V128, upper half zero.
    VFromLow,
}

/// Flag computations: the packed NZCV (bits 31:28) that an instruction would set.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum NzcvOp {
    /// AddWithCarry(a, b, 0).
    Add,
    /// AddWithCarry(a, b, c) with c the third operand (I64 0/1).
    Adc,
    /// AddWithCarry(a, NOT b, 1).
    Sub,
    /// AddWithCarry(a, NOT b, c).
    Sbc,
    /// N and Z of the first operand, C = V = 0.
    Logic,
}

/// Rounding modes for FP→int conversions and FRINT*.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum RoundMode {
    /// Round to nearest, ties to even.
    Nearest,
    /// Toward +infinity.
    Up,
    /// Toward -infinity.
    Down,
    /// Toward zero.
    Zero,
    /// Nearest, ties away from zero.
    Away,
}

/// Scalar floating-point ops on F32 or F64.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum FpOp {
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    MaxNm,
    MinNm,
    Sqrt,
    Neg,
    Abs,
    /// a*b + c with one rounding.
    MulAdd,
    /// Round to integral in the given mode.
    Round(RoundMode),
    /// Round to integral in FPCR's mode (FRINTI; FRINTX with `exact`, which raises IXC).
    RoundFpcr {
        exact: bool,
    },
    /// Compare: yields the NZCV (I64) of FCMP.
    Cmp,
    /// FCMPE: as `Cmp`, but a quiet NaN raises IOC too.
    CmpE,
}

/// Conversions between FP and integer types; source and result types come from operand and
/// instruction.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum CvtOp {
    /// F32 ↔ F64.
    FToF,
    /// Signed / unsigned integer → FP.
    SToF,
    UToF,
    /// FP → signed / unsigned integer, saturating, NaN → 0.
    FToS(RoundMode),
    FToU(RoundMode),
    /// Fixed-point with `fbits` fraction bits → FP (SCVTF/UCVTF, fixed-point form).
    FixToF {
        signed: bool,
        fbits: u8,
    },
    /// FP → fixed-point with `fbits` fraction bits, rounding toward zero (FCVTZS/FCVTZU).
    FToFix {
        signed: bool,
        fbits: u8,
    },
}

/// AdvSIMD ops on V128 values, element size in bits given beside. Semantics in `sem::vec`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum VecOp {
    And,
    Orr,
    Eor,
    Bic,
    Orn,
    /// Bitwise select: (a & c) | (b & !c)  — BSL with c = old destination, BIT/BIF by operand order.
    Bsl,
    Add,
    Sub,
    Mul,
    Neg,
    Abs,
    Not,
    CmEq,
    CmGt,
    CmGe,
    CmHi,
    CmHs,
    CmTst,
    UMax,
    UMin,
    SMax,
    SMin,
    /// Pairwise ops on the concatenation b:a.
    AddP,
    UMaxP,
    UMinP,
    SMaxP,
    SMinP,
    /// Across lanes; result in the lowest element, rest zero.
    AddV,
    UMaxV,
    UMinV,
    SMaxV,
    SMinV,
    /// Shifts by immediate.
    ShlImm,
    UShrImm,
    SShrImm,
    /// Shift right by immediate and narrow into the low half (SHRN).
    ShrN,
    /// Narrow (XTN): each element of `esize` becomes half its size, into the low half.
    Xtn,
    /// Widen the low half (UXTL/SXTL): elements of `esize` become double width.
    Uxtl,
    Sxtl,
    /// Shifts by register (per element, signed amount in the low byte).
    UShl,
    SShl,
    Zip1,
    Zip2,
    Uzp1,
    Uzp2,
    Trn1,
    Trn2,
    /// EXT: bytes imm.. of b:a.
    Ext,
    /// TBL/TBX with a one-register table `a`, indices `b`; TBX keeps `c` where out of range.
    Tbl,
    Tbx,
    Rev16,
    Rev32,
    Rev64,
    /// Population count per byte.
    Cnt,
    /// Replicate element `imm` of a (DUP element).
    DupElem,
    /// Replicate the low `esize` bits of an I64 scalar (operand given as V128 via VFromLow).
    DupScalar,
    /// Insert element imm2 of b into element imm of a (INS element): imm packs (dst << 4 | src).
    InsElem,
    /// Zero the upper 64 bits (result of a 64-bit-wide operation).
    ZeroHigh,
    /// Unsigned saturating subtract, unsigned halving add, etc. as needed by glibc.
    UQSub,
    UQAdd,
    /// Floating-point lanes (esize 32/64).
    FAdd,
    FSub,
    FMul,
    FDiv,
    FMax,
    FMin,
    FCmEq,
    FCmGt,
    FCmGe,
    FNeg,
    FAbs,
    FSqrt,
    FMla,
    /// Convert lanes: signed/unsigned int → float and float → int (toward zero).
    SCvtF,
    UCvtF,
    FCvtZS,
    FCvtZU,
    /// Multiply-accumulate: a + b*c.
    Mla,
    Mls,
    /// Unsigned/signed widening multiply (low half) and add.
    UMull,
    SMull,
    UAddlv,
    /// Unsigned/signed add long pairwise (UADDLP).
    UAddlp,
    /// Cryptographic extension (`ir::crypto`): AES rounds (a = state, b = key), SHA1 hash
    /// rounds (a = abcd, b = e, c = w+k), SHA256/SHA512 rounds and schedule updates (a = the
    /// destination's old value), SHA3 (EOR3/BCAX: a ^ (b | c forms); RAX1; XAR with `imm`
    /// the rotation), PMULL with 8- or 64-bit elements (`imm` = 1: the upper halves).
    AesE,
    AesD,
    AesMc,
    AesImc,
    Sha1C,
    Sha1P,
    Sha1M,
    Sha1H,
    Sha1Su0,
    Sha1Su1,
    Sha256H,
    Sha256H2,
    Sha256Su0,
    Sha256Su1,
    Sha512H,
    Sha512H2,
    Sha512Su0,
    Sha512Su1,
    Eor3,
    Bcax,
    Rax1,
    Xar,
    Pmull,
    /// Three-same integer ops: halving add/sub (`imm` = 1: 64-bit form, as for every op
    /// below), saturating add/sub (set FPSR.QC), absolute difference (and accumulate, a + |b-c|),
    /// shifts by a signed register amount (rounding, saturating), doubling multiply high, PMUL.
    SHAdd,
    UHAdd,
    SRHAdd,
    URHAdd,
    SHSub,
    UHSub,
    SQAdd,
    SQSub,
    /// Unsigned saturating add/sub that set FPSR.QC themselves (the scalar forms; the vector
    /// forms use `UQAdd`/`UQSub`, which the JIT inlines, and compute QC in the frontend).
    UQAddQ,
    UQSubQ,
    SAbd,
    UAbd,
    SAba,
    UAba,
    SRShl,
    URShl,
    SQShl,
    UQShl,
    SQRShl,
    UQRShl,
    SQDMulH,
    SQRDMulH,
    PMul,
    /// Three-same FP ops: max/min number (and pairwise), FADDP, FABD, FMULX, absolute compares,
    /// pairwise max/min, reciprocal (square root) steps, fused multiply-subtract (a - b*c).
    FMaxNm,
    FMinNm,
    FMaxNmP,
    FMinNmP,
    FAddP,
    FAbd,
    FMulX,
    FAcGe,
    FAcGt,
    FMaxP,
    FMinP,
    FRecpS,
    FRSqrtS,
    FMls,
    /// Two-register misc: SADDLP and SADALP/UADALP (a = accumulator; `esize` the source
    /// element), CLS/CLZ/RBIT, SQABS/SQNEG and SUQADD/USQADD (a = accumulator) with QC,
    /// saturating narrows SQXTN/UQXTN/SQXTUN (`esize` the source element, into the low half),
    /// FRINT* per mode (I and X: FPCR's), FCVT{N,P,M,A}{S,U}, FCVTN (`esize` the source) and
    /// FCVTL (`esize` the result, from the low half).
    SAddlp,
    UAdalp,
    SAdalp,
    Cls,
    Clz,
    Rbit,
    SQAbs,
    SQNeg,
    SUQAdd,
    USQAdd,
    SQXtn,
    UQXtn,
    SQXtun,
    FRintN,
    FRintP,
    FRintM,
    FRintZ,
    FRintA,
    FRintX,
    FRintI,
    FCvtNS,
    FCvtNU,
    FCvtPS,
    FCvtPU,
    FCvtMS,
    FCvtMU,
    FCvtAS,
    FCvtAU,
    FCvtN,
    FCvtL,
    /// Shift by immediate (`imm` = the shift or the fraction bits): right shifts that
    /// accumulate (a = accumulator) and/or round, SRI/SLI (a = destination), saturating left
    /// shifts (QC), narrowing right shifts (`esize` the source element; rounding and/or
    /// saturating), fixed-point conversions. Q = 0 forms pass a source with its upper half zero.
    SSra,
    USra,
    SRShr,
    URShr,
    SRSra,
    URSra,
    Sri,
    Sli,
    SQShlImm,
    UQShlImm,
    SQShluImm,
    RShrN,
    SQShrN,
    UQShrN,
    SQShrUN,
    SQRShrN,
    UQRShrN,
    SQRShrUN,
    SCvtFFix,
    UCvtFFix,
    FCvtZSFix,
    FCvtZUFix,
    /// Saturating doubling multiply long (`esize` the source element, low halves), and its
    /// accumulating forms (a = accumulator, b, c = sources); QC on saturation.
    SQDMull,
    SQDMlal,
    SQDMlsl,
    /// Signed add long across lanes (SADDLV), as `UAddlv`.
    SAddlv,
    /// Dot products of 8-bit groups into 32-bit lanes (a = accumulator), and the rounding
    /// doubling multiply-accumulate high (FEAT_RDM; a = accumulator, QC).
    SDot,
    UDot,
    /// Mixed-sign dot products (FEAT_I8MM): USDOT (b unsigned, c signed), SUDOT (b signed, c
    /// unsigned); and the 8-bit matrix multiply-accumulates SMMLA/UMMLA/USMMLA: the 2×2
    /// 32-bit matrix a += b (2×8) × c (2×8) transposed.
    UsDot,
    SuDot,
    SMmla,
    UMmla,
    UsMmla,
    /// BF16 (FEAT_BF16): single → bfloat16 narrowing (`esize` 32, into the low half) under
    /// FPCR; BFDOT (a = accumulator, pairs of b and c) and BFMMLA (2×2 singles += 2×4 × 4×2)
    /// with the architecture's fixed rounding; BFMLALB/T (`imm` bit 1: the odd, "T", elements)
    /// as a fused single-precision multiply-add under FPCR.
    BfCvtN,
    BfDot,
    BfMmla,
    BfMlal,
    SQRDMlah,
    SQRDMlsh,
    /// Scalar half-precision conversions and compare, on element 0: integer (low 64 bits of
    /// a) → half (`imm`: bit 0 signed, bit 1 64-bit source); half → integer (`imm`: bits 2:0
    /// rounding mode index, bit 3 signed, bit 4 64-bit result); half ↔ single/double (`imm`:
    /// 0 h→s, 1 h→d, 2 s→h, 3 d→h); FCMP (`imm` bit 0: FCMPE) giving NZCV.
    HFromInt,
    HToInt,
    HCvt,
    HCmp,
    /// Reciprocal and reciprocal square root estimates (FRECPE, FRSQRTE; URECPE, URSQRTE on
    /// 32-bit lanes) and FRECPX.
    FRecpE,
    FRSqrtE,
    URecpE,
    URSqrtE,
    FRecpX,
    /// FCVTXN: double → single with round-to-odd (`esize` the source, into the low half).
    FCvtXN,
    /// Half ↔ fixed-point general-register values (`esize` the integer width, `imm` the
    /// fraction bits; element 0 / low 64 bits).
    HFromFixS,
    HFromFixU,
    HToFixS,
    HToFixU,
    /// FRINT32Z/FRINT32X/FRINT64Z/FRINT64X (FEAT_FRINTTS) on lanes.
    FRint32Z,
    FRint32X,
    FRint64Z,
    FRint64X,
    /// FJCVTZS: the 32-bit result in bits 31:0 and the Z flag in bit 32 of the low element.
    FJCvtZS,
    /// Complex FP on (real, imaginary) lane pairs (FEAT_FCMA): FCADD (a = n, b = m) and FCMLA
    /// (a = accumulator, b = n, c = m); `imm` bit 0 = 64-bit form, bits 2:1 = rotation / 90°.
    FCAdd,
    FCMla,
    /// FCMLA by element: as `FCMla` with the pair of c at index `imm` bits 7:3 for every pair.
    FCMlaElem,
    /// FMLAL/FMLSL(2) (FEAT_FHM): single lanes of a += (or -=) half lanes of b × c, taken from
    /// the low (`imm` bit 1 clear) or high half of the halves' 64- or 128-bit vector; `imm`
    /// bit 0: 64-bit form (two results), bit 2: subtract.
    FMlalH,
}

impl VecOp {
    /// Whether the op reads FPCR or sets FPSR bits (FP lanes; saturation sets QC).
    pub fn is_fp(self) -> bool {
        use VecOp::*;
        matches!(
            self,
            FCvtXN
                | FCAdd
                | FCMla
                | FCMlaElem
                | FMlalH
                | HFromFixS
                | HFromFixU
                | HToFixS
                | HToFixU
                | FRint32Z
                | FRint32X
                | FRint64Z
                | FRint64X
                | FJCvtZS
                | FRecpE
                | FRSqrtE
                | FRecpX
                | HFromInt
                | HToInt
                | HCvt
                | HCmp
                | SQRDMlah
                | SQRDMlsh
                | SQDMull
                | SQDMlal
                | SQDMlsl
                | SQShlImm
                | UQShlImm
                | SQShluImm
                | SQShrN
                | UQShrN
                | SQShrUN
                | SQRShrN
                | UQRShrN
                | SQRShrUN
                | SCvtFFix
                | UCvtFFix
                | FCvtZSFix
                | FCvtZUFix
                | SQAbs
                | SQNeg
                | SUQAdd
                | USQAdd
                | SQXtn
                | UQXtn
                | SQXtun
                | FRintN
                | FRintP
                | FRintM
                | FRintZ
                | FRintA
                | FRintX
                | FRintI
                | FCvtNS
                | FCvtNU
                | FCvtPS
                | FCvtPU
                | FCvtMS
                | FCvtMU
                | FCvtAS
                | FCvtAU
                | FCvtN
                | FCvtL
                | SQAdd
                | SQSub
                | UQAddQ
                | UQSubQ
                | SQShl
                | UQShl
                | SQRShl
                | UQRShl
                | SQDMulH
                | SQRDMulH
                | FMaxNm
                | FMinNm
                | FMaxNmP
                | FMinNmP
                | FAddP
                | FAbd
                | FMulX
                | FAcGe
                | FAcGt
                | FMaxP
                | FMinP
                | FRecpS
                | FRSqrtS
                | FMls
                | FAdd
                | FSub
                | FMul
                | FDiv
                | FMax
                | FMin
                | FCmEq
                | FCmGt
                | FCmGe
                | FSqrt
                | FMla
                | SCvtF
                | UCvtF
                | FCvtZS
                | FCvtZU
        )
    }
}

/// Runtime helpers with memory side effects, called by both engines.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Helper {
    /// STXR: args (addr, value, size); reads the monitor from registers ExclAddr/ExclVal given
    /// as args 3; returns 0 on success, 1 on failure.
    StoreExclusive { size: u8 },
    /// STXP: args (addr, lo, hi) with size per element.
    StoreExclusivePair { size: u8 },
    /// Atomic compare-and-swap (CAS): args (addr, expected, new) → old.
    CompareAndSwap { size: u8 },
    /// LSE atomic read-modify-write (LDADD … LDUMIN, SWP): args (addr, operand) → old value.
    /// `op`: 0 ADD, 1 CLR (bit clear), 2 EOR, 3 SET, 4 SMAX, 5 SMIN, 6 UMAX, 7 UMIN, 8 SWP.
    AtomicRmw { op: u8, size: u8 },
}

/// One IR operation. `Value::NONE` fills unused operand slots.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Op {
    /// Start of the guest instruction at this address (for precise PCs and listings).
    InsnStart(u64),
    /// A constant of the instruction's type (bits, zero-extended).
    Const(u64),
    ConstV(u128),
    GetReg(Reg),
    SetReg(Reg, Value),
    Bin(BinOp, Value, Value),
    Cmp(CmpOp, Value, Value),
    Un(UnOp, Value),
    /// cond (I64, non-zero = true) ? a : b.
    Select(Value, Value, Value),
    /// NZCV of an add/sub/logic on (a, b[, carry]) of the operands' width.
    Nzcv(NzcvOp, Value, Value, Value),
    /// ConditionHolds(cond, nzcv) → I64 0/1.
    CondHolds(u8, Value),
    /// Load `size` bytes, zero- or sign-extended to the instruction's type.
    Load {
        size: u8,
        signed: bool,
        addr: Value,
    },
    /// Store the low `size` bytes of `val`.
    Store {
        size: u8,
        addr: Value,
        val: Value,
    },
    /// Memory barrier.
    Fence,
    Fp(FpOp, Value, Value, Value),
    Cvt(CvtOp, Value),
    Vec {
        op: VecOp,
        esize: u8,
        imm: u8,
        args: [Value; 3],
    },
    Call(Helper, [Value; 4]),
}

impl Op {
    /// The operands this op reads, in order.
    pub fn args(&self) -> Vec<Value> {
        let v: Vec<Value> = match *self {
            Op::InsnStart(_) | Op::Const(_) | Op::ConstV(_) | Op::GetReg(_) | Op::Fence => vec![],
            Op::SetReg(_, a) | Op::Un(_, a) | Op::CondHolds(_, a) | Op::Cvt(_, a) => vec![a],
            Op::Load { addr, .. } => vec![addr],
            Op::Store { addr, val, .. } => vec![addr, val],
            Op::Bin(_, a, b) | Op::Cmp(_, a, b) => vec![a, b],
            Op::Select(a, b, c) | Op::Nzcv(_, a, b, c) | Op::Fp(_, a, b, c) => vec![a, b, c],
            Op::Vec { args, .. } => args.to_vec(),
            Op::Call(_, args) => args.to_vec(),
        };
        v.into_iter().filter(|v| *v != Value::NONE).collect()
    }

    /// Whether the op has an effect beyond its result (must not be removed).
    pub fn has_side_effect(&self) -> bool {
        matches!(
            self,
            Op::InsnStart(_)
                | Op::SetReg(..)
                | Op::Store { .. }
                | Op::Fence
                | Op::Call(..)
                | Op::Load { .. }
        )
    }
}
