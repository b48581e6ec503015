//! The initial process stack: argc, argv, envp and the auxiliary vector, as Linux lays them out.

use super::loader::LoadedImage;
use runtime::memory::{PROT_READ, PROT_WRITE};
use runtime::{Fault, GuestMemory};

/// Top of the guest stack and its size.
pub const STACK_TOP: u64 = 0xf_ffff_0000;
pub const STACK_SIZE: u64 = 8 << 20;

const AT_NULL: u64 = 0;
const AT_PHDR: u64 = 3;
const AT_PHENT: u64 = 4;
const AT_PHNUM: u64 = 5;
const AT_PAGESZ: u64 = 6;
const AT_BASE: u64 = 7;
const AT_FLAGS: u64 = 8;
const AT_ENTRY: u64 = 9;
const AT_UID: u64 = 11;
const AT_EUID: u64 = 12;
const AT_GID: u64 = 13;
const AT_EGID: u64 = 14;
const AT_HWCAP: u64 = 16;
const AT_CLKTCK: u64 = 17;
const AT_SECURE: u64 = 23;
const AT_RANDOM: u64 = 25;
const AT_HWCAP2: u64 = 26;
const AT_EXECFN: u64 = 31;
const AT_MINSIGSTKSZ: u64 = 51;

/// Maps the stack and writes the process's initial contents; returns the initial SP.
pub fn build(
    mem: &mut GuestMemory,
    img: &LoadedImage,
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
    execfn: &[u8],
) -> Result<u64, Fault> {
    mem.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE)
        .map_err(|_| Fault {
            addr: STACK_TOP - STACK_SIZE,
        })?;
    let mut sp = STACK_TOP;
    let mut push_bytes = |mem: &mut GuestMemory, b: &[u8]| -> Result<u64, Fault> {
        sp -= b.len() as u64 + 1;
        mem.write(sp, b)?;
        mem.write(sp + b.len() as u64, &[0])?;
        Ok(sp)
    };
    let execfn_addr = push_bytes(mem, execfn)?;
    let mut env_ptrs = Vec::new();
    for e in envp {
        env_ptrs.push(push_bytes(mem, e)?);
    }
    let mut arg_ptrs = Vec::new();
    for a in argv {
        arg_ptrs.push(push_bytes(mem, a)?);
    }
    sp &= !15;
    let mut random = [0u8; 16];
    // SAFETY: getrandom writes at most 16 bytes into our buffer.
    unsafe { libc::getrandom(random.as_mut_ptr() as *mut libc::c_void, 16, 0) };
    sp -= 16;
    mem.write(sp, &random)?;
    let random_addr = sp;
    // SAFETY: plain libc queries.
    let (uid, euid, gid, egid) = unsafe {
        (
            libc::getuid(),
            libc::geteuid(),
            libc::getgid(),
            libc::getegid(),
        )
    };
    let auxv: Vec<(u64, u64)> = vec![
        (AT_PHDR, img.phdr),
        (AT_PHENT, img.phent),
        (AT_PHNUM, img.phnum),
        (AT_PAGESZ, 4096),
        (AT_BASE, 0),
        (AT_FLAGS, 0),
        (AT_ENTRY, img.entry),
        (AT_UID, uid as u64),
        (AT_EUID, euid as u64),
        (AT_GID, gid as u64),
        (AT_EGID, egid as u64),
        (AT_HWCAP, super::HWCAP),
        (AT_HWCAP2, super::HWCAP2),
        (AT_CLKTCK, 100),
        (AT_SECURE, 0),
        (AT_RANDOM, random_addr),
        (AT_EXECFN, execfn_addr),
        (AT_MINSIGSTKSZ, 5120),
        (AT_NULL, 0),
    ];
    let words = 1 + arg_ptrs.len() + 1 + env_ptrs.len() + 1 + 2 * auxv.len();
    sp -= 8 * words as u64;
    sp &= !15;
    let mut p = sp;
    let mut put = |mem: &mut GuestMemory, v: u64| -> Result<(), Fault> {
        mem.write_u64(p, v)?;
        p += 8;
        Ok(())
    };
    put(mem, argv.len() as u64)?;
    for a in &arg_ptrs {
        put(mem, *a)?;
    }
    put(mem, 0)?;
    for e in &env_ptrs {
        put(mem, *e)?;
    }
    put(mem, 0)?;
    for (k, v) in auxv {
        put(mem, k)?;
        put(mem, v)?;
    }
    Ok(sp)
}
