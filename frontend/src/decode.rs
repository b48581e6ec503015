//! The decode table: one line per A64 instruction class, Arm ARM name and bit pattern.
//!
//! Pattern letters: `0`/`1` must match, anything else is a field (as named in the Arm ARM).
//! Entries are tried in order, so more specific patterns come first.

use crate::translator::{Ctx, Flow};
use crate::{dp_imm, dp_reg, fp, ldst, simd, system};
use ir::{Exit, TrapKind};
use std::sync::OnceLock;

/// A translate function for one instruction class.
pub(crate) type Handler = fn(&mut Ctx, u32) -> Flow;

/// One decode-table line.
pub struct Entry {
    /// Arm ARM mnemonic and form.
    pub name: &'static str,
    /// Encoding group (as in the Arm ARM's "A64 instruction set encoding").
    pub group: &'static str,
    pub pattern: &'static str,
    pub(crate) handler: Handler,
}

macro_rules! table {
    ($( $group:literal : [ $( ($name:literal, $pat:literal, $f:path) ),* $(,)? ] )*) => {
        /// Every instruction class egret translates.
        pub static TABLE: &[Entry] = &[
            $( $( Entry { name: $name, group: $group, pattern: $pat, handler: $f }, )* )*
        ];
    };
}

table! {
    "Data processing -- immediate": [
        ("ADR", "0ii10000iiiiiiiiiiiiiiiiiiiddddd", dp_imm::adr),
        ("ADRP", "1ii10000iiiiiiiiiiiiiiiiiiiddddd", dp_imm::adr),
        ("ADD/SUB (immediate)", "zoS100010hiiiiiiiiiiiinnnnnddddd", dp_imm::add_sub_imm),
        ("Logical (immediate)", "zoo100100Nrrrrrrssssssnnnnnddddd", dp_imm::logical_imm),
        ("MOVN/MOVZ/MOVK", "zoo100101hhiiiiiiiiiiiiiiiiddddd", dp_imm::move_wide),
        ("SBFM/BFM/UBFM", "zoo100110Nrrrrrrssssssnnnnnddddd", dp_imm::bitfield),
        ("EXTR", "z00100111N0mmmmmssssssnnnnnddddd", dp_imm::extr),
    ]
    "Branches, exception generating and system": [
        ("B/BL", "o00101iiiiiiiiiiiiiiiiiiiiiiiiii", system::b_imm),
        ("CBZ/CBNZ", "z011010oiiiiiiiiiiiiiiiiiiittttt", system::cbz),
        ("TBZ/TBNZ", "b011011obbbbbiiiiiiiiiiiiiittttt", system::tbz),
        ("B.cond", "01010100iiiiiiiiiiiiiiiiiii0cccc", system::b_cond),
        ("SVC", "11010100000iiiiiiiiiiiiiiii00001", system::svc),
        ("BRK", "11010100001iiiiiiiiiiiiiiii00000", system::brk),
        ("HLT", "11010100010iiiiiiiiiiiiiiii00000", system::hlt),
        ("HINT", "11010101000000110010mmmmooo11111", system::hint),
        ("CLREX", "11010101000000110011mmmm01011111", system::clrex),
        ("DSB/DMB/ISB/SB", "11010101000000110011mmmm1oo11111", system::barrier),
        ("SYS (DC/IC)", "1101010100001ooonnnnmmmmpppttttt", system::sys),
        ("MSR (register)", "110101010001ooooooooooooooottttt", system::msr_reg),
        ("MRS", "110101010011ooooooooooooooottttt", system::mrs),
        ("BR", "1101011000011111000000nnnnn00000", system::br),
        ("BLR", "1101011000111111000000nnnnn00000", system::br),
        ("RET", "1101011001011111000000nnnnn00000", system::br),
        ("MSR (immediate): CFINV/XAFLAG/AXFLAG and PSTATE fields", "1101010100000ooo0100mmmmooo11111", system::msr_imm),
    ]
    "Loads and stores": [
        ("LDXR/STXR family", "ss001000oLoSSSSSoTTTTTnnnnnttttt", ldst::exclusive),
        ("LDR (literal)", "oo011v00iiiiiiiiiiiiiiiiiiittttt", ldst::load_literal),
        ("LDP/STP (and LDNP/STNP, LDPSW)", "oo101v0ttLiiiiiiiuuuuunnnnnttttt", ldst::pair),
        ("LDR/STR (register offset)", "ss111v00oo1mmmmmxxxS10nnnnnttttt", ldst::reg_offset),
        ("LDR/STR (immediate, unscaled/pre/post)", "ss111v00oo0iiiiiiiiiwwnnnnnttttt", ldst::reg_imm9),
        ("LDR/STR (unsigned offset)", "ss111v01ooiiiiiiiiiiiinnnnnttttt", ldst::reg_uimm),
        ("LD1-LD4/ST1-ST4 (multiple structures)", "0q0011000L000000oooossnnnnnttttt", ldst::simd_multi),
        ("LD1-LD4/ST1-ST4 (multiple structures, post-index)", "0q0011001L0mmmmmoooossnnnnnttttt", ldst::simd_multi),
        ("LD1-LD4/ST1-ST4, LD1R-LD4R (single structure)", "0q0011010LR00000ooosssnnnnnttttt", ldst::simd_single),
        ("LD1-LD4/ST1-ST4, LD1R-LD4R (single structure, post-index)", "0q0011011LRmmmmmooosssnnnnnttttt", ldst::simd_single),
        ("LDADD/LDCLR/LDEOR/LDSET/LD[SU]MAX/LD[SU]MIN/SWP/LDAPR (atomic memory)", "ss111000AR1sssssoooo00nnnnnttttt", ldst::atomic),
        ("LDAPUR/STLUR (RCpc, unscaled immediate)", "ss011001oo0iiiiiiiii00nnnnnttttt", ldst::rcpc_unscaled),
    ]
    "Data processing -- register": [
        ("Logical (shifted register)", "zoo01010hhNmmmmmiiiiiinnnnnddddd", dp_reg::logical_shifted),
        ("ADD/SUB (shifted register)", "zoS01011hh0mmmmmiiiiiinnnnnddddd", dp_reg::add_sub_shifted),
        ("ADD/SUB (extended register)", "zoS01011001mmmmmxxxiiinnnnnddddd", dp_reg::add_sub_extended),
        ("ADC/SBC", "zoS11010000mmmmm000000nnnnnddddd", dp_reg::adc_sbc),
        ("CCMN/CCMP (register)", "zo111010010mmmmmcccc00nnnnn0ffff", dp_reg::cond_compare),
        ("CCMN/CCMP (immediate)", "zo111010010iiiiicccc10nnnnn0ffff", dp_reg::cond_compare),
        ("CSEL/CSINC/CSINV/CSNEG", "zo011010100mmmmmcccc0pnnnnnddddd", dp_reg::cond_select),
        ("Data-processing (3 source)", "z0011011ooommmmmpaaaaannnnnddddd", dp_reg::dp3),
        ("Data-processing (2 source)", "z0011010110mmmmmoooooonnnnnddddd", dp_reg::dp2),
        ("Data-processing (1 source)", "z101101011000000oooooonnnnnddddd", dp_reg::dp1),
        ("RMIF (rotate into flags)", "10111010000iiiiii00001nnnnn0mmmm", dp_reg::rmif),
        ("SETF8/SETF16 (evaluate into flags)", "001110100000000000o010nnnnn01101", dp_reg::setf),
    ]
    "Data processing -- scalar floating-point": [
        ("FMOV/FCVT*/SCVTF/UCVTF (FP<->integer)", "z0011110tt1rrooo000000nnnnnddddd", fp::fp_int),
        ("FMOV/FABS/FNEG/FSQRT/FCVT/FRINT* (1 source)", "00011110tt1oooooo10000nnnnnddddd", fp::fp_dp1),
        ("FCMP/FCMPE", "00011110tt1mmmmm001000nnnnnoo000", fp::fp_compare),
        ("FMOV (scalar, immediate)", "00011110tt1iiiiiiii10000000ddddd", fp::fp_imm),
        ("FCCMP/FCCMPE", "00011110tt1mmmmmcccc01nnnnnoffff", fp::fp_ccmp),
        ("FMUL/FDIV/FADD/FSUB/FMAX/FMIN/FNMUL (2 source)", "00011110tt1mmmmmoooo10nnnnnddddd", fp::fp_dp2),
        ("FCSEL", "00011110tt1mmmmmcccc11nnnnnddddd", fp::fp_csel),
        ("FMADD/FMSUB/FNMADD/FNMSUB", "00011111ttommmmmpaaaaannnnnddddd", fp::fp_dp3),
        ("SCVTF/UCVTF/FCVTZS/FCVTZU (FP<->fixed-point)", "z0011110tt0rrooossssssnnnnnddddd", fp::fp_fixed),
    ]
    "Data processing -- AdvSIMD": [
        ("DUP/INS/UMOV/SMOV (copy)", "0qo01110000iiiii0oooo1nnnnnddddd", simd::copy),
        ("MOVI/MVNI/ORR/BIC (modified immediate)", "0qo0111100000abcmmmmo1defghddddd", simd::modified_imm),
        ("AdvSIMD three same", "0qu01110ss1mmmmmooooo1nnnnnddddd", simd::three_same),
        ("AdvSIMD three different", "0qu01110ss1mmmmmoooo00nnnnnddddd", simd::three_diff),
        ("AdvSIMD two-register misc", "0qu01110ss10000ooooo10nnnnnddddd", simd::two_misc),
        ("AdvSIMD across lanes", "0qu01110ss11000ooooo10nnnnnddddd", simd::across),
        ("AdvSIMD vector x indexed element", "0qu01111ssLMmmmmoooo_0nnnnnddddd", simd::by_element),
        ("AdvSIMD shift by immediate", "0qu011110hhhhbbbooooo1nnnnnddddd", simd::shift_imm),
        ("UZP/TRN/ZIP (permute)", "0q001110ss0mmmmm0ooo10nnnnnddddd", simd::permute),
        ("EXT", "0q101110000mmmmm0iiii0nnnnnddddd", simd::ext),
        ("TBL/TBX", "0q001110000mmmmm0llo00nnnnnddddd", simd::tbl),
        ("DUP (element, scalar)", "01011110000iiiii000001nnnnnddddd", simd::dup_scalar),
        ("ADDP (scalar)", "0101111011110001101110nnnnnddddd", simd::addp_scalar),
        ("AdvSIMD scalar three same (64-bit)", "01u11110111mmmmmooooo1nnnnnddddd", simd::scalar_three_same),
        ("AdvSIMD scalar shift by immediate", "01u111110hhhhbbbooooo1nnnnnddddd", simd::scalar_shift_imm),
        ("AdvSIMD scalar two-register misc", "01u11110ss10000ooooo10nnnnnddddd", simd::scalar_two_misc),
        ("AdvSIMD scalar three same", "01u11110ss1mmmmmooooo1nnnnnddddd", simd::scalar_three_same_lanes),
        ("AdvSIMD scalar three different", "01u11110ss1mmmmmoooo00nnnnnddddd", simd::scalar_three_diff),
        ("AdvSIMD scalar pairwise", "01u11110ss11000ooooo10nnnnnddddd", simd::scalar_pairwise),
        ("AdvSIMD scalar x indexed element", "01u11111ssLMmmmmoooo_0nnnnnddddd", simd::scalar_by_element),
        ("AdvSIMD three same (FP16)", "0qu01110a10mmmmm00ooo1nnnnnddddd", simd::three_same_fp16),
        ("AdvSIMD scalar three same (FP16)", "01u11110a10mmmmm00ooo1nnnnnddddd", simd::scalar_three_same_fp16),
        ("AdvSIMD scalar two-register misc (FP16)", "01u11110a111100ooooo10nnnnnddddd", simd::scalar_two_misc_fp16),
        ("AdvSIMD two-register misc (FP16)", "0qu01110a111100ooooo10nnnnnddddd", simd::two_misc_fp16),
        ("AdvSIMD three-register extension (SDOT/UDOT, SQRDMLAH, FCMLA, FCADD)", "0qu01110ss0mmmmm1oooo1nnnnnddddd", simd::three_extension),
        ("AdvSIMD scalar three same extra (SQRDMLAH/SQRDMLSH)", "01111110ss0mmmmm1000o1nnnnnddddd", simd::scalar_three_extension),
        ("AES (AESE/AESD/AESMC/AESIMC)", "01001110ss10100ooooo10nnnnnddddd", simd::crypto_aes),
        ("SHA1/SHA256 (three-register)", "01011110ss0mmmmm0ooo00nnnnnddddd", simd::crypto_sha_3reg),
        ("SHA1/SHA256 (two-register)", "01011110ss10100ooooo10nnnnnddddd", simd::crypto_sha_2reg),
        ("SHA512H/SHA512H2/SHA512SU1/RAX1 (three-register)", "11001110011mmmmm1o00oonnnnnddddd", simd::crypto_sha512_3reg),
        ("SHA512 (two-register)", "110011101100000010000onnnnnddddd", simd::crypto_sha512_2reg),
        ("EOR3/BCAX (SHA3 four-register)", "110011100oommmmm0aaaaannnnnddddd", simd::crypto_4reg),
        ("XAR (SHA3)", "11001110100mmmmmiiiiiinnnnnddddd", simd::crypto_xar),
    ]
}

