//! The dispatcher: finds or translates the block at the guest PC, runs it on the chosen engine,
//! links chained exits, and hands traps to the system model.

use crate::cache::{
    BlockMap, CacheError, CodeMemory, HostCode, JumpCache, Slots, Translation, JC_BITS,
};
use crate::fault::{self, FaultContext};
use crate::memory::GuestMemory;
use backend::{CompileEnv, Jit, OptLevel};
use ir::sem::{HostMem, Mem};
use ir::state::exit_code;
use ir::{Block, CpuState, TrapKind};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Instruction cache line size that IC IVAU acts on (CTR_EL0.IminLine: 16 words).
const ICACHE_LINE: u64 = 64;

/// Which engine executes guest blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// Cranelift JIT (cold blocks run in the interpreter until they reach the threshold).
    Jit,
    /// The reference interpreter only.
    Interp,
    /// Both in lockstep, comparing state after every block.
    Diff,
}

/// What `-d` asked to log.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogFlags {
    pub in_asm: bool,
    pub ir: bool,
    pub out_asm: bool,
    pub exec: bool,
    /// Do not chain blocks: every block exit returns to the dispatcher (like QEMU's nochain).
    pub nochain: bool,
    /// Check every translated block with the IR verifier (always on in debug builds).
    pub verify: bool,
}

/// Engine options.
pub struct Options {
    pub engine: EngineKind,
    pub log: LogFlags,
    /// Where `-d` output goes.
    pub log_sink: Box<dyn Write + Send>,
    /// Interpreted runs before a block is compiled (0: compile on first execution).
    pub jit_threshold: u32,
    pub opt: OptLevel,
}

/// How the guest ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestExit {
    /// exit/exit_group status.
    Status(i32),
    /// Killed by a signal the guest did not handle.
    Signal { sig: i32, pc: u64, addr: u64 },
}

/// What the system model wants after a trap.
pub enum TrapAction {
    Resume,
    Exit(GuestExit),
}

/// The system model behind the trap interface.
pub trait SystemModel {
    /// Handles a trap raised at `pc` (state complete; `cpu.pc` is where execution resumes).
    fn trap(
        &mut self,
        cpu: &mut CpuState,
        mem: &mut GuestMemory,
        kind: TrapKind,
        pc: u64,
    ) -> TrapAction;
}

/// Why `Engine::run` returned.
#[derive(Debug)]
pub enum Outcome {
    Exit(GuestExit),
    /// A valid instruction egret does not implement.
    Unimplemented {
        pc: u64,
        insn: u32,
    },
    /// `--engine diff` found the JIT and the interpreter disagreeing; the report says where.
    Divergence(String),
    /// An internal failure (code cache full, compiler error).
    Internal(String),
}

/// Counters for benchmarks and `--stats`.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub blocks_translated: u64,
    pub guest_insns_translated: u64,
    pub blocks_compiled: u64,
    pub guest_insns_compiled: u64,
    pub translate_time: Duration,
    pub compile_time: Duration,
    pub host_code_bytes: usize,
    pub interp_blocks: u64,
    pub dispatches: u64,
    pub links: u64,
    /// Blocks the backend could not compile (they stay interpreted).
    pub compile_failures: u64,
}

/// One guest CPU with its memory, code cache and engines.
pub struct Engine {
    pub cpu: Box<CpuState>,
    pub mem: GuestMemory,
    pub stats: Stats,
    opts: Options,
    jit: Option<Jit>,
    code: Box<CodeMemory>,
    slots: Slots,
    jc: JumpCache,
    map: Box<BlockMap>,
    miss_stub: u64,
    trampoline: u64,
    fault_ctx: Box<FaultContext>,
}

