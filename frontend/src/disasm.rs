//! Guest disassembly through yaxpeax-arm: `-d in_asm` listings, mnemonics in error messages,
//! and the UNDEFINED-or-unimplemented test for encodings no handler accepts.

use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::{InstDecoder, Opcode};

/// Disassembles one instruction word; `None` if the encoding is not a valid instruction.
pub fn disassemble(word: u32) -> Option<String> {
    let bytes = word.to_le_bytes();
    let mut reader = U8Reader::new(&bytes);
    let decoder = InstDecoder::default();
    decoder.decode(&mut reader).ok().map(|i| i.to_string())
}

/// Whether the architecture defines this encoding (yaxpeax-arm decodes it to something other
/// than its "invalid" placeholder). Runs for every translated instruction, so it decodes
/// without formatting text.
pub fn is_defined(word: u32) -> bool {
    let bytes = word.to_le_bytes();
    let mut reader = U8Reader::new(&bytes);
    InstDecoder::default()
        .decode(&mut reader)
        .is_ok_and(|i| i.opcode != Opcode::Invalid)
}

/// The mnemonic of an instruction word, or "undefined".
pub fn mnemonic(word: u32) -> String {
    disassemble(word)
        .map(|s| s.split_whitespace().next().unwrap_or("?").to_string())
        .unwrap_or_else(|| "undefined".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disassembles_common_instructions() {
        assert!(disassemble(0xd65f_03c0).unwrap().starts_with("ret"));
        assert_eq!(mnemonic(0xd400_0001), "svc");
    }
}
