//! Guest memory: one reserved host region holding the whole guest address space, with a map
//! of guest mappings and their protections.
//!
//! Guest address `a` lives at host address `base + (a & mask)`. The reservation is `mask + 1`
//! bytes plus a guard zone, so no guest address, masked, reaches host memory outside it;
//! unmapped guest pages are PROT_NONE and fault, and the fault handler reports a guest SIGSEGV.

use std::collections::BTreeMap;

/// Size of the guest address space egret provides (64 GiB).
pub const GUEST_SPACE: u64 = 1 << 36;
/// Guard bytes past the end of the reservation (covers the widest access).
const GUARD: u64 = 1 << 16;
pub const PAGE: u64 = 4096;

pub const PROT_READ: u32 = 1;
pub const PROT_WRITE: u32 = 2;
pub const PROT_EXEC: u32 = 4;

/// A guest memory access that is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("guest memory fault at {addr:#x}")]
pub struct Fault {
    pub addr: u64,
}

/// Errors from mapping guest memory.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("address range {0:#x}+{1:#x} is outside the guest address space")]
    OutOfRange(u64, u64),
    #[error("host mmap/mprotect failed: {0}")]
    Host(std::io::Error),
}

#[derive(Clone, Copy, Debug)]
struct Region {
    end: u64,
    prot: u32,
}

/// The guest's address space.
pub struct GuestMemory {
    base: *mut u8,
    /// Page-granular mappings: start → (end, prot). Adjacent entries may share protections.
    regions: BTreeMap<u64, Region>,
    /// Ranges of executable memory unmapped or re-protected since the engine last looked.
    invalidated: Vec<(u64, u64)>,
}

// SAFETY: the raw base pointer designates a private reservation owned by this value.
unsafe impl Send for GuestMemory {}

pub fn page_down(a: u64) -> u64 {
    a & !(PAGE - 1)
}
pub fn page_up(a: u64) -> u64 {
    a.wrapping_add(PAGE - 1) & !(PAGE - 1)
}

fn host_prot(prot: u32) -> i32 {
    let mut p = 0;
    if prot & PROT_READ != 0 || prot & PROT_EXEC != 0 {
        p |= libc::PROT_READ;
    }
    if prot & PROT_WRITE != 0 {
        p |= libc::PROT_READ | libc::PROT_WRITE;
    }
    p
}