struct Compiled {
    mask: u32,
    value: u32,
}

fn compile(p: &str) -> Compiled {
    let (mut mask, mut value) = (0u32, 0u32);
    let bits: Vec<char> = p.chars().collect();
    assert_eq!(bits.len(), 32, "decode pattern {p} is not 32 bits");
    for (i, c) in bits.iter().enumerate() {
        let bit = 31 - i;
        match c {
            '0' => mask |= 1 << bit,
            '1' => {
                mask |= 1 << bit;
                value |= 1 << bit;
            }
            _ => {}
        }
    }
    Compiled { mask, value }
}

fn compiled() -> &'static [Compiled] {
    static C: OnceLock<Vec<Compiled>> = OnceLock::new();
    C.get_or_init(|| TABLE.iter().map(|e| compile(e.pattern)).collect())
}

/// The fixed bits of a table entry's pattern as (mask, value).
pub fn encoding(index: usize) -> (u32, u32) {
    let c = &compiled()[index];
    (c.mask, c.value)
}

/// The index in [`TABLE`] of the entry that decodes `word`, if any.
pub fn lookup_index(word: u32) -> Option<usize> {
    compiled().iter().position(|c| word & c.mask == c.value)
}

/// What egret makes of one instruction word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Translated.
    Implemented,
    /// A valid instruction egret does not implement (exit 125).
    Unimplemented,
    /// UNDEFINED in the architecture (SIGILL).
    Undefined,
}

