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
pub const HWCAP_AES: u64 = 1 << 3;
pub const HWCAP_PMULL: u64 = 1 << 4;
pub const HWCAP_SHA1: u64 = 1 << 5;
pub const HWCAP_SHA2: u64 = 1 << 6;
pub const HWCAP_CRC32: u64 = 1 << 7;
pub const HWCAP_FPHP: u64 = 1 << 9;
pub const HWCAP_ASIMDHP: u64 = 1 << 10;
pub const HWCAP_ATOMICS: u64 = 1 << 8;
pub const HWCAP_ASIMDRDM: u64 = 1 << 12;
pub const HWCAP_JSCVT: u64 = 1 << 13;
// HWCAP_FCMA (1 << 14) waits for FCMLA by element
pub const HWCAP_LRCPC: u64 = 1 << 15;
pub const HWCAP_ASIMDDP: u64 = 1 << 20;
pub const HWCAP_SHA3: u64 = 1 << 17;
pub const HWCAP_SHA512: u64 = 1 << 21;
pub const HWCAP_ILRCPC: u64 = 1 << 26;
pub const HWCAP_FLAGM: u64 = 1 << 27;
/// AT_HWCAP: the optional features egret implements and has passed random differential
/// testing against qemu-aarch64 (`egret isa --random`).
pub const HWCAP: u64 =
    HWCAP_FP | HWCAP_ASIMD | HWCAP_CRC32 | HWCAP_ATOMICS | HWCAP_LRCPC | HWCAP_ILRCPC | HWCAP_FLAGM;
pub const HWCAP2_FLAGM2: u64 = 1 << 7;
pub const HWCAP2_FRINT: u64 = 1 << 8;
/// AT_HWCAP2.
pub const HWCAP2: u64 = HWCAP2_FLAGM2 | HWCAP2_FRINT;
