//! The system calls of the Linux user-mode model, with arm64 numbers and errno semantics.
//! File and time calls pass through to the host after guest pointers are checked and
//! structures converted; memory calls act on the guest address space.

use super::strace;
use runtime::memory::{page_up, PROT_EXEC, PROT_READ, PROT_WRITE};
use runtime::{CpuState, GuestExit, GuestMemory, SystemModel, TrapAction, TrapKind};
use std::collections::HashMap;
use std::io::Write;

/// Options of the Linux model.
#[derive(Default)]
pub struct LinuxOptions {
    /// Print every system call (`--strace`).
    pub strace: bool,
    /// Report system calls that return -ENOSYS (`-d unimp`).
    pub log_unimp: bool,
    /// Absolute host path of the guest program (answers /proc/self/exe).
    pub exe_path: String,
}

/// Process state the Linux model keeps.
pub struct LinuxModel {
    opts: LinuxOptions,
    brk_start: u64,
    brk: u64,
    /// Highest address for non-fixed mmaps (below the stack).
    mmap_top: u64,
    sigactions: HashMap<u64, [u64; 4]>,
    sigmask: u64,
    robust_list: (u64, u64),
    clear_child_tid: u64,
}

const ENOMEM: i64 = 12;
const EFAULT: i64 = 14;
const EINVAL: i64 = 22;
const ENOSYS: i64 = 38;

// guest mmap flags (same values as on x86-64)
const MAP_SHARED: u64 = 0x01;
const MAP_FIXED: u64 = 0x10;
const MAP_ANONYMOUS: u64 = 0x20;
const MAP_FIXED_NOREPLACE: u64 = 0x10_0000;

const SIGTRAP: i32 = 5;
const SIGILL: i32 = 4;
const SIGSEGV: i32 = 11;

fn errno() -> i64 {
    -(std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(EINVAL as i32) as i64)
}

fn host_ret(r: i64) -> i64 {
    if r < 0 {
        errno()
    } else {
        r
    }
}

impl LinuxModel {
    pub fn new(opts: LinuxOptions, brk: u64, mmap_top: u64) -> LinuxModel {
        LinuxModel {
            opts,
            brk_start: brk,
            brk,
            mmap_top,
            sigactions: HashMap::new(),
            sigmask: 0,
            robust_list: (0, 0),
            clear_child_tid: 0,
        }
    }

    /// Converts a host `struct stat` to the arm64 (asm-generic) layout.
    fn write_stat(mem: &mut GuestMemory, addr: u64, st: &libc::stat) -> Result<(), runtime::Fault> {
        let mut b = [0u8; 128];
        let mut put = |off: usize, v: &[u8]| b[off..off + v.len()].copy_from_slice(v);
        put(0, &(st.st_dev).to_le_bytes());
        put(8, &(st.st_ino).to_le_bytes());
        put(16, &(st.st_mode).to_le_bytes());
        put(20, &(st.st_nlink as u32).to_le_bytes());
        put(24, &(st.st_uid).to_le_bytes());
        put(28, &(st.st_gid).to_le_bytes());
        put(32, &(st.st_rdev).to_le_bytes());
        put(48, &(st.st_size).to_le_bytes());
        put(56, &(st.st_blksize as i32).to_le_bytes());
        put(64, &(st.st_blocks).to_le_bytes());
        put(72, &(st.st_atime).to_le_bytes());
        put(80, &(st.st_atime_nsec as u64).to_le_bytes());
        put(88, &(st.st_mtime).to_le_bytes());
        put(96, &(st.st_mtime_nsec as u64).to_le_bytes());
        put(104, &(st.st_ctime).to_le_bytes());
        put(112, &(st.st_ctime_nsec as u64).to_le_bytes());
        mem.write(addr, &b)
    }

    fn path(mem: &GuestMemory, addr: u64) -> Result<std::ffi::CString, i64> {
        let p = mem.read_cstr(addr, 4096).map_err(|_| -EFAULT)?;
        std::ffi::CString::new(p).map_err(|_| -EINVAL)
    }