/// Translates `word` alone and reports whether egret implements it.
pub fn support(word: u32) -> Support {
    const PC: u64 = 0x1000;
    let mut fetch = |a: u64| (a == PC).then_some(word);
    let block = crate::translate_block(&mut fetch, PC);
    match block.exit {
        Exit::Trap {
            kind: TrapKind::Unimplemented(_),
            pc: PC,
            ..
        } => Support::Unimplemented,
        Exit::Trap {
            kind: TrapKind::Undefined(_),
            pc: PC,
            ..
        } => Support::Undefined,
        _ => Support::Implemented,
    }
}

/// The table entry that decodes `word`, if any.
pub fn lookup(word: u32) -> Option<&'static Entry> {
    lookup_index(word).map(|i| &TABLE[i])
}

pub(crate) fn translate_insn(ctx: &mut Ctx, word: u32) -> Flow {
    // a handler's decoding may be looser than the architecture's: encodings the Arm ARM leaves
    // unallocated inside a class are UNDEFINED whatever the handler would make of them
    if !crate::disasm::is_defined(word) && !disassembler_gap(word) {
        return unsupported(ctx);
    }
    match lookup(word) {
        Some(e) => (e.handler)(ctx, word),
        None => unsupported(ctx),
    }
}

/// Valid encodings yaxpeax-arm 0.3 does not decode: BFCVT Hd, Sn (it expects type 11 there).
fn disassembler_gap(word: u32) -> bool {
    word & 0xffff_fc00 == 0x1e63_4000
}