impl GuestMemory {
    /// Reserves the guest address space (no memory is committed until mapped).
    pub fn new() -> Result<GuestMemory, MapError> {
        // SAFETY: a fresh anonymous PROT_NONE reservation; nothing else refers to it.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                (GUEST_SPACE + GUARD) as usize,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(MapError::Host(std::io::Error::last_os_error()));
        }
        Ok(GuestMemory {
            base: p as *mut u8,
            regions: BTreeMap::new(),
            invalidated: Vec::new(),
        })
    }

    pub fn base(&self) -> u64 {
        self.base as u64
    }
    pub fn mask(&self) -> u64 {
        GUEST_SPACE - 1
    }
    /// Whether a host address lies in the reservation (for the fault handler).
    pub fn contains_host(&self, host: u64) -> bool {
        host >= self.base as u64 && host < self.base as u64 + GUEST_SPACE + GUARD
    }

    fn check_range(addr: u64, len: u64) -> Result<(), MapError> {
        if addr.checked_add(len).is_none_or(|e| e > GUEST_SPACE) {
            return Err(MapError::OutOfRange(addr, len));
        }
        Ok(())
    }

    fn set_regions(&mut self, start: u64, end: u64, prot: Option<u32>) {
        // split any region straddling start or end, then drop those inside, then insert
        let mut splits = Vec::new();
        for (&s, r) in self.regions.range(..end) {
            if r.end > start {
                splits.push((s, *r));
            }
        }
        for (s, r) in splits {
            self.regions.remove(&s);
            if r.prot & PROT_EXEC != 0 {
                self.invalidated.push((s.max(start), r.end.min(end)));
            }
            if s < start {
                self.regions.insert(
                    s,
                    Region {
                        end: start,
                        prot: r.prot,
                    },
                );
            }
            if r.end > end {
                self.regions.insert(
                    end,
                    Region {
                        end: r.end,
                        prot: r.prot,
                    },
                );
            }
        }
        if let Some(prot) = prot {
            self.regions.insert(start, Region { end, prot });
        }
    }

    /// Maps fresh zeroed memory at `[addr, addr+len)` (page-aligned) with `prot`.
    pub fn map(&mut self, addr: u64, len: u64, prot: u32) -> Result<(), MapError> {
        let (start, end) = (page_down(addr), page_up(addr + len));
        Self::check_range(start, end - start)?;
        if end == start {
            return Ok(());
        }
        // SAFETY: the range is inside our reservation (checked above).
        let p = unsafe {
            libc::mmap(
                self.base.add(start as usize) as *mut libc::c_void,
                (end - start) as usize,
                host_prot(prot),
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(MapError::Host(std::io::Error::last_os_error()));
        }
        self.set_regions(start, end, Some(prot));
        Ok(())
    }

    /// Maps `len` bytes of host file `fd` at `offset` (MAP_PRIVATE), like a guest mmap.
    pub fn map_file(
        &mut self,
        addr: u64,
        len: u64,
        prot: u32,
        fd: i32,
        offset: u64,
        shared: bool,
    ) -> Result<(), MapError> {
        let (start, end) = (page_down(addr), page_up(addr + len));
        Self::check_range(start, end - start)?;
        let flags = if shared {
            libc::MAP_SHARED
        } else {
            libc::MAP_PRIVATE
        } | libc::MAP_FIXED;
        // SAFETY: the range is inside our reservation.
        let p = unsafe {
            libc::mmap(
                self.base.add(start as usize) as *mut libc::c_void,
                (end - start) as usize,
                host_prot(prot),
                flags,
                fd,
                offset as libc::off_t,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(MapError::Host(std::io::Error::last_os_error()));
        }
        self.set_regions(start, end, Some(prot));
        Ok(())
    }

    /// Unmaps a range (it becomes PROT_NONE again).
    pub fn unmap(&mut self, addr: u64, len: u64) -> Result<(), MapError> {
        let (start, end) = (page_down(addr), page_up(addr + len));
        Self::check_range(start, end - start)?;
        // SAFETY: inside our reservation; replaces the pages with a fresh PROT_NONE mapping.
        let p = unsafe {
            libc::mmap(
                self.base.add(start as usize) as *mut libc::c_void,
                (end - start) as usize,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(MapError::Host(std::io::Error::last_os_error()));
        }
        self.set_regions(start, end, None);
        Ok(())
    }

    /// Changes protections of mapped pages; fails with `Fault` if part of the range is unmapped.
    pub fn protect(&mut self, addr: u64, len: u64, prot: u32) -> Result<(), Fault> {
        let (start, end) = (page_down(addr), page_up(addr + len));
        if !self.is_mapped(start, end - start) {
            return Err(Fault { addr: start });
        }
        // SAFETY: inside our reservation.
        let rc = unsafe {
            libc::mprotect(
                self.base.add(start as usize) as *mut libc::c_void,
                (end - start) as usize,
                host_prot(prot),
            )
        };
        if rc != 0 {
            return Err(Fault { addr: start });
        }
        // set_regions records the old executable parts as invalidated
        self.set_regions(start, end, Some(prot));
        Ok(())
    }

    /// Whether every page of the range is mapped.
    pub fn is_mapped(&self, addr: u64, len: u64) -> bool {
        self.check_prot(addr, len, 0)
    }

    /// Whether every byte of the range is mapped with at least `need` permissions.
    pub fn check_prot(&self, addr: u64, len: u64, need: u32) -> bool {
        let Some(end) = addr.checked_add(len) else {
            return false;
        };
        let mut a = addr;
        while a < end {
            match self.regions.range(..=a).next_back() {
                Some((_, r)) if r.end > a && r.prot & need == need => a = r.end,
                _ => return false,
            }
        }
        true
    }

    /// Protection of the page holding `addr`, if mapped.
    pub fn prot_at(&self, addr: u64) -> Option<u32> {
        match self.regions.range(..=addr).next_back() {
            Some((_, r)) if r.end > addr => Some(r.prot),
            _ => None,
        }
    }

    /// Finds `len` bytes of unmapped space, searching down from `below`.
    pub fn find_free(&self, len: u64, below: u64) -> Option<u64> {
        let len = page_up(len);
        let mut top = below.min(GUEST_SPACE);
        for (&s, r) in self.regions.range(..top).rev() {
            if r.end <= top && top - r.end >= len {
                return Some(top - len);
            }
            top = top.min(s);
        }
        if top >= len + 0x10000 {
            Some(top - len)
        } else {
            None
        }
    }

    /// Iterates mapped regions as (start, end, prot).
    pub fn regions(&self) -> impl Iterator<Item = (u64, u64, u32)> + '_ {
        self.regions.iter().map(|(s, r)| (*s, r.end, r.prot))
    }

    /// Executable ranges unmapped or re-protected since the last call.
    pub fn take_invalidated(&mut self) -> Vec<(u64, u64)> {
        std::mem::take(&mut self.invalidated)
    }

    /// Host pointer to guest memory after a permission check.
    pub fn host_slice(&self, addr: u64, len: usize, need: u32) -> Result<*mut u8, Fault> {
        if len > 0 && !self.check_prot(addr, len as u64, need) {
            return Err(Fault { addr });
        }
        // SAFETY: the range is mapped inside the reservation (checked above).
        Ok(unsafe { self.base.add((addr & self.mask()) as usize) })
    }

    pub fn read(&self, addr: u64, buf: &mut [u8]) -> Result<(), Fault> {
        let p = self.host_slice(addr, buf.len(), PROT_READ)?;
        // SAFETY: checked readable for buf.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), buf.len()) };
        Ok(())
    }

    pub fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), Fault> {
        let p = self.host_slice(addr, data.len(), PROT_WRITE)?;
        // SAFETY: checked writable for data.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len()) };
        Ok(())
    }

    /// Writes regardless of guest protection (the loader filling read-only segments).
    pub fn write_force(&mut self, addr: u64, data: &[u8]) -> Result<(), Fault> {
        if !self.is_mapped(addr, data.len() as u64) {
            return Err(Fault { addr });
        }
        let (start, end) = (page_down(addr), page_up(addr + data.len() as u64));
        // SAFETY: the range is mapped inside the reservation; made writable only for the copy.
        unsafe {
            let p = self.base.add(start as usize) as *mut libc::c_void;
            libc::mprotect(
                p,
                (end - start) as usize,
                libc::PROT_READ | libc::PROT_WRITE,
            );
            std::ptr::copy_nonoverlapping(data.as_ptr(), self.base.add(addr as usize), data.len());
        }
        // restore each region's protection
        let parts: Vec<(u64, u64, u32)> = self
            .regions
            .range(..end)
            .filter(|(_, r)| r.end > start)
            .map(|(s, r)| (*s, r.end, r.prot))
            .collect();
        for (s, e, prot) in parts {
            let (s, e) = (s.max(start), e.min(end));
            // SAFETY: inside the reservation.
            unsafe {
                libc::mprotect(
                    self.base.add(s as usize) as *mut libc::c_void,
                    (e - s) as usize,
                    host_prot(prot),
                );
            }
        }
        Ok(())
    }

    pub fn read_u32(&self, addr: u64) -> Result<u32, Fault> {
        let mut b = [0u8; 4];
        self.read(addr, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    pub fn read_u64(&self, addr: u64) -> Result<u64, Fault> {
        let mut b = [0u8; 8];
        self.read(addr, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    pub fn write_u64(&mut self, addr: u64, v: u64) -> Result<(), Fault> {
        self.write(addr, &v.to_le_bytes())
    }
    pub fn write_u32(&mut self, addr: u64, v: u32) -> Result<(), Fault> {
        self.write(addr, &v.to_le_bytes())
    }

    /// Reads a NUL-terminated string (at most `max` bytes).
    pub fn read_cstr(&self, addr: u64, max: usize) -> Result<Vec<u8>, Fault> {
        let mut out = Vec::new();
        let mut a = addr;
        while out.len() < max {
            // read up to the end of the page at once
            let n = (PAGE - (a % PAGE)) as usize;
            let p = self.host_slice(a, n, PROT_READ)?;
            // SAFETY: checked readable for n bytes.
            let s = unsafe { std::slice::from_raw_parts(p, n) };
            if let Some(i) = s.iter().position(|&b| b == 0) {
                out.extend_from_slice(&s[..i]);
                return Ok(out);
            }
            out.extend_from_slice(s);
            a += n as u64;
        }
        Err(Fault { addr })
    }

    /// Instruction fetch: the word at `pc` if it is mapped executable.
    pub fn fetch(&self, pc: u64) -> Option<u32> {
        if !pc.is_multiple_of(4) || !self.check_prot(pc, 4, PROT_EXEC) {
            return None;
        }
        let p = self.host_slice(pc, 4, PROT_EXEC).ok()?;
        // SAFETY: checked mapped for 4 bytes.
        Some(unsafe { (p as *const u32).read_unaligned() })
    }
}

impl Drop for GuestMemory {
    fn drop(&mut self) {
        // SAFETY: unmapping our own reservation.
        unsafe {
            libc::munmap(
                self.base as *mut libc::c_void,
                (GUEST_SPACE + GUARD) as usize,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_protect_unmap() {
        let mut m = GuestMemory::new().unwrap();
        m.map(0x10000, 0x3000, PROT_READ | PROT_WRITE).unwrap();
        m.write_u64(0x10008, 0x1122_3344_5566_7788).unwrap();
        assert_eq!(m.read_u64(0x10008).unwrap(), 0x1122_3344_5566_7788);
        m.protect(0x11000, 0x1000, PROT_READ).unwrap();
        assert!(m.write_u64(0x11000, 1).is_err());
        assert!(m.write_u64(0x12000, 1).is_ok());
        m.unmap(0x10000, 0x1000).unwrap();
        assert!(m.read_u64(0x10000).is_err());
        assert!(m.read_u64(0x9000).is_err());
        assert!(m.read_cstr(0x12000, 16).is_ok());
    }

    #[test]
    fn find_free_avoids_mappings() {
        let mut m = GuestMemory::new().unwrap();
        m.map(0x7000_0000, 0x1000, PROT_READ).unwrap();
        let a = m.find_free(0x2000, 0x7000_1000).unwrap();
        assert!(a + 0x2000 <= 0x7000_0000);
    }

    #[test]
    fn executable_changes_are_reported() {
        let mut m = GuestMemory::new().unwrap();
        m.map(0x40_0000, 0x2000, PROT_READ | PROT_EXEC).unwrap();
        assert!(m.take_invalidated().is_empty());
        m.protect(0x40_0000, 0x1000, PROT_READ | PROT_WRITE)
            .unwrap();
        assert_eq!(m.take_invalidated(), vec![(0x40_0000, 0x40_1000)]);
        m.unmap(0x40_1000, 0x1000).unwrap();
        assert_eq!(m.take_invalidated(), vec![(0x40_1000, 0x40_2000)]);
    }
}
