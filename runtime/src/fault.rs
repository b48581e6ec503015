//! Host SIGSEGV/SIGBUS handling: a fault inside the guest region is a guest fault.
//!
//! Translated code and the interpreter access guest memory directly, so an access to an
//! unmapped or protected guest page faults on the host. The handler maps the faulting host
//! PC back to the guest instruction (through the code cache's source locations), reports
//! `egret: guest SIGSEGV at pc=… addr=…` and exits with status 128+signal, as a shell would
//! show for a guest killed by that signal. Faults outside the guest region are egret's own
//! and get the default action.

use crate::cache::{BlockMap, CodeMemory};
use ir::CpuState;
use std::fmt::Write;
use std::sync::atomic::{AtomicPtr, Ordering};

/// What the handler needs to know, published by the engine while it runs.
pub struct FaultContext {
    pub mem_base: u64,
    pub mem_end: u64,
    pub code: *const CodeMemory,
    pub map: *const BlockMap,
    pub cpu: *const CpuState,
}

static CONTEXT: AtomicPtr<FaultContext> = AtomicPtr::new(std::ptr::null_mut());

/// Publishes the context (the engine keeps it alive while it runs).
pub fn publish(ctx: *mut FaultContext) {
    CONTEXT.store(ctx, Ordering::SeqCst);
}

struct Buf {
    b: [u8; 160],
    n: usize,
}

impl Write for Buf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let k = s.len().min(self.b.len() - self.n);
        self.b[self.n..self.n + k].copy_from_slice(&s.as_bytes()[..k]);
        self.n += k;
        Ok(())
    }
}

extern "C" fn on_fault(sig: libc::c_int, info: *mut libc::siginfo_t, uc: *mut libc::c_void) {
    // SAFETY: called by the kernel with valid siginfo/ucontext pointers; the context pointer
    // is either null or points to the engine's live FaultContext. We only read, format into
    // a stack buffer and exit, which is async-signal-safe.
    unsafe {
        let addr = (*info).si_addr() as u64;
        let ctx = CONTEXT.load(Ordering::SeqCst);
        if ctx.is_null() || addr < (*ctx).mem_base || addr >= (*ctx).mem_end {
            // not a guest access: restore the default action and let the fault recur
            libc::signal(sig, libc::SIG_DFL);
            return;
        }
        let ctx = &*ctx;
        let rip = (*(uc as *mut libc::ucontext_t)).uc_mcontext.gregs[libc::REG_RIP as usize] as u64;
        let mut pc = (*ctx.cpu).pc;
        if !ctx.code.is_null() && (*ctx.code).contains(rip) {
            if let Some(p) = (*ctx.map).guest_pc_of_host(rip) {
                pc = p;
            }
        }
        let name = if sig == libc::SIGBUS {
            "SIGBUS"
        } else {
            "SIGSEGV"
        };
        let mut b = Buf { b: [0; 160], n: 0 };
        let _ = writeln!(
            b,
            "egret: guest {name} at pc={pc:#x} addr={:#x}",
            addr - ctx.mem_base
        );
        libc::write(2, b.b.as_ptr() as *const libc::c_void, b.n);
        libc::_exit(128 + sig);
    }
}

/// Installs the handler for SIGSEGV and SIGBUS (idempotent).
pub fn install() {
    // SAFETY: installing a plain SA_SIGINFO handler; the handler itself is async-signal-safe.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_fault as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGSEGV, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut());
    }
}
