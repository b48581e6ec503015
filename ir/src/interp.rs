//! The reference interpreter: executes a [`Block`] op by op. It defines what every op means;
//! the JIT backend is tested against it (`--engine diff`).

use crate::block::{Block, Exit};
use crate::op::*;
use crate::sem::{self, Mem};
use crate::softfp::{self, Env};
use crate::state::{exit_code, CpuState};

/// Runs `block` on `cpu`, reading and writing guest memory through `mem`.
/// Returns an `exit_code` and leaves `cpu.pc` (and the trap fields) as the JIT would.
pub fn run_block(block: &Block, cpu: &mut CpuState, mem: &mut impl Mem) -> u64 {
    let mut vals: Vec<u128> = vec![0; block.insts.len()];
    for (i, inst) in block.insts.iter().enumerate() {
        let ty = inst.ty;
        let bits = ty.bits();
        let g = |v: Value| if v == Value::NONE { 0 } else { vals[v.index()] };
        let g64 = |v: Value| g(v) as u64;
        let r: u128 = match inst.op {
            Op::InsnStart(pc) => {
                cpu.pc = pc;
                0
            }
            Op::Const(c) => c as u128,
            Op::ConstV(c) => c,
            Op::GetReg(r) => read_reg(cpu, r),
            Op::SetReg(r, v) => {
                write_reg(cpu, r, g(v));
                0
            }
            Op::Bin(BinOp::VPair, a, b) => g64(a) as u128 | (g64(b) as u128) << 64,
            Op::Bin(op, a, b) => sem::bin(op, g64(a), g64(b), bits) as u128,
            Op::Cmp(op, a, b) => {
                let abits = block.ty(a).bits();
                let (x, y) = (g64(a), g64(b));
                let sx = |v: u64| ((v << (64 - abits)) as i64) >> (64 - abits);
                (match op {
                    CmpOp::Eq => x == y,
                    CmpOp::Ne => x != y,
                    CmpOp::Ult => x < y,
                    CmpOp::Ule => x <= y,
                    CmpOp::Slt => sx(x) < sx(y),
                    CmpOp::Sle => sx(x) <= sx(y),
                }) as u128
            }
            Op::Un(op, a) => {
                let x = g(a);
                match op {
                    UnOp::Zext => x as u32 as u128,
                    UnOp::Sext => x as u32 as i32 as i64 as u64 as u128,
                    UnOp::Trunc => x as u32 as u128,
                    UnOp::Bitcast => x,
                    UnOp::VLow => x as u64 as u128,
                    UnOp::VHigh => (x >> 64) as u64 as u128,
                    UnOp::VFromLow => x as u64 as u128,
                    _ => sem::un(op, x as u64, bits) as u128,
                }
            }
            Op::Select(c, a, b) => {
                if g64(c) != 0 {
                    g(a)
                } else {
                    g(b)
                }
            }
            Op::Nzcv(op, a, b, c) => {
                let w = block.ty(a).bits();
                let (x, y) = (g64(a), g64(b));
                (match op {
                    NzcvOp::Add => sem::add_with_carry_nzcv(x, y, 0, w),
                    NzcvOp::Adc => sem::add_with_carry_nzcv(x, y, g64(c), w),
                    NzcvOp::Sub => sem::add_with_carry_nzcv(x, !y, 1, w),
                    NzcvOp::Sbc => sem::add_with_carry_nzcv(x, !y, g64(c), w),
                    NzcvOp::Logic => sem::logic_nzcv(x, w),
                }) as u128
            }
            Op::CondHolds(cond, n) => sem::condition_holds(cond, g64(n)) as u128,
            Op::Load { size, signed, addr } => {
                let a = g64(addr);
                if size == 16 {
                    mem.load128(a)
                } else {
                    let v = mem.load(a, size);
                    let v = if signed {
                        let sh = 64 - 8 * size as u32;
                        (((v << sh) as i64) >> sh) as u64
                    } else {
                        v
                    };
                    (v & sem::mask(bits)) as u128
                }
            }
            Op::Store { size, addr, val } => {
                if size == 16 {
                    mem.store128(g64(addr), g(val));
                } else {
                    mem.store(g64(addr), size, g64(val));
                }
                0
            }
            Op::Fence => 0,
            Op::Fp(op, a, b, c) => {
                let w = block.ty(a).bits();
                let arg = |v: Value| if v == Value::NONE { 0 } else { g64(v) };
                let mut env = Env::new(cpu.fpcr);
                let r = sem::fp(&mut env, op, g64(a), arg(b), arg(c), w) as u128;
                cpu.fpsr |= env.flags;
                r
            }
            Op::Cvt(op, a) => {
                let inb = block.ty(a).bits();
                let x = g64(a);
                let mut env = Env::new(cpu.fpcr);
                let e = &mut env;
                let r = match op {
                    CvtOp::FToF => sem::fp_to_fp(e, x, inb),
                    CvtOp::SToF => sem::int_to_fp(e, x, inb, true, bits),
                    CvtOp::UToF => sem::int_to_fp(e, x, inb, false, bits),
                    CvtOp::FToS(m) => sem::fp_to_int(e, x, inb, m, true, bits),
                    CvtOp::FToU(m) => sem::fp_to_int(e, x, inb, m, false, bits),
                    CvtOp::FixToF { signed, fbits } => {
                        softfp::from_int(e, x, inb, signed, bits, fbits as u32)
                    }
                    CvtOp::FToFix { signed, fbits } => {
                        softfp::to_int(e, x, inb, RoundMode::Zero, signed, bits, fbits as u32)
                    }
                };
                cpu.fpsr |= env.flags;
                r as u128
            }
            Op::Vec {
                op,
                esize,
                imm,
                args,
            } => {
                let arg = |v: Value| if v == Value::NONE { 0 } else { g(v) };
                let mut env = Env::new(cpu.fpcr);
                let r = sem::vec_env(
                    &mut env,
                    op,
                    esize,
                    imm,
                    arg(args[0]),
                    arg(args[1]),
                    arg(args[2]),
                );
                cpu.fpsr |= env.flags;
                r
            }
            Op::Call(h, args) => {
                let arg = |v: Value| if v == Value::NONE { 0 } else { g64(v) };
                (match h {
                    Helper::StoreExclusive { size } => sem::store_exclusive(
                        mem,
                        cpu.excl_addr,
                        cpu.excl_val,
                        arg(args[0]),
                        size,
                        arg(args[1]),
                    ),
                    Helper::StoreExclusivePair { size } => sem::store_exclusive_pair(
                        mem,
                        cpu.excl_addr,
                        cpu.excl_val,
                        cpu.excl_val2,
                        arg(args[0]),
                        size,
                        arg(args[1]),
                        arg(args[2]),
                    ),
                    Helper::CompareAndSwap { size } => {
                        sem::compare_and_swap(mem, arg(args[0]), size, arg(args[1]), arg(args[2]))
                    }
                    Helper::AtomicRmw { op, size } => {
                        sem::atomic_rmw(mem, arg(args[0]), size, op, arg(args[1]))
                    }
                }) as u128
            }
        };
        vals[i] = r;
    }
    cpu.link_slot = 0;
    match block.exit {
        Exit::Jump(t) => {
            cpu.pc = t;
            exit_code::LOOKUP
        }
        Exit::Branch {
            cond,
            taken,
            not_taken,
        } => {
            cpu.pc = if vals[cond.index()] as u64 != 0 {
                taken
            } else {
                not_taken
            };
            exit_code::LOOKUP
        }
        Exit::Indirect(v) => {
            cpu.pc = vals[v.index()] as u64;
            exit_code::LOOKUP
        }
        Exit::Trap { kind, resume, .. } => {
            let (k, a) = kind.encode();
            cpu.pc = resume;
            cpu.trap_kind = k;
            cpu.trap_arg = a;
            exit_code::TRAP
        }
    }
}