impl Engine {
    pub fn new(mem: GuestMemory, opts: Options) -> Result<Engine, String> {
        let mut code = Box::new(CodeMemory::new(512 << 20).map_err(|e| e.to_string())?);
        let mut jit = Jit::new(opts.opt).map_err(|e| e.to_string())?;
        let stub = jit.compile_miss_stub().map_err(|e| e.to_string())?;
        let miss_stub = code.add(&stub.code).map_err(|e| e.to_string())?;
        let tramp = jit.compile_trampoline().map_err(|e| e.to_string())?;
        let trampoline = code.add(&tramp.code).map_err(|e| e.to_string())?;
        let mut cpu = Box::<CpuState>::default();
        cpu.mem_base = mem.base();
        cpu.mem_mask = mem.mask();
        let map = Box::<BlockMap>::default();
        let fault_ctx = Box::new(FaultContext {
            mem_base: mem.base(),
            mem_end: mem.base() + crate::memory::GUEST_SPACE + (1 << 16),
            code: &*code,
            map: &*map,
            cpu: &*cpu,
        });
        Ok(Engine {
            cpu,
            mem,
            stats: Stats::default(),
            jit: if opts.engine == EngineKind::Interp {
                None
            } else {
                Some(jit)
            },
            opts,
            code,
            slots: Slots::new(),
            jc: JumpCache::new(),
            map,
            miss_stub,
            trampoline,
            fault_ctx,
        })
    }

    fn log(&mut self, s: &str) {
        let _ = self.opts.log_sink.write_all(s.as_bytes());
    }

    /// Translates the block at `pc` (frontend only).
    fn translate(&mut self, pc: u64) -> Arc<Block> {
        let t0 = Instant::now();
        let mem = &self.mem;
        let mut fetch = |a: u64| mem.fetch(a);
        let block = frontend::translate_block(&mut fetch, pc);
        self.stats.translate_time += t0.elapsed();
        self.stats.blocks_translated += 1;
        self.stats.guest_insns_translated += block.guest_insns as u64;
        if cfg!(debug_assertions) || self.opts.log.verify {
            if let Err(e) = ir::verify::verify(&block) {
                panic!("egret: the frontend made ill-typed IR: {e:?}\n{block}");
            }
        }
        if self.opts.log.in_asm {
            let mut s = format!("IN: {:#x}\n", pc);
            for i in 0..block.guest_insns as u64 {
                let a = pc + 4 * i;
                if let Some(w) = self.mem.fetch(a) {
                    let text =
                        frontend::disasm::disassemble(w).unwrap_or_else(|| "<undefined>".into());
                    s.push_str(&format!("  {a:#018x}:  {w:08x}      {text}\n"));
                }
            }
            s.push('\n');
            self.log(&s);
        }
        if self.opts.log.ir {
            let s = format!("{block}\n");
            self.log(&s);
        }
        Arc::new(block)
    }

    /// Compiles a block to host code; `None` if the backend cannot (the block stays interpreted).
    fn compile(&mut self, block: &Block, chain: bool) -> Result<Option<HostCode>, CacheError> {
        let Some(jit) = self.jit.as_mut() else {
            return Ok(None);
        };
        let t0 = Instant::now();
        let env = CompileEnv {
            mem_base: self.mem.base(),
            mem_mask: self.mem.mask(),
            slots: [
                self.slots.alloc(self.miss_stub),
                self.slots.alloc(self.miss_stub),
            ],
            jump_cache: self.jc.addr(),
            jc_bits: JC_BITS,
            use_jump_cache: chain,
            loops: chain,
        };
        let compiled = match jit.compile(block, &env) {
            Ok(c) => c,
            Err(e) => {
                self.stats.compile_failures += 1;
                let msg = format!("egret: block {:#x} stays interpreted: {e}\n", block.pc);
                self.log(&msg);
                return Ok(None);
            }
        };
        let addr = self.code.add(&compiled.code)?;
        self.stats.compile_time += t0.elapsed();
        self.stats.blocks_compiled += 1;
        self.stats.guest_insns_compiled += block.guest_insns as u64;
        self.stats.host_code_bytes += compiled.code.len();
        if self.opts.log.out_asm {
            let s = format!(
                "OUT: [guest {:#x}]\n{}\n",
                block.pc,
                backend::x86dis::disassemble(&compiled.code, addr)
            );
            self.log(&s);
        }
        Ok(Some(HostCode {
            addr,
            len: compiled.code.len(),
            srclocs: compiled.srclocs,
        }))
    }

    fn enter(&mut self, code: u64) -> u64 {
        // SAFETY: `trampoline` is the compiled entry stub `extern "C" fn(*mut CpuState, u64) -> u64`
        // and `code` a block compiled for this engine's memory, slots and jump cache.
        unsafe {
            let f: extern "C" fn(*mut CpuState, u64) -> u64 =
                std::mem::transmute(self.trampoline as usize);
            f(&mut *self.cpu, code)
        }
    }

