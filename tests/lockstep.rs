//! The JIT against the reference interpreter, instruction by instruction: every distinct
//! data-processing instruction word that gcc emitted into the committed guest images runs alone
//! (followed by BRK) from random register, vector and flag states under `--engine diff`, which
//! compares the whole CPU state after the block. Special FP values (NaNs, infinities, zeros,
//! denormals) are mixed into the vector lanes.

use frontend::decode::lookup;
use runtime::{
    CpuState, Engine, EngineKind, GuestExit, GuestMemory, LogFlags, Options, Outcome, SystemModel,
    TrapAction,
};
use std::collections::BTreeSet;
use std::path::Path;

const GROUPS: &[&str] = &[
    "Data processing -- immediate",
    "Data processing -- register",
    "Data processing -- scalar floating-point",
    "Data processing -- AdvSIMD",
];
const CODE: u64 = 0x10_0000;
const STATES_PER_INSN: usize = 6;

struct StopAtBrk;

impl SystemModel for StopAtBrk {
    fn trap(
        &mut self,
        _cpu: &mut CpuState,
        _mem: &mut GuestMemory,
        kind: runtime::TrapKind,
        _pc: u64,
    ) -> TrapAction {
        match kind {
            runtime::TrapKind::Brk(_) => TrapAction::Exit(GuestExit::Status(0)),
            _ => TrapAction::Exit(GuestExit::Status(1)),
        }
    }
}

/// Distinct data-processing words from the executable segments of the guest images.
fn words() -> Vec<u32> {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("guest-images/bin");
    let mut set = BTreeSet::new();
    for f in std::fs::read_dir(bin).expect("guest-images/bin") {
        let data = std::fs::read(f.expect("entry").path()).expect("read image");
        let elf = goblin::elf::Elf::parse(&data).expect("guest image is ELF");
        for ph in elf
            .program_headers
            .iter()
            .filter(|p| p.p_type == goblin::elf::program_header::PT_LOAD && p.is_executable())
        {
            let seg = &data[ph.p_offset as usize..(ph.p_offset + ph.p_filesz) as usize];
            for w in seg.chunks_exact(4) {
                let w = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
                if lookup(w).is_some_and(|e| GROUPS.contains(&e.group)) {
                    set.insert(w);
                }
            }
        }
    }
    set.into_iter().collect()
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A 64-bit value that is often an interesting FP or integer pattern.
    fn value(&mut self) -> u64 {
        const SPECIAL64: &[u64] = &[
            0,
            1,
            u64::MAX,
            0x8000_0000_0000_0000,
            0x7fff_ffff_ffff_ffff,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            0x7ff8_0000_0000_0001,
            0x7ff0_0000_0000_0001,
            0x0000_0000_0000_0003,
            0x3ff0_0000_0000_0000,
            0xc000_0000_0000_0000,
            0x8000_0000_0000_0001,
        ];
        const SPECIAL32: &[u32] = &[
            0,
            0x8000_0000,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0001,
            0x7f80_0001,
            0x0000_0001,
            0x3f80_0000,
            0xbf00_0000,
            0x4f00_0000,
            0xcf00_0000,
            0xffff_ffff,
        ];
        match self.next() % 4 {
            0 => SPECIAL64[(self.next() % SPECIAL64.len() as u64) as usize],
            1 => {
                let lo = SPECIAL32[(self.next() % SPECIAL32.len() as u64) as usize] as u64;
                let hi = SPECIAL32[(self.next() % SPECIAL32.len() as u64) as usize] as u64;
                hi << 32 | lo
            }
            2 => self.next() % 1000,
            _ => self.next(),
        }
    }
}

#[test]
fn data_processing_instructions_agree_with_the_interpreter() {
    let words = words();
    assert!(words.len() > 500, "found {} instruction words", words.len());
    let mut mem = GuestMemory::new().expect("guest memory");
    let len = (words.len() as u64 * 8).next_multiple_of(0x1000);
    mem.map(CODE, len, runtime::PROT_READ | runtime::PROT_EXEC)
        .expect("map code");
    for (i, w) in words.iter().enumerate() {
        let at = CODE + 8 * i as u64;
        mem.write_force(at, &w.to_le_bytes()).expect("write insn");
        mem.write_force(at + 4, &0xd420_0000u32.to_le_bytes())
            .expect("write brk");
    }
    let opts = Options {
        engine: EngineKind::Diff,
        log: LogFlags::default(),
        log_sink: Box::new(std::io::sink()),
        jit_threshold: 0,
        opt: backend::OptLevel::Speed,
    };
    let mut engine = Engine::new(mem, opts).expect("engine");
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut failures = Vec::new();
    let mut runs = 0;
    let mut completed = 0;
    for (i, w) in words.iter().enumerate() {
        for _ in 0..STATES_PER_INSN {
            let cpu = &mut engine.cpu;
            for x in cpu.x.iter_mut() {
                *x = rng.value();
            }
            for v in cpu.v.iter_mut() {
                *v = (rng.value() as u128) << 64 | rng.value() as u128;
            }
            cpu.nzcv = (rng.next() & 0xf) << 28;
            cpu.fpsr = 0;
            cpu.fpcr = 0;
            cpu.pc = CODE + 8 * i as u64;
            runs += 1;
            match engine.run(&mut StopAtBrk) {
                Outcome::Exit(GuestExit::Status(0)) => completed += 1,
                // UNDEFINED (SIGILL) or not implemented: both engines agreed to stop.
                Outcome::Exit(GuestExit::Status(1)) | Outcome::Unimplemented { .. } => {}
                Outcome::Divergence(report) => {
                    failures.push(format!("{w:#010x}:\n{report}"));
                    break;
                }
                other => failures.push(format!("{w:#010x}: {other:?}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} instructions diverge ({runs} runs):\n{}",
        failures.len(),
        words.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} instruction words, {runs} lockstep runs ({completed} executed), no divergence",
        words.len()
    );
    assert!(
        completed > runs / 2,
        "most words are implemented instructions"
    );
}
