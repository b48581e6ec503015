//! IR → Cranelift lowering for one block.

mod vector;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, Block as ClBlock, InstBuilder, MemFlagsData, Signature, SourceLoc,
    Type as ClType, Value as ClValue,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::FunctionBuilder;
use ir::softfp;
use ir::state::{exit_code, offsets};
use ir::{
    sem, BinOp, Block, CmpOp, CvtOp, Exit, FpOp, Helper, NzcvOp, Op, Reg, RoundMode, Type, UnOp,
    Value,
};

/// Where a block's exits lead and how guest memory is addressed.
#[derive(Clone, Copy, Debug)]
pub struct CompileEnv {
    /// Host address of guest address 0 and the mask applied to guest addresses.
    pub mem_base: u64,
    pub mem_mask: u64,
    /// Link slots for the exits: [0] for `Jump` and a taken `Branch`, [1] for not-taken.
    pub slots: [u64; 2],
    /// The jump cache: `1 << jc_bits` entries of (guest pc, host code).
    pub jump_cache: u64,
    pub jc_bits: u32,
    /// Whether indirect branches may use the jump cache (off in lockstep diff mode).
    pub use_jump_cache: bool,
    /// Whether a branch back to the block's own start may loop inside the compiled function
    /// (off in lockstep diff mode, which compares state after every block).
    pub loops: bool,
}

fn cl_ty(t: Type) -> ClType {
    match t {
        Type::I32 => types::I32,
        Type::I64 | Type::Void => types::I64,
        Type::F32 => types::F32,
        Type::F64 => types::F64,
        Type::V128 => types::I8X16,
    }
}

struct Lower<'a, 'b> {
    b: &'a mut FunctionBuilder<'b>,
    block: &'a Block,
    env: &'a CompileEnv,
    state: ClValue,
    vals: Vec<Option<ClValue>>,
    /// Cached guest registers: value and whether it must be written back.
    regs: [Option<(ClValue, bool)>; Reg::SLOTS],
    reg_of_slot: [Option<Reg>; Reg::SLOTS],
    /// Whether the host ISA has fused multiply-add.
    has_fma: bool,
    /// The block's loop head (exit-request check), target of a branch back to the block itself.
    head: ClBlock,
    /// The `Nzcv` value last written to the NZCV register, for fusing a compare with the
    /// condition that reads it back.
    nzcv_def: Option<Value>,
    /// For each `GetReg(Nzcv)`, the `Nzcv` value it reads, if set earlier in the block.
    nzcv_src: Vec<Option<Value>>,
    /// The FPCR and FPSR values `fp_fast_env` last looked at, and its answer for them.
    fp_fast: Option<(ClValue, ClValue, ClValue)>,
    /// Lowering a cold path: helpers are called through the register-preserving thunk, so the
    /// hot path keeps its values in registers across the (rarely taken) call.
    cold: bool,
}

// A thunk with Cranelift's "preserve_all" convention: it saves every caller-saved register
// (general and XMM), calls the SysV function in r9 with the arguments in rdi..r8, and restores
// them. Results go through `CpuState::scratch`.
std::arch::global_asm!(
    ".globl egret_preserve_all_thunk",
    "egret_preserve_all_thunk:",
    "push rbp",
    "mov rbp, rsp",
    "push rax",
    "push rcx",
    "push rdx",
    "push rsi",
    "push rdi",
    "push r8",
    "push r9",
    "push r10",
    "push r11",
    "sub rsp, 264",
    "movdqu [rsp], xmm0",
    "movdqu [rsp + 16], xmm1",
    "movdqu [rsp + 32], xmm2",
    "movdqu [rsp + 48], xmm3",
    "movdqu [rsp + 64], xmm4",
    "movdqu [rsp + 80], xmm5",
    "movdqu [rsp + 96], xmm6",
    "movdqu [rsp + 112], xmm7",
    "movdqu [rsp + 128], xmm8",
    "movdqu [rsp + 144], xmm9",
    "movdqu [rsp + 160], xmm10",
    "movdqu [rsp + 176], xmm11",
    "movdqu [rsp + 192], xmm12",
    "movdqu [rsp + 208], xmm13",
    "movdqu [rsp + 224], xmm14",
    "movdqu [rsp + 240], xmm15",
    "call r9",
    "movdqu xmm0, [rsp]",
    "movdqu xmm1, [rsp + 16]",
    "movdqu xmm2, [rsp + 32]",
    "movdqu xmm3, [rsp + 48]",
    "movdqu xmm4, [rsp + 64]",
    "movdqu xmm5, [rsp + 80]",
    "movdqu xmm6, [rsp + 96]",
    "movdqu xmm7, [rsp + 112]",
    "movdqu xmm8, [rsp + 128]",
    "movdqu xmm9, [rsp + 144]",
    "movdqu xmm10, [rsp + 160]",
    "movdqu xmm11, [rsp + 176]",
    "movdqu xmm12, [rsp + 192]",
    "movdqu xmm13, [rsp + 208]",
    "movdqu xmm14, [rsp + 224]",
    "movdqu xmm15, [rsp + 240]",
    "add rsp, 264",
    "pop r11",
    "pop r10",
    "pop r9",
    "pop r8",
    "pop rdi",
    "pop rsi",
    "pop rdx",
    "pop rcx",
    "pop rax",
    "pop rbp",
    "ret",
);

extern "C" {
    fn egret_preserve_all_thunk();
}

/// FPCR fields under which the host's default floating-point environment computes the
/// architecture's results: RMode (round to nearest) and FZ.
const FPCR_HOST_MASK: u64 = softfp::FPCR_FZ | 3 << softfp::FPCR_RMODE_SHIFT;

fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

