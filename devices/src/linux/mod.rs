//! The Linux arm64 user-mode system model.

pub mod loader;
pub mod stack;
mod strace;
pub mod syscalls;

pub use loader::{load_elf, LoadError, LoadedImage};
pub use syscalls::{LinuxModel, LinuxOptions};

/// AT_HWCAP bits egret implements (and so advertises): FP and AdvSIMD.
pub const HWCAP_FP: u64 = 1 << 0;
pub const HWCAP_ASIMD: u64 = 1 << 1;
pub const HWCAP: u64 = HWCAP_FP | HWCAP_ASIMD;
