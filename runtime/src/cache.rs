//! The code cache: translated blocks keyed by guest PC, their host code, the link slots that
//! chain them, and the jump cache that indirect branches probe.

use hashbrown::HashMap;
use ir::Block;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Executable memory for host code: one RWX mapping, filled front to back.
pub struct CodeMemory {
    base: *mut u8,
    size: usize,
    used: usize,
}

// SAFETY: owned mapping; the engine that owns it is the only writer.
unsafe impl Send for CodeMemory {}

/// Errors from the code cache.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot map code memory: {0}")]
    Map(std::io::Error),
    #[error("code cache full")]
    Full,
}

impl CodeMemory {
    pub fn new(size: usize) -> Result<CodeMemory, CacheError> {
        // SAFETY: a fresh private mapping nothing else refers to.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(CacheError::Map(std::io::Error::last_os_error()));
        }
        Ok(CodeMemory {
            base: p as *mut u8,
            size,
            used: 0,
        })
    }

    /// Copies `code` in (16-byte aligned) and returns its address.
    pub fn add(&mut self, code: &[u8]) -> Result<u64, CacheError> {
        let start = (self.used + 15) & !15;
        if start + code.len() > self.size {
            return Err(CacheError::Full);
        }
        // SAFETY: within our mapping, past everything handed out so far.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), self.base.add(start), code.len()) };
        self.used = start + code.len();
        Ok(self.base as u64 + start as u64)
    }

    pub fn contains(&self, host: u64) -> bool {
        host >= self.base as u64 && host < self.base as u64 + self.used as u64
    }

    pub fn used(&self) -> usize {
        self.used
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: our own mapping.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.size) };
    }
}

/// Link slots: pointer-stable words that hold the host address a chained exit jumps to.
pub struct Slots {
    chunks: Vec<Box<[u64; 1024]>>,
    next: usize,
}

impl Slots {
    pub fn new() -> Slots {
        Slots {
            chunks: Vec::new(),
            next: 1024,
        }
    }
    /// A new slot initialised to `target`; returns its address.
    pub fn alloc(&mut self, target: u64) -> u64 {
        if self.next == 1024 {
            self.chunks.push(Box::new([0; 1024]));
            self.next = 0;
        }
        let chunk = self.chunks.last_mut().expect("a chunk was just pushed");
        chunk[self.next] = target;
        let addr = &chunk[self.next] as *const u64 as u64;
        self.next += 1;
        addr
    }
    /// Points a slot at `target`.
    pub fn set(&mut self, slot: u64, target: u64) {
        debug_assert!(self.owns(slot));
        // SAFETY: `slot` came from `alloc`, whose chunks are never freed or moved.
        unsafe { (slot as *mut u64).write_volatile(target) };
    }
    fn owns(&self, slot: u64) -> bool {
        self.chunks.iter().any(|c| {
            let s = c.as_ptr() as u64;
            slot >= s && slot < s + 8 * 1024
        })
    }
}

impl Default for Slots {
    fn default() -> Self {
        Self::new()
    }
}

/// One entry of the jump cache (layout known to translated code).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct JcEntry {
    pub pc: u64,
    pub code: u64,
}

pub const JC_BITS: u32 = 12;

/// Direct-mapped cache from guest PC to host code, probed inline by indirect branches.
pub struct JumpCache {
    pub entries: Box<[JcEntry]>,
}

impl JumpCache {
    pub fn new() -> JumpCache {
        JumpCache {
            entries: vec![
                JcEntry {
                    pc: u64::MAX,
                    code: 0
                };
                1 << JC_BITS
            ]
            .into_boxed_slice(),
        }
    }
    pub fn addr(&self) -> u64 {
        self.entries.as_ptr() as u64
    }
    pub fn insert(&mut self, pc: u64, code: u64) {
        let i = ((pc >> 2) & ((1 << JC_BITS) - 1)) as usize;
        self.entries[i] = JcEntry { pc, code };
    }
    pub fn clear(&mut self) {
        for e in self.entries.iter_mut() {
            e.pc = u64::MAX;
        }
    }
}

impl Default for JumpCache {
    fn default() -> Self {
        Self::new()
    }
}

/// Host code of a compiled block.
pub struct HostCode {
    pub addr: u64,
    pub len: usize,
    /// (host offset, guest instruction index), sorted.
    pub srclocs: Vec<(u32, u32)>,
}

/// A translated block: its IR (for the interpreter) and, once hot, its host code.
pub struct Translation {
    pub ir: Arc<Block>,
    pub host: Option<HostCode>,
    /// Times the interpreter has run it (for tier-up).
    pub runs: u32,
}

/// Translated blocks by guest PC, with what is needed to unchain and invalidate them.
#[derive(Default)]
pub struct BlockMap {
    pub blocks: HashMap<u64, Translation>,
    /// Slots that chain to each guest PC.
    pub incoming: HashMap<u64, Vec<u64>>,
    /// Blocks by guest page, for invalidation.
    pub by_page: HashMap<u64, Vec<u64>>,
    /// Host code start → guest block PC, for mapping faulting host PCs back to guest PCs.
    pub by_host: BTreeMap<u64, u64>,
}

impl BlockMap {
    pub fn insert(&mut self, pc: u64, t: Translation) {
        let (start, end) = (t.ir.pc, t.ir.end.max(t.ir.pc + 4));
        let mut page = start & !0xfff;
        while page < end {
            self.by_page.entry(page).or_default().push(pc);
            page += 0x1000;
        }
        self.blocks.insert(pc, t);
    }

    /// Removes every block overlapping `[start, end)`; returns the slots that must be reset.
    pub fn invalidate(&mut self, start: u64, end: u64) -> Vec<u64> {
        let mut victims = Vec::new();
        let mut page = start & !0xfff;
        while page < end {
            if let Some(list) = self.by_page.get(&page) {
                for &pc in list {
                    if let Some(t) = self.blocks.get(&pc) {
                        if t.ir.pc < end && t.ir.end.max(t.ir.pc + 4) > start {
                            victims.push(pc);
                        }
                    }
                }
            }
            page += 0x1000;
        }
        let mut slots = Vec::new();
        for pc in victims {
            if let Some(t) = self.blocks.remove(&pc) {
                if let Some(h) = t.host {
                    self.by_host.remove(&h.addr);
                }
                let mut page = t.ir.pc & !0xfff;
                while page < t.ir.end.max(t.ir.pc + 4) {
                    if let Some(list) = self.by_page.get_mut(&page) {
                        list.retain(|&p| p != pc);
                    }
                    page += 0x1000;
                }
            }
            if let Some(s) = self.incoming.remove(&pc) {
                slots.extend(s);
            }
        }
        slots
    }

    /// The guest PC of the instruction whose host code contains `host`, if any.
    pub fn guest_pc_of_host(&self, host: u64) -> Option<u64> {
        let (&start, &pc) = self.by_host.range(..=host).next_back()?;
        let t = self.blocks.get(&pc)?;
        let h = t.host.as_ref()?;
        if host >= start + h.len as u64 {
            return None;
        }
        let off = (host - start) as u32;
        let idx = match h.srclocs.binary_search_by_key(&off, |s| s.0) {
            Ok(i) => h.srclocs[i].1,
            Err(0) => 0,
            Err(i) => h.srclocs[i - 1].1,
        };
        Some(pc + 4 * idx as u64)
    }
}