impl Lower<'_, '_> {
    fn v(&self, v: Value) -> ClValue {
        self.vals[v.index()].expect("IR value used before definition (verifier)")
    }
    fn iconst(&mut self, ty: ClType, x: u64) -> ClValue {
        self.b.ins().iconst(ty, x as i64)
    }
    fn state_load(&mut self, ty: ClType, off: usize) -> ClValue {
        self.b.ins().load(ty, flags(), self.state, off as i32)
    }
    fn state_store(&mut self, v: ClValue, off: usize) {
        self.b.ins().store(flags(), v, self.state, off as i32);
    }

    fn get_reg(&mut self, r: Reg) -> ClValue {
        if let Some((v, _)) = self.regs[r.slot()] {
            return v;
        }
        let v = self.state_load(cl_ty(r.ty()), r.offset());
        self.regs[r.slot()] = Some((v, false));
        self.reg_of_slot[r.slot()] = Some(r);
        v
    }
    fn set_reg(&mut self, r: Reg, v: ClValue) {
        self.regs[r.slot()] = Some((v, true));
        self.reg_of_slot[r.slot()] = Some(r);
    }
    /// Writes every modified register back to `CpuState`.
    fn flush(&mut self) {
        for slot in 0..Reg::SLOTS {
            if let Some((v, true)) = self.regs[slot] {
                let r = self.reg_of_slot[slot].expect("slot of a cached register");
                self.state_store(v, r.offset());
                self.regs[slot] = Some((v, false));
            }
        }
    }

    /// Host address for a guest address.
    fn host_addr(&mut self, addr: ClValue) -> ClValue {
        let m = self.iconst(types::I64, self.env.mem_mask);
        let masked = self.b.ins().band(addr, m);
        let base = self.iconst(types::I64, self.env.mem_base);
        self.b.ins().iadd(base, masked)
    }

    fn call_native(
        &mut self,
        f: usize,
        params: &[ClType],
        ret: Option<ClType>,
        args: &[ClValue],
    ) -> Option<ClValue> {
        let mut sig = Signature::new(CallConv::SystemV);
        for p in params {
            sig.params.push(AbiParam::new(*p));
        }
        if let Some(r) = ret {
            sig.returns.push(AbiParam::new(r));
        }
        let sigref = self.b.import_signature(sig);
        let fp = self.iconst(types::I64, f as u64);
        let call = self.b.ins().call_indirect(sigref, fp, args);
        self.b.inst_results(call).first().copied()
    }

    /// Calls the SysV function `f` with up to five I64 arguments through the
    /// register-preserving thunk (no result: helpers called so write `CpuState::scratch`).
    fn call_preserving(&mut self, f: usize, args: &[ClValue]) {
        let mut sig = Signature::new(CallConv::PreserveAll);
        for _ in 0..6 {
            sig.params.push(AbiParam::new(types::I64));
        }
        let sigref = self.b.import_signature(sig);
        let mut a = args.to_vec();
        while a.len() < 5 {
            a.push(self.iconst(types::I64, 0));
        }
        a.push(self.iconst(types::I64, f as u64));
        let thunk = self.iconst(types::I64, egret_preserve_all_thunk as *const () as u64);
        self.b.ins().call_indirect(sigref, thunk, &a);
    }

    fn bits_of(&mut self, v: ClValue, ty: Type) -> ClValue {
        match ty {
            Type::F32 => {
                let i = self.b.ins().bitcast(types::I32, MemFlagsData::new(), v);
                self.b.ins().uextend(types::I64, i)
            }
            Type::F64 => self.b.ins().bitcast(types::I64, MemFlagsData::new(), v),
            Type::I32 => self.b.ins().uextend(types::I64, v),
            _ => v,
        }
    }
    fn value_of_bits(&mut self, v: ClValue, ty: Type) -> ClValue {
        match ty {
            Type::F32 => {
                let i = self.b.ins().ireduce(types::I32, v);
                self.b.ins().bitcast(types::F32, MemFlagsData::new(), i)
            }
            Type::F64 => self.b.ins().bitcast(types::F64, MemFlagsData::new(), v),
            Type::I32 => self.b.ins().ireduce(types::I32, v),
            _ => v,
        }
    }

    /// Calls `sem::fp_helper` for an FP op on raw bits (FPCR and FPSR must be in `CpuState`:
    /// see `fp_env_call` and `fp_guarded`).
    fn fp_helper(&mut self, op: FpOp, ty: Type, args: [Option<ClValue>; 3], out: Type) -> ClValue {
        let packed = (sem::fp_index(op) as u64) << 8 | ty.bits() as u64;
        let p = self.iconst(types::I64, packed);
        let mut a = [self.state, p, p, p, p];
        for (i, x) in args.iter().enumerate() {
            a[i + 2] = match x {
                Some(v) => self.bits_of(*v, ty),
                None => self.iconst(types::I64, 0),
            };
        }
        let r = if self.cold {
            self.call_preserving(sem::fp_helper_to_scratch as *const () as usize, &a);
            self.state_load(types::I64, offsets::SCRATCH)
        } else {
            self.call_native(
                sem::fp_helper as *const () as usize,
                &[types::I64; 5],
                Some(types::I64),
                &a,
            )
            .expect("fp_helper returns a value")
        };
        self.value_of_bits(r, out)
    }

    /// Calls `sem::fcvt_helper` (`kind` 0: FP→int, 1: int→FP, 2: FP→FP).
    fn fcvt_helper(
        &mut self,
        kind: u64,
        mode: RoundMode,
        signed: bool,
        from: Type,
        x: ClValue,
        to: Type,
    ) -> ClValue {
        let packed = kind << 24
            | sem::round_index(mode) << 16
            | (signed as u64) << 15
            | (from.bits() as u64) << 8
            | to.bits() as u64;
        let p = self.iconst(types::I64, packed);
        let bits = self.bits_of(x, from);
        let st = self.state;
        let r = if self.cold {
            self.call_preserving(
                sem::fcvt_helper_to_scratch as *const () as usize,
                &[st, p, bits],
            );
            self.state_load(types::I64, offsets::SCRATCH)
        } else {
            self.call_native(
                sem::fcvt_helper as *const () as usize,
                &[types::I64; 3],
                Some(types::I64),
                &[st, p, bits],
            )
            .expect("fcvt_helper returns a value")
        };
        self.value_of_bits(r, to)
    }