    /// Applies invalidations of executable memory recorded by the memory map.
    fn invalidate(&mut self) {
        let ranges = self.mem.take_invalidated();
        if ranges.is_empty() {
            return;
        }
        for (s, e) in ranges {
            self.drop_translations(s, e);
        }
    }

    /// Drops every translation of guest code in `[start, end)` and unlinks the exits that
    /// chained to it.
    fn drop_translations(&mut self, start: u64, end: u64) {
        for slot in self.map.invalidate(start, end) {
            self.slots.set(slot, self.miss_stub);
        }
        self.jc.clear();
    }

    /// Runs the guest until it exits.
    pub fn run(&mut self, model: &mut dyn SystemModel) -> Outcome {
        fault::install();
        self.fault_ctx.cpu = &*self.cpu;
        fault::publish(&mut *self.fault_ctx);
        let chain =
            self.opts.engine == EngineKind::Jit && !self.opts.log.exec && !self.opts.log.nochain;
        let threshold = self.opts.jit_threshold;
        loop {
            let pc = self.cpu.pc;
            self.stats.dispatches += 1;
            if self.opts.log.exec {
                let s = format!("Trace: [{pc:#018x}]\n");
                self.log(&s);
            }
            if !self.map.blocks.contains_key(&pc) {
                let ir = self.translate(pc);
                self.map.insert(
                    pc,
                    Translation {
                        ir,
                        host: None,
                        runs: 0,
                    },
                );
            }
            let code = match self.opts.engine {
                EngineKind::Interp => self.run_interp(pc),
                EngineKind::Diff => match self.run_diff(pc) {
                    Ok(c) => c,
                    Err(o) => return o,
                },
                EngineKind::Jit => {
                    let t = self.map.blocks.get_mut(&pc).expect("block just inserted");
                    let host = t.host.as_ref().map(|h| h.addr);
                    match host {
                        Some(addr) => {
                            if chain {
                                if self.cpu.link_slot != 0 {
                                    self.slots.set(self.cpu.link_slot, addr);
                                    self.map
                                        .incoming
                                        .entry(pc)
                                        .or_default()
                                        .push(self.cpu.link_slot);
                                    self.stats.links += 1;
                                }
                                self.jc.insert(pc, addr);
                            }
                            self.cpu.link_slot = 0;
                            self.enter(addr)
                        }
                        None => {
                            t.runs += 1;
                            if t.runs > threshold {
                                let ir = t.ir.clone();
                                match self.compile(&ir, chain) {
                                    Ok(Some(h)) => {
                                        self.map.by_host.insert(h.addr, pc);
                                        self.map.blocks.get_mut(&pc).expect("present").host =
                                            Some(h);
                                        continue;
                                    }
                                    Ok(None) => {}
                                    Err(e) => return Outcome::Internal(e.to_string()),
                                }
                            }
                            self.run_interp(pc)
                        }
                    }
                }
            };
            match code {
                exit_code::LOOKUP | exit_code::REQUESTED => {}
                _ => {
                    self.cpu.link_slot = 0;
                    let Some(kind) = TrapKind::decode(self.cpu.trap_kind, self.cpu.trap_arg) else {
                        return Outcome::Internal(format!("bad trap kind {}", self.cpu.trap_kind));
                    };
                    let trap_pc = match kind {
                        TrapKind::Svc(_) => self.cpu.pc.wrapping_sub(4),
                        _ => self.cpu.pc,
                    };
                    match kind {
                        TrapKind::Unimplemented(insn) => {
                            return Outcome::Unimplemented { pc: trap_pc, insn }
                        }
                        TrapKind::IcInvalidate(n) => {
                            let va = if n == 31 { 0 } else { self.cpu.x[n as usize] };
                            let line = va & !(ICACHE_LINE - 1);
                            self.drop_translations(line, line.wrapping_add(ICACHE_LINE));
                            continue;
                        }
                        _ => {}
                    }
                    match model.trap(&mut self.cpu, &mut self.mem, kind, trap_pc) {
                        TrapAction::Resume => self.invalidate(),
                        TrapAction::Exit(e) => return Outcome::Exit(e),
                    }
                }
            }
        }
    }