/// An encoding no handler accepts: UNDEFINED if the architecture says so (SIGILL), otherwise
/// a valid instruction egret does not implement yet.
pub(crate) fn unsupported(ctx: &Ctx) -> Flow {
    let kind = if crate::disasm::is_defined(ctx.insn) {
        TrapKind::Unimplemented(ctx.insn)
    } else {
        TrapKind::Undefined(ctx.insn)
    };
    Flow::End(Exit::Trap {
        kind,
        pc: ctx.pc,
        resume: ctx.pc,
    })
}

/// Handler of the classes listed for the coverage matrix that egret does not implement yet.
pub(crate) fn not_implemented(ctx: &mut Ctx, _w: u32) -> Flow {
    unsupported(ctx)
}

/// Whether a table entry is one egret does not implement at all.
pub fn is_placeholder(e: &Entry) -> bool {
    e.handler as usize == not_implemented as Handler as usize
}

/// Bits `hi..=lo` of `x`.
#[inline]
pub(crate) fn bits(x: u32, hi: u32, lo: u32) -> u32 {
    (x >> lo) & ((1u32 << (hi - lo + 1)) - 1)
}

#[inline]
pub(crate) fn bit(x: u32, n: u32) -> bool {
    (x >> n) & 1 != 0
}

/// Sign-extends the low `n` bits of `x`.
#[inline]
pub(crate) fn sext(x: u32, n: u32) -> i64 {
    ((x as i64) << (64 - n)) >> (64 - n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_32_bits() {
        for e in TABLE {
            assert_eq!(e.pattern.len(), 32, "{}", e.name);
        }
    }

    /// The classes listed only for the coverage matrix never take encodings from a real one.
    #[test]
    fn placeholder_classes_do_not_shadow_implemented_ones() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for (i, e) in TABLE.iter().enumerate() {
            if !is_placeholder(e) {
                continue;
            }
            let (mask, value) = encoding(i);
            for _ in 0..20_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let w = (x as u32 & !mask) | value;
                if lookup_index(w) != Some(i) {
                    continue;
                }
                let later = compiled()
                    .iter()
                    .enumerate()
                    .skip(i + 1)
                    .find(|(j, c)| w & c.mask == c.value && !is_placeholder(&TABLE[*j]));
                assert!(
                    later.is_none(),
                    "{} shadows {:?} at {w:#010x}",
                    e.name,
                    later.map(|(j, _)| TABLE[j].name)
                );
            }
        }
    }

    #[test]
    fn lookup_finds_common_instructions() {
        assert_eq!(lookup(0x9100_0420).unwrap().name, "ADD/SUB (immediate)"); // add x0, x1, #1
        assert_eq!(lookup(0xd65f_03c0).unwrap().name, "RET");
        assert_eq!(lookup(0xd400_0001).unwrap().name, "SVC");
        assert_eq!(
            lookup(0xa9bf_7bfd).unwrap().name,
            "LDP/STP (and LDNP/STNP, LDPSW)"
        ); // stp x29, x30, [sp, #-16]!
    }
}
#[cfg(test)]
mod more_tests {
    #[test]
    fn mov_register() {
        assert_eq!(
            super::lookup(0xaa00_03e5).map(|e| e.name),
            Some("Logical (shifted register)")
        );
    }
}