fn read_reg(cpu: &CpuState, r: Reg) -> u128 {
    match r {
        Reg::X(n) => cpu.x[n as usize] as u128,
        Reg::V(n) => cpu.v[n as usize],
        Reg::Nzcv => cpu.nzcv as u128,
        Reg::Fpcr => cpu.fpcr as u128,
        Reg::Fpsr => cpu.fpsr as u128,
        Reg::Tpidr => cpu.tpidr_el0 as u128,
        Reg::ExclAddr => cpu.excl_addr as u128,
        Reg::ExclVal => cpu.excl_val as u128,
        Reg::ExclVal2 => cpu.excl_val2 as u128,
    }
}

fn write_reg(cpu: &mut CpuState, r: Reg, v: u128) {
    let x = v as u64;
    match r {
        Reg::X(n) => cpu.x[n as usize] = x,
        Reg::V(n) => cpu.v[n as usize] = v,
        Reg::Nzcv => cpu.nzcv = x,
        Reg::Fpcr => cpu.fpcr = x,
        Reg::Fpsr => cpu.fpsr = x,
        Reg::Tpidr => cpu.tpidr_el0 = x,
        Reg::ExclAddr => cpu.excl_addr = x,
        Reg::ExclVal => cpu.excl_val = x,
        Reg::ExclVal2 => cpu.excl_val2 = x,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BinOp, Builder, Exit, NzcvOp, Reg, Value};

    struct NoMem;
    impl Mem for NoMem {
        fn load(&mut self, _: u64, _: u8) -> u64 {
            unreachable!("the test block does not load")
        }
        fn store(&mut self, _: u64, _: u8, _: u64) {
            unreachable!("the test block does not store")
        }
    }

    /// subs x0, x1, x2 ; b.lt taken
    #[test]
    fn subs_and_conditional_branch() {
        let mut b = Builder::new();
        b.insn_start(0x1000);
        let x1 = b.get(Reg::X(1));
        let x2 = b.get(Reg::X(2));
        let r = b.bin(BinOp::Sub, x1, x2);
        b.set(Reg::X(0), r);
        let f = b.nzcv(NzcvOp::Sub, x1, x2, Value::NONE);
        b.set(Reg::Nzcv, f);
        b.insn_start(0x1004);
        let f = b.get(Reg::Nzcv);
        let lt = b.cond(0b1011, f);
        let block = b.finish(
            0x1000,
            0x1008,
            2,
            Exit::Branch {
                cond: lt,
                taken: 0x2000,
                not_taken: 0x1008,
            },
        );
        crate::verify::verify(&block).expect("valid block");
        let mut cpu = CpuState::default();
        cpu.x[1] = 3;
        cpu.x[2] = 5;
        assert_eq!(run_block(&block, &mut cpu, &mut NoMem), exit_code::LOOKUP);
        assert_eq!(cpu.pc, 0x2000);
        assert_eq!(cpu.x[0], (-2i64) as u64);
        assert_eq!(cpu.nzcv, 1 << 31);
        cpu.x[1] = 5;
        run_block(&block, &mut cpu, &mut NoMem);
        assert_eq!(cpu.pc, 0x1008);
        assert_eq!(cpu.nzcv, 0b0110 << 28);
    }
}