    /// Whether the host's inline FP code gives the architecture's result and flags, as far as
    /// the environment goes: FPCR selects round-to-nearest without flush-to-zero, and FPSR.IXC
    /// is already set (so an inexact result adds nothing). Results that could raise another
    /// flag (NaN, infinity, zero, tiny) are checked per operation.
    pub(super) fn fp_fast_env(&mut self) -> ClValue {
        let fpcr = self.get_reg(Reg::Fpcr);
        let fpsr = self.get_reg(Reg::Fpsr);
        if let Some((c, s, v)) = self.fp_fast {
            if c == fpcr && s == fpsr {
                return v;
            }
        }
        let m = self.iconst(types::I64, FPCR_HOST_MASK);
        let x = self.b.ins().band(fpcr, m);
        let host = self.b.ins().icmp_imm_u(IntCC::Equal, x, 0);
        let ixc = self.b.ins().band_imm_u(fpsr, softfp::IXC as i64);
        let inexact = self.b.ins().icmp_imm_u(IntCC::NotEqual, ixc, 0);
        let v = self.b.ins().band(host, inexact);
        self.fp_fast = Some((fpcr, fpsr, v));
        v
    }

    /// Runs `call`, a helper that computes under `CpuState::fpcr` and ORs flags into
    /// `CpuState::fpsr`, with the cached FPCR and FPSR written back before and FPSR read after.
    pub(super) fn fp_env_call(&mut self, call: impl FnOnce(&mut Self) -> ClValue) -> ClValue {
        let fpcr = self.get_reg(Reg::Fpcr);
        let fpsr = self.get_reg(Reg::Fpsr);
        self.state_store(fpcr, Reg::Fpcr.offset());
        self.state_store(fpsr, Reg::Fpsr.offset());
        let r = call(self);
        let f = self.state_load(types::I64, Reg::Fpsr.offset());
        self.set_fpsr_after_fp_op(fpcr, fpsr, f);
        r
    }

    /// Records the FPSR an FP op left. FP ops only add flags, so a fast environment before the
    /// op is still one after it: `fp_fast_env` keeps its answer instead of recomputing it.
    fn set_fpsr_after_fp_op(&mut self, fpcr: ClValue, before: ClValue, after: ClValue) {
        self.set_reg(Reg::Fpsr, after);
        if let Some((c, s, v)) = self.fp_fast {
            if c == fpcr && s == before {
                self.fp_fast = Some((c, after, v));
            }
        }
    }

    /// `fast` when `ok` holds; otherwise, in a cold block, what `slow` (a helper as for
    /// `fp_env_call`) computes, with its flags merged into FPSR.
    pub(super) fn fp_guarded(
        &mut self,
        ok: ClValue,
        fast: ClValue,
        slow: impl FnOnce(&mut Self) -> ClValue,
    ) -> ClValue {
        let fpcr = self.get_reg(Reg::Fpcr);
        let fpsr = self.get_reg(Reg::Fpsr);
        let slow_block = self.b.create_block();
        let done = self.b.create_block();
        let ty = self.b.func.dfg.value_type(fast);
        self.b.append_block_param(done, ty);
        self.b.append_block_param(done, types::I64);
        self.b
            .ins()
            .brif(ok, done, &[fast.into(), fpsr.into()], slow_block, &[]);
        self.b.set_cold_block(slow_block);
        self.b.switch_to_block(slow_block);
        self.b.seal_block(slow_block);
        self.state_store(fpcr, Reg::Fpcr.offset());
        self.state_store(fpsr, Reg::Fpsr.offset());
        self.cold = true;
        let r = slow(self);
        self.cold = false;
        let f = self.state_load(types::I64, Reg::Fpsr.offset());
        self.b.ins().jump(done, &[r.into(), f.into()]);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        let (r, f) = (self.b.block_params(done)[0], self.b.block_params(done)[1]);
        self.set_fpsr_after_fp_op(fpcr, fpsr, f);
        r
    }

    /// Whether a scalar float is normal and larger in magnitude than the smallest normal
    /// number: no result of that kind raises anything but IXC.
    fn fp_ordinary(&mut self, r: ClValue, ty: Type) -> ClValue {
        let (ity, abs, lo, hi) = if ty == Type::F32 {
            (types::I32, 0x7fff_ffffu64, 0x0080_0001u64, 0x7f7f_ffffu64)
        } else {
            (
                types::I64,
                0x7fff_ffff_ffff_ffff,
                0x0010_0000_0000_0001,
                0x7fef_ffff_ffff_ffff,
            )
        };
        let bits = self.b.ins().bitcast(ity, MemFlagsData::new(), r);
        let m = self.iconst(ity, abs);
        let a = self.b.ins().band(bits, m);
        let lo_k = self.iconst(ity, lo);
        let t = self.b.ins().isub(a, lo_k);
        let range = self.iconst(ity, hi - lo + 1);
        self.b.ins().icmp(IntCC::UnsignedLessThan, t, range)
    }

    /// `r` computed inline; kept when the environment allows it and `r` is an ordinary number,
    /// otherwise recomputed with the architecture's rules and flags.
    fn fp_checked(
        &mut self,
        r: ClValue,
        op: FpOp,
        ty: Type,
        args: [Option<ClValue>; 3],
    ) -> ClValue {
        let env = self.fp_fast_env();
        let ordinary = self.fp_ordinary(r, ty);
        let ok = self.b.ins().band(env, ordinary);
        self.fp_guarded(ok, r, |l| l.fp_helper(op, ty, args, ty))
    }

