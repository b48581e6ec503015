//! The readable text form of IR blocks (`-d ir`).

use crate::block::{Block, Exit};
use crate::op::*;
use std::fmt::{self, Write};

fn v(x: Value) -> String {
    if x == Value::NONE {
        "_".into()
    } else {
        format!("v{}", x.0)
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "block {:#x}..{:#x} ({} guest insns):",
            self.pc, self.end, self.guest_insns
        )?;
        for (i, inst) in self.insts.iter().enumerate() {
            let mut s = String::new();
            if inst.ty != Type::Void {
                let _ = write!(s, "v{i}:{} = ", inst.ty.name());
            }
            let _ = match inst.op {
                Op::InsnStart(pc) => {
                    writeln!(f, "  ; {pc:#x}")?;
                    continue;
                }
                Op::Const(c) => write!(s, "const {c:#x}"),
                Op::ConstV(c) => write!(s, "const {c:#034x}"),
                Op::GetReg(r) => write!(s, "get {}", r.name()),
                Op::SetReg(r, a) => write!(s, "set {}, {}", r.name(), v(a)),
                Op::Bin(op, a, b) => write!(s, "{op:?} {}, {}", v(a), v(b)),
                Op::Cmp(op, a, b) => write!(s, "cmp.{op:?} {}, {}", v(a), v(b)),
                Op::Un(op, a) => write!(s, "{op:?} {}", v(a)),
                Op::Select(c, a, b) => write!(s, "select {}, {}, {}", v(c), v(a), v(b)),
                Op::Nzcv(op, a, b, c) => write!(s, "nzcv.{op:?} {}, {}, {}", v(a), v(b), v(c)),
                Op::CondHolds(c, n) => write!(s, "cond {} {}", COND_NAMES[c as usize & 15], v(n)),
                Op::Load { size, signed, addr } => {
                    write!(
                        s,
                        "load.{}{} [{}]",
                        if signed { "s" } else { "u" },
                        size * 8,
                        v(addr)
                    )
                }
                Op::Store { size, addr, val } => {
                    write!(s, "store.{} [{}], {}", size * 8, v(addr), v(val))
                }
                Op::Fence => write!(s, "fence"),
                Op::Fp(op, a, b, c) => write!(s, "f{op:?} {}, {}, {}", v(a), v(b), v(c)),
                Op::Cvt(op, a) => write!(s, "cvt.{op:?} {}", v(a)),
                Op::Vec {
                    op,
                    esize,
                    imm,
                    args,
                } => {
                    write!(
                        s,
                        "vec.{op:?}.e{esize} #{imm} {}, {}, {}",
                        v(args[0]),
                        v(args[1]),
                        v(args[2])
                    )
                }
                Op::Call(h, a) => write!(
                    s,
                    "call {h:?}({}, {}, {}, {})",
                    v(a[0]),
                    v(a[1]),
                    v(a[2]),
                    v(a[3])
                ),
            };
            writeln!(f, "    {s}")?;
        }
        match self.exit {
            Exit::Jump(t) => writeln!(f, "  exit jump {t:#x}"),
            Exit::Branch {
                cond,
                taken,
                not_taken,
            } => {
                writeln!(f, "  exit branch {} ? {taken:#x} : {not_taken:#x}", v(cond))
            }
            Exit::Indirect(t) => writeln!(f, "  exit indirect {}", v(t)),
            Exit::Trap { kind, pc, resume } => {
                writeln!(f, "  exit trap {kind:?} at {pc:#x}, resume {resume:#x}")
            }
        }
    }
}

/// A64 condition-code names, indexed by encoding.
pub const COND_NAMES: [&str; 16] = [
    "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv",
];
