//! System models behind egret's trap interface. For now: the Linux user-mode ABI
//! (`linux`), what `qemu-aarch64` provides — ELF loading, the initial process stack and
//! the system calls of static programs.

pub mod linux;