    fn do_mmap(&mut self, mem: &mut GuestMemory, a: [u64; 6]) -> i64 {
        let (addr, len, prot, flags, fd, off) = (a[0], a[1], a[2] as u32, a[3], a[4] as i32, a[5]);
        if len == 0 || off % 4096 != 0 {
            return -EINVAL;
        }
        let len = page_up(len);
        let prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
        let fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0;
        let target = if fixed {
            if addr % 4096 != 0 {
                return -EINVAL;
            }
            if flags & MAP_FIXED_NOREPLACE != 0
                && mem.regions().any(|(s, e, _)| s < addr + len && e > addr)
            {
                return -17; // EEXIST
            }
            addr
        } else {
            match mem.find_free(len, self.mmap_top) {
                Some(x) => x,
                None => return -ENOMEM,
            }
        };
        let r = if flags & MAP_ANONYMOUS != 0 {
            mem.map(target, len, prot)
        } else {
            mem.map_file(target, len, prot, fd, off, flags & MAP_SHARED != 0)
        };
        match r {
            Ok(()) => target as i64,
            Err(runtime::MapError::Host(e)) => -(e.raw_os_error().unwrap_or(ENOMEM as i32) as i64),
            Err(_) => -ENOMEM,
        }
    }

    fn do_mremap(&mut self, mem: &mut GuestMemory, a: [u64; 6]) -> i64 {
        let (old, old_len, new_len, flags) = (a[0], page_up(a[1]), page_up(a[2]), a[3]);
        const MREMAP_MAYMOVE: u64 = 1;
        if old % 4096 != 0 || new_len == 0 || flags & !MREMAP_MAYMOVE != 0 {
            return -EINVAL;
        }
        let Some(prot) = mem.prot_at(old) else {
            return -EFAULT;
        };
        if !mem.is_mapped(old, old_len) {
            return -EFAULT;
        }
        if new_len <= old_len {
            if new_len < old_len && mem.unmap(old + new_len, old_len - new_len).is_err() {
                return -EINVAL;
            }
            return old as i64;
        }
        // grow in place if the following range is free
        let tail = old + old_len;
        if !mem.regions().any(|(s, e, _)| s < old + new_len && e > tail)
            && old + new_len <= self.mmap_top
            && mem.map(tail, new_len - old_len, prot).is_ok()
        {
            return old as i64;
        }
        if flags & MREMAP_MAYMOVE == 0 {
            return -ENOMEM;
        }
        let Some(dst) = mem.find_free(new_len, self.mmap_top) else {
            return -ENOMEM;
        };
        if mem.map(dst, new_len, prot | PROT_WRITE).is_err() {
            return -ENOMEM;
        }
        let (Ok(src), Ok(to)) = (
            mem.host_slice(old, old_len as usize, 0),
            mem.host_slice(dst, old_len as usize, 0),
        ) else {
            return -EFAULT;
        };
        // SAFETY: both ranges are mapped guest memory of at least old_len bytes and disjoint.
        unsafe { std::ptr::copy_nonoverlapping(src, to, old_len as usize) };
        let _ = mem.protect(dst, new_len, prot);
        let _ = mem.unmap(old, old_len);
        dst as i64
    }

    fn do_brk(&mut self, mem: &mut GuestMemory, want: u64) -> i64 {
        if want < self.brk_start {
            return self.brk as i64;
        }
        let (cur, new) = (page_up(self.brk), page_up(want));
        if new > cur {
            if mem.regions().any(|(s, e, _)| s < new && e > cur)
                || mem.map(cur, new - cur, PROT_READ | PROT_WRITE).is_err()
            {
                return self.brk as i64;
            }
        } else if new < cur && mem.unmap(new, cur - new).is_err() {
            return self.brk as i64;
        }
        self.brk = want;
        want as i64
    }