    /// As `fp_checked` for results that only need the (one or two) operands to be ordered.
    fn fp_checked_ordered(
        &mut self,
        r: ClValue,
        op: FpOp,
        ty: Type,
        args: [Option<ClValue>; 3],
        out: Type,
    ) -> ClValue {
        let x = args[0].expect("FP operand");
        let y = args[1].unwrap_or(x);
        let env = self.fp_fast_env();
        let ordered = self.b.ins().fcmp(FloatCC::Ordered, x, y);
        let ok = self.b.ins().band(env, ordered);
        self.fp_guarded(ok, r, |l| l.fp_helper(op, ty, args, out))
    }

    fn nzcv(
        &mut self,
        op: NzcvOp,
        a: ClValue,
        b: ClValue,
        c: Option<ClValue>,
        ty: ClType,
    ) -> ClValue {
        let zero = self.iconst(ty, 0);
        let (r, carry, overflow) = match op {
            NzcvOp::Logic => {
                let n = self.b.ins().icmp(IntCC::SignedLessThan, a, zero);
                let z = self.b.ins().icmp(IntCC::Equal, a, zero);
                return self.pack(n, z, None, None);
            }
            NzcvOp::Add => {
                let r = self.b.ins().iadd(a, b);
                let c = self.b.ins().icmp(IntCC::UnsignedLessThan, r, a);
                let x1 = self.b.ins().bxor(a, r);
                let x2 = self.b.ins().bxor(b, r);
                let o = self.b.ins().band(x1, x2);
                let v = self.b.ins().icmp(IntCC::SignedLessThan, o, zero);
                (r, c, v)
            }
            NzcvOp::Sub => {
                let r = self.b.ins().isub(a, b);
                let c = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, a, b);
                let x1 = self.b.ins().bxor(a, b);
                let x2 = self.b.ins().bxor(a, r);
                let o = self.b.ins().band(x1, x2);
                let v = self.b.ins().icmp(IntCC::SignedLessThan, o, zero);
                (r, c, v)
            }
            NzcvOp::Adc | NzcvOp::Sbc => {
                let b = if op == NzcvOp::Sbc {
                    self.b.ins().bnot(b)
                } else {
                    b
                };
                let cin = c.expect("carry operand");
                let cin = if ty == types::I32 {
                    self.b.ins().ireduce(types::I32, cin)
                } else {
                    cin
                };
                let t = self.b.ins().iadd(a, b);
                let c1 = self.b.ins().icmp(IntCC::UnsignedLessThan, t, a);
                let r = self.b.ins().iadd(t, cin);
                let c2 = self.b.ins().icmp(IntCC::UnsignedLessThan, r, t);
                let c = self.b.ins().bor(c1, c2);
                let x1 = self.b.ins().bxor(a, r);
                let x2 = self.b.ins().bxor(b, r);
                let o = self.b.ins().band(x1, x2);
                let v = self.b.ins().icmp(IntCC::SignedLessThan, o, zero);
                (r, c, v)
            }
        };
        let n = self.b.ins().icmp(IntCC::SignedLessThan, r, zero);
        let z = self.b.ins().icmp(IntCC::Equal, r, zero);
        self.pack(n, z, Some(carry), Some(overflow))
    }

    /// Packs flag booleans (i8) into NZCV bits 31:28 of an i64.
    fn pack(&mut self, n: ClValue, z: ClValue, c: Option<ClValue>, v: Option<ClValue>) -> ClValue {
        let mut acc: Option<ClValue> = None;
        for (flag, bit) in [(Some(n), 31), (Some(z), 30), (c, 29), (v, 28)] {
            if let Some(f) = flag {
                let w = self.b.ins().uextend(types::I64, f);
                let s = self.b.ins().ishl_imm_u(w, bit);
                acc = Some(match acc {
                    Some(a) => self.b.ins().bor(a, s),
                    None => s,
                });
            }
        }
        acc.expect("at least N is packed")
    }

    /// ConditionHolds(cond, nzcv) as i8, fusing with the compare that produced the flags.
    fn cond_holds(&mut self, cond: u8, nzcv: Value) -> ClValue {
        let nzcv = self.nzcv_src[nzcv.index()].unwrap_or(nzcv);
        if let Op::Nzcv(op, a, b, _) = self.block.insts[nzcv.index()].op {
            let a = self.v(a);
            let b = if b == Value::NONE { a } else { self.v(b) };
            let cc = match op {
                NzcvOp::Sub => match cond {
                    0 => Some(IntCC::Equal),
                    1 => Some(IntCC::NotEqual),
                    2 => Some(IntCC::UnsignedGreaterThanOrEqual),
                    3 => Some(IntCC::UnsignedLessThan),
                    8 => Some(IntCC::UnsignedGreaterThan),
                    9 => Some(IntCC::UnsignedLessThanOrEqual),
                    10 => Some(IntCC::SignedGreaterThanOrEqual),
                    11 => Some(IntCC::SignedLessThan),
                    12 => Some(IntCC::SignedGreaterThan),
                    13 => Some(IntCC::SignedLessThanOrEqual),
                    _ => None,
                },
                _ => None,
            };
            if let Some(cc) = cc {
                return self.b.ins().icmp(cc, a, b);
            }
            if op == NzcvOp::Logic && cond <= 1 {
                let cc = if cond == 0 {
                    IntCC::Equal
                } else {
                    IntCC::NotEqual
                };
                return self.b.ins().icmp_imm_s(cc, a, 0);
            }
        }
        let f = self.v(nzcv);
        let bit = |l: &mut Self, k: i64| {
            let s = l.b.ins().ushr_imm_u(f, k);
            let one = l.b.ins().band_imm_u(s, 1);
            l.b.ins().icmp_imm_s(IntCC::NotEqual, one, 0)
        };
        let r = match cond >> 1 {
            0 => bit(self, 30),
            1 => bit(self, 29),
            2 => bit(self, 31),
            3 => bit(self, 28),
            4 => {
                let c = bit(self, 29);
                let z = bit(self, 30);
                let nz = self.b.ins().bxor_imm_u(z, 1);
                self.b.ins().band(c, nz)
            }
            5 | 6 => {
                let n = bit(self, 31);
                let v = bit(self, 28);
                let eq = self.b.ins().icmp(IntCC::Equal, n, v);
                if cond >> 1 == 6 {
                    let z = bit(self, 30);
                    let nz = self.b.ins().bxor_imm_u(z, 1);
                    self.b.ins().band(eq, nz)
                } else {
                    eq
                }
            }
            _ => return self.b.ins().iconst(types::I8, 1),
        };
        if cond & 1 == 1 && cond != 15 {
            self.b.ins().bxor_imm_u(r, 1)
        } else {
            r
        }
    }

    fn lower_inst(&mut self, i: usize) {
        let inst = self.block.insts[i];
        let ty = inst.ty;
        let ct = cl_ty(ty);
        let r: Option<ClValue> = match inst.op {
            Op::InsnStart(pc) => {
                let idx = ((pc - self.block.pc) / 4) as u32;
                self.b.set_srcloc(SourceLoc::new(idx));
                None
            }
            Op::Const(c) => Some(match ty {
                Type::F32 => self.b.ins().f32const(f32::from_bits(c as u32)),
                Type::F64 => self.b.ins().f64const(f64::from_bits(c)),
                _ => self.iconst(ct, c),
            }),
            Op::ConstV(c) => Some(self.vconst(c)),
            Op::GetReg(r) => {
                if r == Reg::Nzcv {
                    self.nzcv_src[i] = self.nzcv_def;
                }
                Some(self.get_reg(r))
            }
            Op::SetReg(r, v) => {
                if r == Reg::Nzcv {
                    let is_nzcv_op = matches!(self.block.insts[v.index()].op, Op::Nzcv(..));
                    self.nzcv_def = if is_nzcv_op { Some(v) } else { None };
                }
                let v = self.v(v);
                self.set_reg(r, v);
                None
            }
            Op::Bin(BinOp::Crc32 { size, c }, a, b) => {
                let (a, b) = (self.v(a), self.v(b));
                let p = self.iconst(types::I64, (c as u64) << 8 | size as u64);
                self.call_native(
                    sem::crc32_helper as *const () as usize,
                    &[types::I64; 3],
                    Some(types::I64),
                    &[a, b, p],
                )
            }
            Op::Bin(BinOp::VPair, a, b) => {
                let (a, b) = (self.v(a), self.v(b));
                Some(self.vpair(a, b))
            }
            Op::Bin(op, a, b) => {
                let (a, b) = (self.v(a), self.v(b));
                let ins = self.b.ins();
                Some(match op {
                    BinOp::Add => ins.iadd(a, b),
                    BinOp::Sub => ins.isub(a, b),
                    BinOp::Mul => ins.imul(a, b),
                    BinOp::UMulH => ins.umulhi(a, b),
                    BinOp::SMulH => ins.smulhi(a, b),
                    BinOp::And => ins.band(a, b),
                    BinOp::Or => ins.bor(a, b),
                    BinOp::Xor => ins.bxor(a, b),
                    BinOp::Shl => ins.ishl(a, b),
                    BinOp::LShr => ins.ushr(a, b),
                    BinOp::AShr => ins.sshr(a, b),
                    BinOp::RotR => ins.rotr(a, b),
                    BinOp::VPair | BinOp::Crc32 { .. } => unreachable!("lowered above"),
                    BinOp::UDiv | BinOp::SDiv => {
                        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
                        let one = self.iconst(ct, 1);
                        let z = self.iconst(ct, 0);
                        let q = if op == BinOp::UDiv {
                            let safe = self.b.ins().select(zero, one, b);
                            self.b.ins().udiv(a, safe)
                        } else {
                            let min = self.iconst(
                                ct,
                                if ct == types::I32 {
                                    0x8000_0000
                                } else {
                                    1 << 63
                                },
                            );
                            let amin = self.b.ins().icmp(IntCC::Equal, a, min);
                            let bm1 = self.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
                            let ovf = self.b.ins().band(amin, bm1);
                            let bad = self.b.ins().bor(zero, ovf);
                            let safe = self.b.ins().select(bad, one, b);
                            self.b.ins().sdiv(a, safe)
                        };
                        self.b.ins().select(zero, z, q)
                    }
                })
            }
            Op::Cmp(op, a, b) => {
                let (a, b) = (self.v(a), self.v(b));
                let cc = match op {
                    CmpOp::Eq => IntCC::Equal,
                    CmpOp::Ne => IntCC::NotEqual,
                    CmpOp::Ult => IntCC::UnsignedLessThan,
                    CmpOp::Ule => IntCC::UnsignedLessThanOrEqual,
                    CmpOp::Slt => IntCC::SignedLessThan,
                    CmpOp::Sle => IntCC::SignedLessThanOrEqual,
                };
                let c = self.b.ins().icmp(cc, a, b);
                Some(self.b.ins().uextend(types::I64, c))
            }
            Op::Un(op, a) => {
                let src_ty = self.block.ty(a);
                let a = self.v(a);
                let w = src_ty.bits() as i64;
                Some(match op {
                    UnOp::Not => self.b.ins().bnot(a),
                    UnOp::Neg => self.b.ins().ineg(a),
                    UnOp::Clz => self.b.ins().clz(a),
                    UnOp::Cls => self.b.ins().cls(a),
                    UnOp::Rbit => self.b.ins().bitrev(a),
                    UnOp::Rev => self.b.ins().bswap(a),
                    UnOp::Rev16 => {
                        let m = self.iconst(ct, 0x00ff_00ff_00ff_00ff);
                        let lo = self.b.ins().band(a, m);
                        let lo = self.b.ins().ishl_imm_u(lo, 8);
                        let hi = self.b.ins().ushr_imm_u(a, 8);
                        let hi = self.b.ins().band(hi, m);
                        self.b.ins().bor(lo, hi)
                    }
                    UnOp::Rev32 => {
                        let s = self.b.ins().bswap(a);
                        self.b.ins().rotl_imm_u(s, 32)
                    }
                    UnOp::Popcnt => self.b.ins().popcnt(a),
                    UnOp::Zext => self.b.ins().uextend(types::I64, a),
                    UnOp::Sext => self.b.ins().sextend(types::I64, a),
                    UnOp::Trunc => self.b.ins().ireduce(types::I32, a),
                    UnOp::SextB | UnOp::SextH | UnOp::SextW => {
                        let k = match op {
                            UnOp::SextB => 8,
                            UnOp::SextH => 16,
                            _ => 32,
                        };
                        let s = self.b.ins().ishl_imm_u(a, w - k);
                        self.b.ins().sshr_imm_u(s, w - k)
                    }
                    UnOp::Bitcast => self.b.ins().bitcast(ct, MemFlagsData::new(), a),
                    UnOp::VLow => self.vlow(a, 0),
                    UnOp::VHigh => self.vlow(a, 1),
                    UnOp::VFromLow => self.vfrom_low(a),
                })
            }
            Op::Select(c, a, b) => {
                let (c, a, b) = (self.v(c), self.v(a), self.v(b));
                Some(self.b.ins().select(c, a, b))
            }
            Op::Nzcv(op, a, b, c) => {
                let aty = cl_ty(self.block.ty(a));
                let av = self.v(a);
                let bv = if b == Value::NONE { av } else { self.v(b) };
                let cv = if c == Value::NONE {
                    None
                } else {
                    Some(self.v(c))
                };
                Some(self.nzcv(op, av, bv, cv, aty))
            }
            Op::CondHolds(cond, n) => {
                let c = self.cond_holds(cond, n);
                Some(self.b.ins().uextend(types::I64, c))
            }
            Op::Load { size, signed, addr } => {
                let a = self.v(addr);
                let h = self.host_addr(a);
                let f = MemFlagsData::new();
                let full = ty.bits() / 8 == size as u32 || size == 16;
                Some(if full {
                    self.b.ins().load(ct, f, h, 0)
                } else {
                    let ins = self.b.ins();
                    match (size, signed) {
                        (1, false) => ins.uload8(ct, f, h, 0),
                        (1, true) => ins.sload8(ct, f, h, 0),
                        (2, false) => ins.uload16(ct, f, h, 0),
                        (2, true) => ins.sload16(ct, f, h, 0),
                        (4, false) => ins.uload32(f, h, 0),
                        _ => ins.sload32(f, h, 0),
                    }
                })
            }
            Op::Store { size, addr, val } => {
                let a = self.v(addr);
                let v = self.v(val);
                let vty = self.block.ty(val);
                let h = self.host_addr(a);
                let f = MemFlagsData::new();
                if vty.bits() / 8 == size as u32 {
                    self.b.ins().store(f, v, h, 0);
                } else {
                    let v = if vty == Type::V128 {
                        self.vlow(v, 0)
                    } else {
                        v
                    };
                    match size {
                        1 => self.b.ins().istore8(f, v, h, 0),
                        2 => self.b.ins().istore16(f, v, h, 0),
                        _ => self.b.ins().istore32(f, v, h, 0),
                    };
                }
                None
            }
            Op::Fence => {
                self.b.ins().fence();
                None
            }
            Op::Fp(op, a, b, c) => {
                let fty = self.block.ty(a);
                let av = self.v(a);
                let bv = if b == Value::NONE {
                    None
                } else {
                    Some(self.v(b))
                };
                let cv = if c == Value::NONE {
                    None
                } else {
                    Some(self.v(c))
                };
                let args = [Some(av), bv, cv];
                Some(match op {
                    FpOp::Add | FpOp::Sub | FpOp::Mul | FpOp::Div => {
                        let bv = bv.expect("binary FP op");
                        let r = match op {
                            FpOp::Add => self.b.ins().fadd(av, bv),
                            FpOp::Sub => self.b.ins().fsub(av, bv),
                            FpOp::Mul => self.b.ins().fmul(av, bv),
                            _ => self.b.ins().fdiv(av, bv),
                        };
                        self.fp_checked(r, op, fty, args)
                    }
                    FpOp::Sqrt => {
                        let r = self.b.ins().sqrt(av);
                        self.fp_checked(r, op, fty, args)
                    }
                    FpOp::MulAdd => {
                        let r = self.b.ins().fma(av, bv.expect("fma"), cv.expect("fma"));
                        self.fp_checked(r, op, fty, args)
                    }
                    FpOp::Neg => self.b.ins().fneg(av),
                    FpOp::Abs => self.b.ins().fabs(av),
                    FpOp::Round(
                        RoundMode::Nearest | RoundMode::Up | RoundMode::Down | RoundMode::Zero,
                    )
                    | FpOp::RoundFpcr { .. } => {
                        let r = match op {
                            FpOp::Round(RoundMode::Up) => self.b.ins().ceil(av),
                            FpOp::Round(RoundMode::Down) => self.b.ins().floor(av),
                            FpOp::Round(RoundMode::Zero) => self.b.ins().trunc(av),
                            // FRINTI/FRINTX: FPCR's mode, round to nearest on the fast path
                            _ => self.b.ins().nearest(av),
                        };
                        self.fp_checked_ordered(r, op, fty, args, fty)
                    }
                    FpOp::Cmp | FpOp::CmpE => {
                        let bv = bv.expect("fcmp");
                        let eq = self.b.ins().fcmp(FloatCC::Equal, av, bv);
                        let lt = self.b.ins().fcmp(FloatCC::LessThan, av, bv);
                        let k_eq = self.iconst(types::I64, 0x6000_0000);
                        let k_lt = self.iconst(types::I64, 0x8000_0000);
                        let k_gt = self.iconst(types::I64, 0x2000_0000);
                        let x = self.b.ins().select(lt, k_lt, k_gt);
                        let r = self.b.ins().select(eq, k_eq, x);
                        // unordered operands go to the helper (NZCV 0011, maybe IOC)
                        self.fp_checked_ordered(r, op, fty, args, Type::I64)
                    }
                    FpOp::Max
                    | FpOp::Min
                    | FpOp::MaxNm
                    | FpOp::MinNm
                    | FpOp::Round(RoundMode::Away) => {
                        self.fp_env_call(|l| l.fp_helper(op, fty, args, fty))
                    }
                })
            }
            Op::Cvt(op, a) => {
                let sty = self.block.ty(a);
                let av = self.v(a);
                Some(match op {
                    CvtOp::FToF => {
                        let r = if ty == Type::F64 {
                            self.b.ins().fpromote(types::F64, av)
                        } else {
                            self.b.ins().fdemote(types::F32, av)
                        };
                        let env = self.fp_fast_env();
                        // widening is exact: only NaNs need the helper; narrowing may round
                        let fine = if ty == Type::F64 {
                            self.b.ins().fcmp(FloatCC::Ordered, av, av)
                        } else {
                            self.fp_ordinary(r, ty)
                        };
                        let ok = self.b.ins().band(env, fine);
                        self.fp_guarded(ok, r, |l| {
                            l.fcvt_helper(2, RoundMode::Nearest, false, sty, av, ty)
                        })
                    }
                    CvtOp::FixToF { signed, fbits } => self.fp_env_call(|l| {
                        l.fcvt_helper(
                            1 | (fbits as u64) << 8,
                            RoundMode::Nearest,
                            signed,
                            sty,
                            av,
                            ty,
                        )
                    }),
                    CvtOp::FToFix { signed, fbits } => self.fp_env_call(|l| {
                        l.fcvt_helper((fbits as u64) << 8, RoundMode::Zero, signed, sty, av, ty)
                    }),
                    CvtOp::SToF | CvtOp::UToF => {
                        let signed = op == CvtOp::SToF;
                        let r = if signed {
                            self.b.ins().fcvt_from_sint(ct, av)
                        } else {
                            self.b.ins().fcvt_from_uint(ct, av)
                        };
                        // only IXC can be raised, and on the fast path it is already set
                        let env = self.fp_fast_env();
                        self.fp_guarded(env, r, |l| {
                            l.fcvt_helper(1, RoundMode::Nearest, signed, sty, av, ty)
                        })
                    }
                    CvtOp::FToS(m) | CvtOp::FToU(m) => {
                        let signed = matches!(op, CvtOp::FToS(_));
                        if m == RoundMode::Away {
                            self.fp_env_call(|l| l.fcvt_helper(0, m, signed, sty, av, ty))
                        } else {
                            let rounded = match m {
                                RoundMode::Nearest => self.b.ins().nearest(av),
                                RoundMode::Up => self.b.ins().ceil(av),
                                RoundMode::Down => self.b.ins().floor(av),
                                _ => av,
                            };
                            let r = if signed {
                                self.b.ins().fcvt_to_sint_sat(ct, rounded)
                            } else {
                                self.b.ins().fcvt_to_uint_sat(ct, rounded)
                            };
                            // in range (not saturated) and not NaN: only IXC can be raised
                            let ity = cl_ty(ty);
                            let max = if signed {
                                self.iconst(ity, ir::sem::mask(ty.bits()) >> 1)
                            } else {
                                self.iconst(ity, ir::sem::mask(ty.bits()))
                            };
                            let below_max = self.b.ins().icmp(IntCC::NotEqual, r, max);
                            let above_min = if signed {
                                let min = self.iconst(ity, 1u64 << (ty.bits() - 1));
                                self.b.ins().icmp(IntCC::NotEqual, r, min)
                            } else {
                                let z = if sty == Type::F32 {
                                    self.b.ins().f32const(0.0)
                                } else {
                                    self.b.ins().f64const(0.0)
                                };
                                self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, rounded, z)
                            };
                            let ordered = self.b.ins().fcmp(FloatCC::Ordered, av, av);
                            let env = self.fp_fast_env();
                            let a1 = self.b.ins().band(below_max, above_min);
                            let a2 = self.b.ins().band(ordered, env);
                            let ok = self.b.ins().band(a1, a2);
                            self.fp_guarded(ok, r, |l| l.fcvt_helper(0, m, signed, sty, av, ty))
                        }
                    }
                })
            }
            Op::Vec {
                op,
                esize,
                imm,
                args,
            } => {
                let a = |l: &Self, k: usize| {
                    if args[k] == Value::NONE {
                        None
                    } else {
                        Some(l.v(args[k]))
                    }
                };
                let vargs = [a(self, 0), a(self, 1), a(self, 2)];
                match self.vector_op(op, esize, imm, vargs) {
                    Some(r) => Some(r),
                    None if op.is_fp() => {
                        Some(self.fp_env_call(|l| l.vector_helper(op, esize, imm, vargs)))
                    }
                    None => Some(self.vector_helper(op, esize, imm, vargs)),
                }
            }
            Op::Call(h, args) => {
                self.flush();
                let (kind, size) = match h {
                    Helper::StoreExclusive { size } => (0u64, size),
                    Helper::StoreExclusivePair { size } => (1, size),
                    Helper::CompareAndSwap { size } => (2, size),
                    Helper::AtomicRmw { op, size } => (3 + op as u64, size),
                };
                let mut a = vec![self.state, self.iconst(types::I64, kind << 8 | size as u64)];
                for &arg in &args[..3] {
                    a.push(if arg == Value::NONE {
                        self.iconst(types::I64, 0)
                    } else {
                        self.v(arg)
                    });
                }
                self.call_native(
                    sem::mem_helper as *const () as usize,
                    &[types::I64; 5],
                    Some(types::I64),
                    &a,
                )
            }
        };
        self.vals[i] = r;
    }

    /// Chained exit: record the target and the slot, then tail-call whatever the slot holds.
    fn chain(&mut self, target: u64, slot: u64) {
        if self.env.loops && target == self.block.pc {
            // A branch to itself stays inside the function: registers are already written back
            // and the head re-checks the exit request.
            self.b.ins().jump(self.head, &[]);
            return;
        }
        let t = self.iconst(types::I64, target);
        self.state_store(t, offsets::PC);
        let s = self.iconst(types::I64, slot);
        self.state_store(s, offsets::LINK_SLOT);
        let f = self.b.ins().load(types::I64, flags(), s, 0);
        let sigref = self.b.import_signature(crate::Jit::block_sig());
        let st = self.state;
        self.b.ins().return_call_indirect(sigref, f, &[st]);
    }

    fn ret(&mut self, code: u64) {
        let r = self.iconst(types::I64, code);
        self.b.ins().return_(&[r]);
    }

    fn lower_exit(&mut self) {
        self.b.set_srcloc(SourceLoc::default());
        self.flush();
        match self.block.exit {
            Exit::Jump(t) => self.chain(t, self.env.slots[0]),
            Exit::Branch {
                cond,
                taken,
                not_taken,
            } => {
                let c = self.v(cond);
                let bt = self.b.create_block();
                let bn = self.b.create_block();
                self.b.ins().brif(c, bt, &[], bn, &[]);
                for (blk, t, s) in [
                    (bt, taken, self.env.slots[0]),
                    (bn, not_taken, self.env.slots[1]),
                ] {
                    self.b.switch_to_block(blk);
                    self.b.seal_block(blk);
                    self.chain(t, s);
                }
            }
            Exit::Indirect(v) => {
                let t = self.v(v);
                self.state_store(t, offsets::PC);
                if self.env.use_jump_cache {
                    let idx = self.b.ins().ushr_imm_u(t, 2);
                    let idx = self.b.ins().band_imm_u(idx, (1i64 << self.env.jc_bits) - 1);
                    let off = self.b.ins().ishl_imm_u(idx, 4);
                    let base = self.iconst(types::I64, self.env.jump_cache);
                    let e = self.b.ins().iadd(base, off);
                    let tag = self.b.ins().load(types::I64, flags(), e, 0);
                    let hit = self.b.ins().icmp(IntCC::Equal, tag, t);
                    let bh = self.b.create_block();
                    let bm = self.b.create_block();
                    self.b.ins().brif(hit, bh, &[], bm, &[]);
                    self.b.switch_to_block(bh);
                    self.b.seal_block(bh);
                    let f = self.b.ins().load(types::I64, flags(), e, 8);
                    let sigref = self.b.import_signature(crate::Jit::block_sig());
                    let st = self.state;
                    self.b.ins().return_call_indirect(sigref, f, &[st]);
                    self.b.switch_to_block(bm);
                    self.b.seal_block(bm);
                }
                let z = self.iconst(types::I64, 0);
                self.state_store(z, offsets::LINK_SLOT);
                self.ret(exit_code::LOOKUP);
            }
            Exit::Trap { kind, resume, .. } => {
                let (k, a) = kind.encode();
                let r = self.iconst(types::I64, resume);
                self.state_store(r, offsets::PC);
                let k = self.iconst(types::I64, k);
                self.state_store(k, offsets::TRAP_KIND);
                let a = self.iconst(types::I64, a);
                self.state_store(a, offsets::TRAP_ARG);
                let z = self.iconst(types::I64, 0);
                self.state_store(z, offsets::LINK_SLOT);
                self.ret(exit_code::TRAP);
            }
        }
    }
}

