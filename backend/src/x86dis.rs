//! Host disassembly for `-d out_asm`, through iced-x86.

use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};

/// Disassembles host code placed at `addr`, one instruction per line.
pub fn disassemble(code: &[u8], addr: u64) -> String {
    let mut decoder = Decoder::with_ip(64, code, addr, DecoderOptions::NONE);
    let mut fmt = IntelFormatter::new();
    let mut out = String::new();
    let mut text = String::new();
    while decoder.can_decode() {
        let insn = decoder.decode();
        text.clear();
        fmt.format(&insn, &mut text);
        out.push_str(&format!("  {:#x}: {}\n", insn.ip(), text));
    }
    out
}