    fn iovecs(mem: &GuestMemory, addr: u64, cnt: u64, need: u32) -> Result<Vec<libc::iovec>, i64> {
        if cnt > 1024 {
            return Err(-EINVAL);
        }
        let mut v = Vec::with_capacity(cnt as usize);
        for i in 0..cnt {
            let base = mem.read_u64(addr + 16 * i).map_err(|_| -EFAULT)?;
            let len = mem.read_u64(addr + 16 * i + 8).map_err(|_| -EFAULT)?;
            let p = mem
                .host_slice(base, len as usize, need)
                .map_err(|_| -EFAULT)?;
            v.push(libc::iovec {
                iov_base: p as *mut libc::c_void,
                iov_len: len as usize,
            });
        }
        Ok(v)
    }

    /// Runs system call `nr`; returns the value for x0 (negative errno on failure), or an exit.
    fn syscall(&mut self, mem: &mut GuestMemory, nr: u64, a: [u64; 6]) -> Result<i64, GuestExit> {
        let buf = |mem: &GuestMemory, addr: u64, len: u64, need: u32| {
            mem.host_slice(addr, len as usize, need)
        };
        // SAFETY (for every host call below): guest pointers are translated through
        // `host_slice`/`read_cstr`, which check that the whole range is mapped with the needed
        // permission; host structures are local values.
        let r: i64 = unsafe {
            match nr {
                // read, write, pread64, pwrite64
                63 | 67 => match buf(mem, a[1], a[2], PROT_WRITE) {
                    Ok(p) => host_ret(if nr == 63 {
                        libc::read(a[0] as i32, p as *mut libc::c_void, a[2] as usize) as i64
                    } else {
                        libc::pread(
                            a[0] as i32,
                            p as *mut libc::c_void,
                            a[2] as usize,
                            a[3] as i64,
                        ) as i64
                    }),
                    Err(_) => -EFAULT,
                },
                64 | 68 => match buf(mem, a[1], a[2], PROT_READ) {
                    Ok(p) => host_ret(if nr == 64 {
                        libc::write(a[0] as i32, p as *const libc::c_void, a[2] as usize) as i64
                    } else {
                        libc::pwrite(
                            a[0] as i32,
                            p as *const libc::c_void,
                            a[2] as usize,
                            a[3] as i64,
                        ) as i64
                    }),
                    Err(_) => -EFAULT,
                },
                65 | 66 => {
                    let need = if nr == 65 { PROT_WRITE } else { PROT_READ };
                    match Self::iovecs(mem, a[1], a[2], need) {
                        Ok(v) => host_ret(if nr == 65 {
                            libc::readv(a[0] as i32, v.as_ptr(), v.len() as i32) as i64
                        } else {
                            libc::writev(a[0] as i32, v.as_ptr(), v.len() as i32) as i64
                        }),
                        Err(e) => e,
                    }
                }
                56 => match Self::path(mem, a[1]) {
                    Ok(p) => host_ret(libc::openat(
                        a[0] as i32,
                        p.as_ptr(),
                        a[2] as i32,
                        a[3] as libc::c_uint,
                    ) as i64),
                    Err(e) => e,
                },
                57 => {
                    // keep egret's own standard streams alive only as the guest's
                    host_ret(libc::close(a[0] as i32) as i64)
                }
                62 => host_ret(libc::lseek(a[0] as i32, a[1] as i64, a[2] as i32)),
                23 => host_ret(libc::dup(a[0] as i32) as i64),
                24 => host_ret(libc::dup3(a[0] as i32, a[1] as i32, a[2] as i32) as i64),
                25 => match a[1] {
                    // F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC
                    0 | 1 | 2 | 3 | 4 | 1030 => {
                        host_ret(libc::fcntl(a[0] as i32, a[1] as i32, a[2]) as i64)
                    }
                    _ => -EINVAL,
                },
                80 | 79 => {
                    let (fd, path_addr, st_addr, flags) = if nr == 80 {
                        (a[0] as i32, 0, a[1], libc::AT_EMPTY_PATH)
                    } else {
                        (a[0] as i32, a[1], a[2], a[3] as i32)
                    };
                    let path = if nr == 80 {
                        std::ffi::CString::default()
                    } else {
                        match Self::path(mem, path_addr) {
                            Ok(p) => p,
                            Err(e) => return Ok(e),
                        }
                    };
                    let mut st: libc::stat = std::mem::zeroed();
                    let rc = libc::fstatat(fd, path.as_ptr(), &mut st, flags);
                    if rc < 0 {
                        errno()
                    } else if Self::write_stat(mem, st_addr, &st).is_err() {
                        -EFAULT
                    } else {
                        0
                    }
                }
                29 => {
                    // TCGETS, TIOCGWINSZ: the structures have the same layout on both
                    const TCGETS: u64 = 0x5401;
                    const TIOCGWINSZ: u64 = 0x5413;
                    let size = match a[1] {
                        TCGETS => 36,
                        TIOCGWINSZ => 8,
                        _ => return Ok(-25), // ENOTTY
                    };
                    match buf(mem, a[2], size, PROT_WRITE) {
                        Ok(p) => {
                            host_ret(libc::ioctl(a[0] as i32, a[1] as libc::c_ulong, p) as i64)
                        }
                        Err(_) => -EFAULT,
                    }
                }
                35 => match Self::path(mem, a[1]) {
                    Ok(p) => host_ret(libc::unlinkat(a[0] as i32, p.as_ptr(), a[2] as i32) as i64),
                    Err(e) => e,
                },
                34 => match Self::path(mem, a[1]) {
                    Ok(p) => {
                        host_ret(libc::mkdirat(a[0] as i32, p.as_ptr(), a[2] as libc::mode_t) as i64)
                    }
                    Err(e) => e,
                },
                48 => match Self::path(mem, a[1]) {
                    Ok(p) => {
                        host_ret(libc::faccessat(a[0] as i32, p.as_ptr(), a[2] as i32, 0) as i64)
                    }
                    Err(e) => e,
                },
                52 => host_ret(libc::fchmod(a[0] as i32, a[1] as libc::mode_t) as i64),
                46 => host_ret(libc::ftruncate(a[0] as i32, a[1] as i64) as i64),
                82 => host_ret(libc::fsync(a[0] as i32) as i64),
                17 => match buf(mem, a[0], a[1], PROT_WRITE) {
                    Ok(p) => {
                        if libc::getcwd(p as *mut libc::c_char, a[1] as usize).is_null() {
                            errno()
                        } else {
                            libc::strlen(p as *const libc::c_char) as i64 + 1
                        }
                    }
                    Err(_) => -EFAULT,
                },
                49 => match Self::path(mem, a[0]) {
                    Ok(p) => host_ret(libc::chdir(p.as_ptr()) as i64),
                    Err(e) => e,
                },
                78 => match Self::path(mem, a[1]) {
                    Ok(p) => {
                        let target = if p.as_bytes() == b"/proc/self/exe" {
                            Some(self.opts.exe_path.clone().into_bytes())
                        } else {
                            None
                        };
                        match buf(mem, a[2], a[3], PROT_WRITE) {
                            Ok(out) => match target {
                                Some(t) => {
                                    let n = t.len().min(a[3] as usize);
                                    std::ptr::copy_nonoverlapping(t.as_ptr(), out, n);
                                    n as i64
                                }
                                None => host_ret(libc::readlinkat(
                                    a[0] as i32,
                                    p.as_ptr(),
                                    out as *mut libc::c_char,
                                    a[3] as usize,
                                ) as i64),
                            },
                            Err(_) => -EFAULT,
                        }
                    }
                    Err(e) => e,
                },
                61 => match buf(mem, a[1], a[2], PROT_WRITE) {
                    Ok(p) => host_ret(libc::syscall(
                        libc::SYS_getdents64,
                        a[0] as i32,
                        p,
                        a[2] as usize,
                    )),
                    Err(_) => -EFAULT,
                },
                93 | 94 => return Err(GuestExit::Status((a[0] & 0xff) as i32)),
                96 => {
                    self.clear_child_tid = a[0];
                    libc::getpid() as i64
                }
                99 => {
                    if a[1] != 24 {
                        -EINVAL
                    } else {
                        self.robust_list = (a[0], a[1]);
                        0
                    }
                }
                113 | 114 => {
                    let mut ts: libc::timespec = std::mem::zeroed();
                    let rc = if nr == 113 {
                        libc::clock_gettime(a[0] as libc::clockid_t, &mut ts)
                    } else {
                        libc::clock_getres(a[0] as libc::clockid_t, &mut ts)
                    };
                    if rc < 0 {
                        errno()
                    } else if a[1] == 0 {
                        0
                    } else {
                        let mut b = [0u8; 16];
                        b[..8].copy_from_slice(&(ts.tv_sec).to_le_bytes());
                        b[8..].copy_from_slice(&(ts.tv_nsec).to_le_bytes());
                        if mem.write(a[1], &b).is_err() {
                            -EFAULT
                        } else {
                            0
                        }
                    }
                }
                169 => {
                    let mut tv: libc::timeval = std::mem::zeroed();
                    libc::gettimeofday(&mut tv, std::ptr::null_mut());
                    let mut b = [0u8; 16];
                    b[..8].copy_from_slice(&(tv.tv_sec).to_le_bytes());
                    b[8..].copy_from_slice(&(tv.tv_usec).to_le_bytes());
                    if a[0] != 0 && mem.write(a[0], &b).is_err() {
                        -EFAULT
                    } else {
                        0
                    }
                }
                101 | 115 => {
                    // nanosleep(req, rem) / clock_nanosleep(clock, flags, req, rem)
                    let (req, rem) = if nr == 101 {
                        (a[0], a[1])
                    } else {
                        (a[2], a[3])
                    };
                    let mut b = [0u8; 16];
                    if mem.read(req, &mut b).is_err() {
                        -EFAULT
                    } else {
                        let ts = libc::timespec {
                            tv_sec: i64::from_le_bytes(b[..8].try_into().expect("8 bytes")),
                            tv_nsec: i64::from_le_bytes(b[8..].try_into().expect("8 bytes")),
                        };
                        let mut left: libc::timespec = std::mem::zeroed();
                        let rc = if nr == 101 {
                            host_ret(libc::nanosleep(&ts, &mut left) as i64)
                        } else {
                            -(libc::clock_nanosleep(
                                a[0] as libc::clockid_t,
                                a[1] as i32,
                                &ts,
                                &mut left,
                            ) as i64)
                        };
                        if rc == -4 && rem != 0 {
                            let mut o = [0u8; 16];
                            o[..8].copy_from_slice(&left.tv_sec.to_le_bytes());
                            o[8..].copy_from_slice(&left.tv_nsec.to_le_bytes());
                            let _ = mem.write(rem, &o);
                        }
                        rc
                    }
                }
                124 => host_ret(libc::sched_yield() as i64),
                134 => {
                    // rt_sigaction: record the action (delivery of guest handlers comes later)
                    let (sig, act, old) = (a[0], a[1], a[2]);
                    if sig == 0 || sig > 64 || sig == 9 || sig == 19 {
                        -EINVAL
                    } else {
                        let prev = self.sigactions.get(&sig).copied().unwrap_or([0; 4]);
                        if old != 0 {
                            for (i, w) in prev.iter().enumerate() {
                                if mem.write_u64(old + 8 * i as u64, *w).is_err() {
                                    return Ok(-EFAULT);
                                }
                            }
                        }
                        if act != 0 {
                            let mut new = [0u64; 4];
                            for (i, w) in new.iter_mut().enumerate() {
                                match mem.read_u64(act + 8 * i as u64) {
                                    Ok(v) => *w = v,
                                    Err(_) => return Ok(-EFAULT),
                                }
                            }
                            self.sigactions.insert(sig, new);
                        }
                        0
                    }
                }
                135 => {
                    let (how, set, old) = (a[0], a[1], a[2]);
                    if old != 0 && mem.write_u64(old, self.sigmask).is_err() {
                        return Ok(-EFAULT);
                    }
                    if set != 0 {
                        let Ok(s) = mem.read_u64(set) else {
                            return Ok(-EFAULT);
                        };
                        let s = s & !((1 << 8) | (1 << 18)); // SIGKILL, SIGSTOP
                        match how {
                            0 => self.sigmask |= s,
                            1 => self.sigmask &= !s,
                            2 => self.sigmask = s,
                            _ => return Ok(-EINVAL),
                        }
                    }
                    0
                }
                160 => {
                    let mut u: libc::utsname = std::mem::zeroed();
                    libc::uname(&mut u);
                    let mut b = [0u8; 65 * 6];
                    let field = |b: &mut [u8], i: usize, s: &[u8]| {
                        let n = s.len().min(64);
                        b[65 * i..65 * i + n].copy_from_slice(&s[..n]);
                    };
                    let cs = |f: &[libc::c_char]| -> Vec<u8> {
                        f.iter()
                            .take_while(|&&c| c != 0)
                            .map(|&c| c as u8)
                            .collect()
                    };
                    field(&mut b, 0, b"Linux");
                    field(&mut b, 1, &cs(&u.nodename));
                    field(&mut b, 2, &cs(&u.release));
                    field(&mut b, 3, &cs(&u.version));
                    field(&mut b, 4, b"aarch64");
                    field(&mut b, 5, &cs(&u.domainname));
                    if mem.write(a[0], &b).is_err() {
                        -EFAULT
                    } else {
                        0
                    }
                }
                163 | 261 => {
                    // getrlimit(res, old) / prlimit64(pid, res, new, old): same struct layout
                    let (pid, res, new, old) = if nr == 163 {
                        (0, a[0], 0, a[1])
                    } else {
                        (a[0], a[1], a[2], a[3])
                    };
                    let newp = if new == 0 {
                        std::ptr::null()
                    } else {
                        match buf(mem, new, 16, PROT_READ) {
                            Ok(p) => p as *const libc::rlimit64,
                            Err(_) => return Ok(-EFAULT),
                        }
                    };
                    let oldp = if old == 0 {
                        std::ptr::null_mut()
                    } else {
                        match buf(mem, old, 16, PROT_WRITE) {
                            Ok(p) => p as *mut libc::rlimit64,
                            Err(_) => return Ok(-EFAULT),
                        }
                    };
                    host_ret(libc::prlimit64(
                        pid as i32,
                        res as libc::__rlimit_resource_t,
                        newp,
                        oldp,
                    ) as i64)
                }
                165 => match buf(
                    mem,
                    a[1],
                    std::mem::size_of::<libc::rusage>() as u64,
                    PROT_WRITE,
                ) {
                    Ok(p) => host_ret(libc::getrusage(a[0] as i32, p as *mut libc::rusage) as i64),
                    Err(_) => -EFAULT,
                },
                166 => libc::umask(a[0] as libc::mode_t) as i64,
                172 => libc::getpid() as i64,
                173 => libc::getppid() as i64,
                174 => libc::getuid() as i64,
                175 => libc::geteuid() as i64,
                176 => libc::getgid() as i64,
                177 => libc::getegid() as i64,
                178 => libc::getpid() as i64,
                179 => match buf(
                    mem,
                    a[0],
                    std::mem::size_of::<libc::sysinfo>() as u64,
                    PROT_WRITE,
                ) {
                    Ok(p) => host_ret(libc::sysinfo(p as *mut libc::sysinfo) as i64),
                    Err(_) => -EFAULT,
                },
                214 => self.do_brk(mem, a[0]),
                215 => {
                    if !a[0].is_multiple_of(4096) || a[1] == 0 || mem.unmap(a[0], a[1]).is_err() {
                        -EINVAL
                    } else {
                        0
                    }
                }
                216 => self.do_mremap(mem, a),
                222 => self.do_mmap(mem, a),
                226 => {
                    if !a[0].is_multiple_of(4096) {
                        -EINVAL
                    } else if mem.protect(a[0], a[1], a[2] as u32 & 7).is_err() {
                        -ENOMEM
                    } else {
                        0
                    }
                }
                233 => {
                    // madvise: only MADV_DONTNEED changes contents (anonymous pages read zero)
                    const MADV_DONTNEED: u64 = 4;
                    if a[2] == MADV_DONTNEED {
                        match buf(mem, a[0], a[1], 0) {
                            Ok(p) => host_ret(libc::madvise(
                                p as *mut libc::c_void,
                                a[1] as usize,
                                libc::MADV_DONTNEED,
                            ) as i64),
                            Err(_) => -ENOMEM,
                        }
                    } else {
                        0
                    }
                }
                278 => match buf(mem, a[0], a[1], PROT_WRITE) {
                    Ok(p) => host_ret(libc::getrandom(
                        p as *mut libc::c_void,
                        a[1] as usize,
                        a[2] as u32,
                    ) as i64),
                    Err(_) => -EFAULT,
                },
                129..=131 => {
                    // kill/tgkill/tkill aimed at ourselves: the default action of the signal
                    let sig = if nr == 131 { a[2] } else { a[1] } as i32;
                    let me = libc::getpid() as u64;
                    let target = if nr == 131 { a[1] } else { a[0] };
                    if target != me && target != 0 {
                        host_ret(libc::kill(target as i32, sig) as i64)
                    } else if sig == 0 {
                        0
                    } else {
                        return Err(GuestExit::Signal {
                            sig,
                            pc: 0,
                            addr: 0,
                        });
                    }
                }
                _ => -ENOSYS,
            }
        };
        Ok(r)
    }
}