    fn run_interp(&mut self, pc: u64) -> u64 {
        self.stats.interp_blocks += 1;
        let ir = self.map.blocks[&pc].ir.clone();
        let mut m = HostMem {
            base: self.cpu.mem_base,
            mask: self.cpu.mem_mask,
        };
        ir::interp::run_block(&ir, &mut self.cpu, &mut m)
    }

    /// Lockstep: the interpreter runs the block on the real state (logging its stores), memory
    /// is rolled back, the JIT runs it on a copy, and both states and the stored bytes must
    /// agree.
    fn run_diff(&mut self, pc: u64) -> Result<u64, Outcome> {
        let ir = self.map.blocks[&pc].ir.clone();
        if self.map.blocks[&pc].host.is_none() {
            match self.compile(&ir, false) {
                Ok(Some(h)) => {
                    self.map.by_host.insert(h.addr, pc);
                    self.map.blocks.get_mut(&pc).expect("present").host = Some(h);
                }
                Ok(None) => {}
                Err(e) => return Err(Outcome::Internal(e.to_string())),
            }
        }
        let mut jit_cpu = self.cpu.clone();
        let mut log = LoggingMem {
            inner: HostMem {
                base: self.cpu.mem_base,
                mask: self.cpu.mem_mask,
            },
            log: Vec::new(),
        };
        let code_i = ir::interp::run_block(&ir, &mut self.cpu, &mut log);
        let Some(addr) = self.map.blocks[&pc].host.as_ref().map(|h| h.addr) else {
            return Ok(code_i);
        };
        // roll back the interpreter's stores, newest first
        for w in log.log.iter().rev() {
            log.inner.store(w.addr, w.size, w.old);
        }
        jit_cpu.link_slot = 0;
        // SAFETY: as in `enter`; the JIT runs one block (its link slots all hold the miss stub).
        let code_j = unsafe {
            let f: extern "C" fn(*mut CpuState, u64) -> u64 =
                std::mem::transmute(self.trampoline as usize);
            f(&mut *jit_cpu, addr)
        };
        let mut diffs = jit_cpu.differences(&self.cpu);
        if code_i != code_j {
            diffs.push(format!("exit code: jit {code_j} vs interp {code_i}"));
        }
        // the final value of every byte the interpreter stored must be what the JIT left
        let mut last: std::collections::BTreeMap<u64, (u8, u64)> = Default::default();
        for w in &log.log {
            last.insert(w.addr, (w.size, w.new));
        }
        for (a, (size, v)) in last {
            let now = log.inner.load(a, size);
            if now != v & ir::sem::mask(size as u32 * 8) {
                diffs.push(format!(
                    "memory [{a:#x}] ({size} bytes): jit {now:#x} vs interp {v:#x}"
                ));
            }
            log.inner.store(a, size, v);
        }
        if diffs.is_empty() {
            return Ok(code_i);
        }
        let mut r =
            format!("egret: --engine diff: divergence in block {pc:#x} (jit vs interpreter)\n");
        for i in 0..ir.guest_insns as u64 {
            let a = pc + 4 * i;
            if let Some(w) = self.mem.fetch(a) {
                r.push_str(&format!(
                    "  {a:#x}: {w:08x}  {}\n",
                    frontend::disasm::disassemble(w).unwrap_or_default()
                ));
            }
        }
        r.push_str(&format!("{ir}"));
        for d in diffs {
            r.push_str(&format!("  differs: {d}\n"));
        }
        Err(Outcome::Divergence(r))
    }
}

struct Write1 {
    addr: u64,
    size: u8,
    old: u64,
    new: u64,
}

/// Guest memory that records every store with the bytes it replaced.
struct LoggingMem {
    inner: HostMem,
    log: Vec<Write1>,
}

impl Mem for LoggingMem {
    fn load(&mut self, addr: u64, size: u8) -> u64 {
        self.inner.load(addr, size)
    }
    fn store(&mut self, addr: u64, size: u8, val: u64) {
        let old = self.inner.load(addr, size);
        self.inner.store(addr, size, val);
        self.log.push(Write1 {
            addr,
            size,
            old,
            new: val,
        });
    }
}
