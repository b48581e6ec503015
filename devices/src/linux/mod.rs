//! The Linux arm64 user-mode system model.

pub mod loader;
pub mod stack;
mod strace;
pub mod syscalls;

pub use loader::{load_elf, LoadError, LoadedImage};
pub use syscalls::{LinuxModel, LinuxOptions};

/// AT_HWCAP bits (Linux arm64 `hwcap.h`).
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
pub const HWCAP_FCMA: u64 = 1 << 14;
pub const HWCAP_LRCPC: u64 = 1 << 15;
pub const HWCAP_ASIMDDP: u64 = 1 << 20;
pub const HWCAP_SHA3: u64 = 1 << 17;
pub const HWCAP_SHA512: u64 = 1 << 21;
pub const HWCAP_ASIMDFHM: u64 = 1 << 23;
pub const HWCAP_ILRCPC: u64 = 1 << 26;
pub const HWCAP_FLAGM: u64 = 1 << 27;
/// AT_HWCAP: the optional features egret implements and has passed random differential
/// testing against qemu-aarch64 (`egret isa --random`).
pub const HWCAP: u64 = HWCAP_FP
    | HWCAP_ASIMD
    | HWCAP_AES
    | HWCAP_PMULL
    | HWCAP_SHA1
    | HWCAP_SHA2
    | HWCAP_CRC32
    | HWCAP_ATOMICS
    | HWCAP_FPHP
    | HWCAP_ASIMDHP
    | HWCAP_ASIMDRDM
    | HWCAP_JSCVT
    | HWCAP_FCMA
    | HWCAP_LRCPC
    | HWCAP_SHA3
    | HWCAP_ASIMDDP
    | HWCAP_SHA512
    | HWCAP_ASIMDFHM
    | HWCAP_ILRCPC
    | HWCAP_FLAGM;
pub const HWCAP2_FLAGM2: u64 = 1 << 7;
pub const HWCAP2_FRINT: u64 = 1 << 8;
pub const HWCAP2_I8MM: u64 = 1 << 13;
pub const HWCAP2_BF16: u64 = 1 << 14;
/// AT_HWCAP2.
pub const HWCAP2: u64 = HWCAP2_FLAGM2 | HWCAP2_FRINT | HWCAP2_I8MM | HWCAP2_BF16;

#[cfg(test)]
mod tests {
    /// Every feature constant defined here is advertised (a constant left out of the sum is
    /// a feature egret implements but hides).
    #[test]
    fn every_defined_feature_is_advertised() {
        let all = [
            super::HWCAP_FP,
            super::HWCAP_ASIMD,
            super::HWCAP_AES,
            super::HWCAP_PMULL,
            super::HWCAP_SHA1,
            super::HWCAP_SHA2,
            super::HWCAP_CRC32,
            super::HWCAP_ATOMICS,
            super::HWCAP_FPHP,
            super::HWCAP_ASIMDHP,
            super::HWCAP_ASIMDRDM,
            super::HWCAP_JSCVT,
            super::HWCAP_FCMA,
            super::HWCAP_LRCPC,
            super::HWCAP_SHA3,
            super::HWCAP_ASIMDDP,
            super::HWCAP_SHA512,
            super::HWCAP_ASIMDFHM,
            super::HWCAP_ILRCPC,
            super::HWCAP_FLAGM,
        ];
        assert_eq!(all.iter().fold(0, |a, b| a | b), super::HWCAP);
        assert_eq!(
            super::HWCAP2_FLAGM2 | super::HWCAP2_FRINT | super::HWCAP2_I8MM | super::HWCAP2_BF16,
            super::HWCAP2
        );
    }
}