/// Emits the Cranelift function body for `block`.
pub(crate) fn lower_block(
    b: &mut FunctionBuilder<'_>,
    block: &Block,
    env: &CompileEnv,
    has_fma: bool,
) {
    let entry: ClBlock = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let state = b.block_params(entry)[0];
    let head = b.create_block();
    b.ins().jump(head, &[]);
    b.switch_to_block(head);
    // Pending-exit check: lets the runtime stop a chained loop.
    let req = b
        .ins()
        .load(types::I64, flags(), state, offsets::EXIT_REQUEST as i32);
    let stop = b.create_block();
    let body = b.create_block();
    b.ins().brif(req, stop, &[], body, &[]);
    b.set_cold_block(stop);
    b.switch_to_block(stop);
    b.seal_block(stop);
    let pc = b.ins().iconst(types::I64, block.pc as i64);
    b.ins().store(flags(), pc, state, offsets::PC as i32);
    let r = b.ins().iconst(types::I64, exit_code::REQUESTED as i64);
    b.ins().return_(&[r]);
    b.switch_to_block(body);
    b.seal_block(body);

    let mut l = Lower {
        b,
        block,
        env,
        state,
        vals: vec![None; block.insts.len()],
        regs: [None; Reg::SLOTS],
        reg_of_slot: [None; Reg::SLOTS],
        has_fma,
        head,
        nzcv_def: None,
        nzcv_src: vec![None; block.insts.len()],
        fp_fast: None,
        cold: false,
    };
    for i in 0..block.insts.len() {
        l.lower_inst(i);
    }
    l.lower_exit();
    l.b.seal_block(head);
}