impl SystemModel for LinuxModel {
    fn trap(
        &mut self,
        cpu: &mut CpuState,
        mem: &mut GuestMemory,
        kind: TrapKind,
        pc: u64,
    ) -> TrapAction {
        match kind {
            TrapKind::Svc(_) => {
                let nr = cpu.x[8];
                let a = [cpu.x[0], cpu.x[1], cpu.x[2], cpu.x[3], cpu.x[4], cpu.x[5]];
                let r = self.syscall(mem, nr, a);
                let name = strace::name(nr);
                match r {
                    Ok(v) => {
                        if self.opts.strace
                            || (self.opts.log_unimp && v == -ENOSYS && name == "unknown")
                        {
                            // SAFETY: getpid has no preconditions.
                            let pid = unsafe { libc::getpid() };
                            let _ = writeln!(
                                std::io::stderr(),
                                "{pid} {name}({:#x},{:#x},{:#x},{:#x},{:#x},{:#x}) = {v}{}",
                                a[0],
                                a[1],
                                a[2],
                                a[3],
                                a[4],
                                a[5],
                                if v == -ENOSYS {
                                    format!(" (ENOSYS: syscall {nr} not implemented)")
                                } else {
                                    String::new()
                                }
                            );
                        }
                        cpu.x[0] = v as u64;
                        TrapAction::Resume
                    }
                    Err(exit) => {
                        if self.opts.strace {
                            let _ = writeln!(std::io::stderr(), "{name}({}) = ?", a[0] as i64);
                        }
                        match exit {
                            GuestExit::Signal { sig, .. } => {
                                TrapAction::Exit(GuestExit::Signal { sig, pc, addr: 0 })
                            }
                            e => TrapAction::Exit(e),
                        }
                    }
                }
            }
            TrapKind::Brk(_) => TrapAction::Exit(GuestExit::Signal {
                sig: SIGTRAP,
                pc,
                addr: pc,
            }),
            TrapKind::Undefined(_)
            | TrapKind::Halt(_)
            | TrapKind::Unimplemented(_)
            | TrapKind::IcInvalidate(_) => TrapAction::Exit(GuestExit::Signal {
                sig: SIGILL,
                pc,
                addr: pc,
            }),
            TrapKind::FetchFault => TrapAction::Exit(GuestExit::Signal {
                sig: SIGSEGV,
                pc,
                addr: pc,
            }),
        }
    }
}
