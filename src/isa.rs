//! `egret isa`: the decoder's coverage matrix and the random-instruction differential tester.
//!
//! The tester works like RISU: for each instruction class of the decode table it makes random
//! encodings (constrained so that memory operands fall in a scratch buffer and branches land on
//! the harness), runs each from a random register, vector, flag and FP-control state inside the
//! guest harness `guest-images/src/risu.S`, under qemu-aarch64 and under egret (interpreter and
//! JIT), and compares the whole state the harness dumps afterwards.

use frontend::decode::{self, Support, TABLE};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The harness, built by `guest-images/build.sh` from `guest-images/src/risu.S`.
pub const HARNESS: &[u8] = include_bytes!("../guest-images/bin/risu");

/// Size of one case record (the layout is documented in `risu.S`).
pub const REC: usize = 1056;
const OFF_NZCV: usize = 8;
const OFF_FPCR: usize = 16;
const OFF_FPSR: usize = 24;
const OFF_X: usize = 32;
const OFF_SP: usize = 280;
const OFF_V: usize = 288;
const OFF_MEM: usize = 800;
const MEM_LEN: usize = 256;
/// Where base registers of memory accesses point: the middle of the scratch buffer.
const BASE_OFF: u64 = 128;
/// FPCR bits a random state may set: AHP, DN, FZ, RMode, FZ16.
pub const FPCR_RANDOM: u64 = (1 << 26) | (1 << 25) | (1 << 24) | (3 << 22) | (1 << 19);
/// FPSR bits a random state may set: QC and the cumulative exception flags.
pub const FPSR_RANDOM: u64 = (1 << 27) | 0x9f;

/// The oracle command used when none is given: qemu's most capable CPU without the extensions
/// egret does not model (SVE, SME, pointer authentication).
pub const DEFAULT_QEMU: &str = "qemu-aarch64 -cpu max,sve=off,sme=off,pauth=off";

/// One case: input record (instruction word at offset 0) or output record (branch flag).
#[derive(Clone, PartialEq, Eq)]
pub struct Record(pub Vec<u8>);

impl Record {
    pub fn zero() -> Record {
        Record(vec![0; REC])
    }
    pub fn u64(&self, off: usize) -> u64 {
        u64::from_le_bytes(self.0[off..off + 8].try_into().expect("8 bytes"))
    }
    pub fn set_u64(&mut self, off: usize, v: u64) {
        self.0[off..off + 8].copy_from_slice(&v.to_le_bytes());
    }
    pub fn insn(&self) -> u32 {
        u32::from_le_bytes(self.0[0..4].try_into().expect("4 bytes"))
    }
    pub fn set_insn(&mut self, w: u32) {
        self.0[0..8].copy_from_slice(&(w as u64).to_le_bytes());
    }
    pub fn set_x(&mut self, n: u32, v: u64) {
        if n < 31 {
            self.set_u64(OFF_X + 8 * n as usize, v);
        }
    }
    fn set_v(&mut self, n: usize, v: u128) {
        self.0[OFF_V + 16 * n..OFF_V + 16 * n + 16].copy_from_slice(&v.to_le_bytes());
    }
    /// Sets a field by its name (as printed in reports and regression tests).
    pub fn set_field(&mut self, name: &str, v: u128) -> bool {
        match fields().iter().find(|f| f.name == name) {
            Some(f) => {
                self.0[f.off..f.off + f.len].copy_from_slice(&v.to_le_bytes()[..f.len]);
                true
            }
            None => false,
        }
    }
    fn field(&self, f: &Field) -> u128 {
        let mut b = [0u8; 16];
        b[..f.len].copy_from_slice(&self.0[f.off..f.off + f.len]);
        u128::from_le_bytes(b)
    }
}

/// A named part of a record.
pub struct Field {
    pub name: String,
    off: usize,
    len: usize,
}

/// Every part of the state, in record order; the first is the branch flag (output only).
pub fn fields() -> &'static [Field] {
    static F: std::sync::OnceLock<Vec<Field>> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let mut v = vec![
            Field {
                name: "branched".into(),
                off: 0,
                len: 8,
            },
            Field {
                name: "nzcv".into(),
                off: OFF_NZCV,
                len: 8,
            },
            Field {
                name: "fpcr".into(),
                off: OFF_FPCR,
                len: 8,
            },
            Field {
                name: "fpsr".into(),
                off: OFF_FPSR,
                len: 8,
            },
        ];
        for i in 0..31 {
            v.push(Field {
                name: format!("x{i}"),
                off: OFF_X + 8 * i,
                len: 8,
            });
        }
        v.push(Field {
            name: "sp".into(),
            off: OFF_SP,
            len: 8,
        });
        for i in 0..32 {
            v.push(Field {
                name: format!("v{i}"),
                off: OFF_V + 16 * i,
                len: 16,
            });
        }
        for i in 0..MEM_LEN / 8 {
            v.push(Field {
                name: format!("mem{:#04x}", 8 * i),
                off: OFF_MEM + 8 * i,
                len: 8,
            });
        }
        v
    })
}

/// Fields whose values differ, as "name: a vs b".
fn differences(a: &Record, b: &Record, ignore: &[String]) -> Vec<(usize, u128, u128)> {
    fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !ignore.contains(&f.name))
        .filter_map(|(i, f)| {
            let (x, y) = (a.field(f), b.field(f));
            (x != y).then_some((i, x, y))
        })
        .collect()
}

/// Addresses fixed by the harness's link.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub test: u64,
    pub scratch: u64,
}

impl Layout {
    /// Reads the harness's symbols.
    pub fn of_harness() -> Result<Layout, String> {
        let elf = goblin::elf::Elf::parse(HARNESS).map_err(|e| format!("harness: {e}"))?;
        let sym = |name: &str| {
            elf.syms
                .iter()
                .find(|s| elf.strtab.get_at(s.st_name) == Some(name))
                .map(|s| s.st_value)
                .ok_or_else(|| format!("harness has no symbol {name}"))
        };
        Ok(Layout {
            test: sym("test_page")?,
            scratch: sym("scratch")?,
        })
    }
    fn base(&self) -> u64 {
        self.scratch + BASE_OFF
    }
}

/// SplitMix64: small, seedable and good enough for test generation.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.u64() % n
    }
    /// A value in `[lo, hi)`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }
}

fn random_x(rng: &mut Rng) -> u64 {
    const EDGES: [u64; 10] = [
        0,
        1,
        u64::MAX,
        i64::MAX as u64,
        i64::MIN as u64,
        u32::MAX as u64,
        0x8000_0000,
        0x7fff_ffff,
        0xffff_ffff_8000_0000,
        63,
    ];
    match rng.below(8) {
        0 | 1 => rng.u64(),
        2 => rng.below(256),
        3 => (rng.below(256) as i64 - 256) as u64,
        4 => EDGES[rng.below(EDGES.len() as u64) as usize],
        5 => rng.u64() >> rng.below(64),
        6 => rng.u64() as u32 as u64,
        _ => (rng.u64() as u32 as i32) as i64 as u64,
    }
}

/// 64 bits of vector data: random bits or FP values of every width with the specials mixed in.
fn random_half(rng: &mut Rng) -> u64 {
    const F64: [u64; 12] = [
        0x7ff8_0000_0000_0000, // qNaN
        0x7ff0_0000_0000_0001, // sNaN
        0xfff8_0000_dead_beef, // negative qNaN with payload
        0x7ff0_0000_0000_0000, // +inf
        0xfff0_0000_0000_0000, // -inf
        0,
        0x8000_0000_0000_0000,
        1,                     // smallest denormal
        0x000f_ffff_ffff_ffff, // largest denormal
        0x7fef_ffff_ffff_ffff, // largest normal
        0x3ff0_0000_0000_0000, // 1.0
        0x0010_0000_0000_0000, // smallest normal
    ];
    const F32: [u32; 12] = [
        0x7fc0_0000,
        0x7f80_0001,
        0xffc0_1234,
        0x7f80_0000,
        0xff80_0000,
        0,
        0x8000_0000,
        1,
        0x007f_ffff,
        0x7f7f_ffff,
        0x3f80_0000,
        0x4f00_0000, // 2^31
    ];
    const F16: [u16; 10] = [
        0x7e00, 0x7c01, 0x7c00, 0xfc00, 0, 0x8000, 1, 0x03ff, 0x7bff, 0x3c00,
    ];
    let normal64 = |rng: &mut Rng| {
        let e = (1023 + rng.range(-70, 70)) as u64;
        (rng.u64() & 0x800f_ffff_ffff_ffff) | (e << 52)
    };
    match rng.below(8) {
        0 | 1 => rng.u64(),
        2 => F64[rng.below(F64.len() as u64) as usize],
        3 => normal64(rng),
        4 | 5 => {
            let mut h = 0u64;
            for i in 0..2 {
                let l = match rng.below(3) {
                    0 => F32[rng.below(F32.len() as u64) as usize],
                    1 => {
                        let e = (127 + rng.range(-40, 40)) as u32;
                        (rng.u64() as u32 & 0x807f_ffff) | (e << 23)
                    }
                    _ => rng.u64() as u32,
                };
                h |= (l as u64) << (32 * i);
            }
            h
        }
        6 => {
            let mut h = 0u64;
            for i in 0..4 {
                let l = match rng.below(3) {
                    0 => F16[rng.below(F16.len() as u64) as usize],
                    1 => {
                        let e = (15 + rng.range(-8, 8)) as u16;
                        (rng.u64() as u16 & 0x83ff) | (e << 10)
                    }
                    _ => rng.u64() as u16,
                };
                h |= (l as u64) << (16 * i);
            }
            h
        }
        _ => rng.below(1 << 16),
    }
}

/// Generates cases.
pub struct Generator {
    pub rng: Rng,
    pub layout: Layout,
    /// Random FPCR (rounding mode, FZ, DN, AHP, FZ16) and FPSR instead of zero.
    pub fp_env: bool,
    /// Also run some encodings egret treats as UNDEFINED (each ends its harness process).
    pub undefined: bool,
}

impl Generator {
    fn random_state(&mut self) -> Record {
        let mut r = Record::zero();
        let rng = &mut self.rng;
        r.set_u64(OFF_NZCV, rng.u64() & 0xf000_0000);
        if self.fp_env {
            r.set_u64(OFF_FPCR, rng.u64() & FPCR_RANDOM);
            r.set_u64(OFF_FPSR, rng.u64() & FPSR_RANDOM);
        }
        for n in 0..31 {
            r.set_x(n, random_x(rng));
        }
        r.set_u64(OFF_SP, self.layout.base());
        for n in 0..32 {
            let v = (random_half(rng) as u128) | ((random_half(rng) as u128) << 64);
            r.set_v(n, v);
        }
        for i in 0..MEM_LEN / 8 {
            r.set_u64(OFF_MEM + 8 * i, random_half(rng));
        }
        r
    }

    /// A random case of table class `class`, or `None` when no implemented encoding turned up
    /// (the count of unimplemented/undefined tries goes to `skipped`).
    pub fn case(&mut self, class: usize, skipped: &mut u64) -> Option<Record> {
        // classes listed only for the coverage matrix have nothing to run
        if decode::is_placeholder(&TABLE[class]) {
            return None;
        }
        let (mask, value) = decode::encoding(class);
        // one case in 32 is an encoding egret calls UNDEFINED (both must raise SIGILL), when
        // the class has any
        let mut want = if self.undefined && self.rng.below(32) == 0 {
            Support::Undefined
        } else {
            Support::Implemented
        };
        for attempt in 0..4096 {
            if attempt == 2048 {
                if want == Support::Implemented {
                    break;
                }
                want = Support::Implemented;
            }
            let w = (self.rng.u64() as u32 & !mask) | value;
            let mut r = self.random_state();
            let Some(w) = constrain(TABLE[class].name, w, &mut r, self.layout, &mut self.rng)
            else {
                continue;
            };
            if decode::lookup_index(w) != Some(class) {
                continue;
            }
            let support = decode::support(w);
            if support != want {
                if want == Support::Implemented {
                    *skipped += 1;
                }
                continue;
            }
            r.set_insn(w);
            return Some(r);
        }
        None
    }
}

fn field(w: u32, hi: u32, lo: u32) -> u32 {
    (w >> lo) & ((1 << (hi - lo + 1)) - 1)
}

fn with_field(w: u32, hi: u32, lo: u32, v: u32) -> u32 {
    let m = ((1u32 << (hi - lo + 1)) - 1) << lo;
    (w & !m) | ((v << lo) & m)
}

/// Encodings whose result in qemu-aarch64 7.2 contradicts the Arm ARM, so they cannot be
/// compared; each is listed with the reason.
pub fn oracle_defect(w: u32) -> Option<&'static str> {
    // FCVTZS/FCVTZU (scalar, fixed-point) on a half: qemu writes the 32-bit result, so bits
    // 31:16 of the destination are not zero (the architecture writes a 16-bit element)
    if w & 0xdf80_fc00 == 0x5f00_fc00 && (w >> 20) & 0x7 == 0b001 {
        return Some("qemu writes 32 bits for FCVTZS/FCVTZU Hd, Hn, #fbits");
    }
    None
}

/// Makes a random encoding of class `name` safe to run in the harness, or rejects it: memory
/// operands point into the scratch buffer, branches go to the harness's "taken" exit (+8), and
/// CONSTRAINED UNPREDICTABLE register combinations are not generated. `None` rejects.
// binary literals are grouped by encoding field (op1, CRn, CRm, op2), not by nibble
#[allow(clippy::unusual_byte_groupings)]
fn constrain(name: &str, w: u32, r: &mut Record, l: Layout, rng: &mut Rng) -> Option<u32> {
    let rt = field(w, 4, 0);
    let rn = field(w, 9, 5);
    let rm = field(w, 20, 16);
    let rt2 = field(w, 14, 10);
    let base = l.base();
    if let Some(_why) = oracle_defect(w) {
        return None;
    }
    match name {
        // exception generation and timers are not register-to-register behaviour
        "SVC" | "BRK" | "HLT" => None,
        "B/BL" => Some(with_field(w, 25, 0, 2)),
        "CBZ/CBNZ" | "B.cond" => Some(with_field(w, 23, 5, 2)),
        "TBZ/TBNZ" => Some(with_field(w, 18, 5, 2)),
        "BR" | "BLR" | "RET" => {
            if rn == 31 {
                return None;
            }
            r.set_x(rn, l.test + 8);
            Some(w)
        }
        // PSTATE and FP registers; identification registers are the model's choice and
        // TPIDR_EL0 is the harness's
        "MRS" | "MSR (register)" => {
            // o0:op1:CRn:CRm:op2 of NZCV, FPCR, FPSR
            const REGS: [u32; 3] = [
                0b1_011_0100_0010_000,
                0b1_011_0100_0100_000,
                0b1_011_0100_0100_001,
            ];
            let reg = REGS[rng.below(3) as usize];
            if name.starts_with("MSR") && reg == REGS[1] {
                r.set_x(rt, rng.u64() & FPCR_RANDOM);
            }
            Some(with_field(w, 19, 5, reg))
        }
        "SYS (DC/IC)" => {
            if rt == 31 {
                return None;
            }
            // op1:CRn:CRm:op2 of DC CVAC, DC CVAU, DC CIVAC, IC IVAU. Not DC ZVA: its block
            // size is the implementation's choice (DCZID_EL0) and qemu's max CPU picks another.
            const OPS: [u32; 4] = [
                0b011_0111_1010_001,
                0b011_0111_1011_001,
                0b011_0111_1110_001,
                0b011_0111_0101_001,
            ];
            let op = OPS[rng.below(OPS.len() as u64) as usize];
            r.set_x(rt, if op == OPS[3] { l.test } else { base });
            Some(with_field(w, 18, 5, op))
        }
        "LDXR/STXR family" => {
            let (o2, load, o1) = (field(w, 23, 23), field(w, 22, 22), field(w, 21, 21));
            r.set_x(rn, base);
            if o2 == 0 && o1 == 1 && field(w, 31, 31) == 0 {
                // CASP: the register pairs must not overlap the base
                if rn / 2 == rm / 2 || rn / 2 == rt / 2 {
                    return None;
                }
                return Some(w);
            }
            if o2 == 0 && load == 0 && (rm == rt || rm == rn || (o1 == 1 && rm == rt2)) {
                return None;
            }
            if o2 == 0 && load == 1 && o1 == 1 && rt == rt2 {
                return None;
            }
            if rn == rt || rn == rm || (o1 == 1 && rn == rt2) {
                // the base must stay an address
                return (rn == 31).then_some(w);
            }
            Some(w)
        }
        "LDR (literal)" => Some(with_field(w, 23, 5, rng.below(256) as u32)),
        "LDP/STP (and LDNP/STNP, LDPSW)" => {
            let wb = matches!(field(w, 24, 23), 1 | 3);
            let vector = field(w, 26, 26) == 1;
            let load = field(w, 22, 22) == 1;
            if wb && !vector && rn != 31 && (rn == rt || rn == rt2) {
                return None;
            }
            if load && rt == rt2 {
                return None;
            }
            if load && !vector && rn != 31 && (rn == rt || rn == rt2) {
                return None;
            }
            r.set_x(rn, base);
            Some(with_field(w, 21, 15, rng.range(-8, 6) as u32))
        }
        "LDR/STR (register offset)" => {
            if rm == rn || (rn == rt && field(w, 26, 26) == 0 && field(w, 22, 22) == 1) {
                return None;
            }
            r.set_x(rn, base);
            r.set_x(rm, rng.below(8));
            Some(w)
        }
        "LDR/STR (immediate, unscaled/pre/post)" => {
            let wb = matches!(field(w, 11, 10), 1 | 3);
            let vector = field(w, 26, 26) == 1;
            if wb && !vector && rn != 31 && rn == rt {
                return None;
            }
            if !vector && rn == rt && rn != 31 && field(w, 22, 22) == 1 {
                return None;
            }
            r.set_x(rn, base);
            Some(with_field(w, 20, 12, rng.range(-64, 64) as u32))
        }
        "LDR/STR (unsigned offset)" => {
            if field(w, 26, 26) == 0 && rn == rt && rn != 31 && field(w, 22, 22) == 1 {
                return None;
            }
            r.set_x(rn, base);
            Some(with_field(w, 21, 10, rng.below(8) as u32))
        }
        "MSR (immediate): CFINV/XAFLAG/AXFLAG and PSTATE fields" => {
            // op1 = 0, CRm = 0, op2 = CFINV, XAFLAG or AXFLAG
            let w = with_field(w, 18, 16, 0);
            let w = with_field(w, 11, 8, 0);
            Some(with_field(w, 7, 5, rng.below(3) as u32))
        }
        "LDADD/LDCLR/LDEOR/LDSET/LD[SU]MAX/LD[SU]MIN/SWP/LDAPR (atomic memory)" => {
            r.set_x(rn, base);
            Some(w)
        }
        "LDAPUR/STLUR (RCpc, unscaled immediate)" => {
            // ordered accesses must be aligned (egret does not model their alignment faults)
            let size = 1i64 << field(w, 31, 30);
            r.set_x(rn, base);
            Some(with_field(w, 20, 12, (rng.range(-8, 8) * size) as u32))
        }
        "LD1-LD4/ST1-ST4 (multiple structures)"
        | "LD1-LD4/ST1-ST4, LD1R-LD4R (single structure)" => {
            r.set_x(rn, base);
            Some(w)
        }
        "LD1-LD4/ST1-ST4 (multiple structures, post-index)"
        | "LD1-LD4/ST1-ST4, LD1R-LD4R (single structure, post-index)" => {
            if rm == rn && rm != 31 {
                return None;
            }
            r.set_x(rn, base);
            r.set_x(rm, rng.below(64));
            Some(w)
        }
        _ => Some(w),
    }
}

/// One program that runs the harness: the oracle or an egret engine.
#[derive(Clone)]
pub struct Runner {
    pub name: String,
    /// Program and arguments; the harness path is appended.
    pub cmd: Vec<String>,
}

impl Runner {
    pub fn qemu(cmd: &str) -> Runner {
        Runner {
            name: "qemu".into(),
            cmd: cmd.split_whitespace().map(String::from).collect(),
        }
    }
    pub fn egret(exe: &Path, engine: &str) -> Runner {
        // every translated block goes through the IR verifier as well
        let mut cmd = vec![
            exe.display().to_string(),
            "run".into(),
            "-d".into(),
            "verify".into(),
        ];
        match engine {
            "jit" => cmd.extend(["--jit-threshold".into(), "0".into()]),
            e => cmd.extend(["--engine".into(), e.into()]),
        }
        Runner {
            name: format!("egret-{engine}"),
            cmd,
        }
    }
}

struct RunOutput {
    records: Vec<Record>,
    /// Exit status, 128+signal for a signal (as a shell reports it).
    status: i32,
    stderr: String,
}

/// The harness written to a temporary file for the runners.
pub struct HarnessFile {
    pub path: PathBuf,
}

impl HarnessFile {
    pub fn create() -> std::io::Result<HarnessFile> {
        let path = std::env::temp_dir().join(format!("egret-risu-{}", std::process::id()));
        std::fs::write(&path, HARNESS)?;
        // qemu-aarch64 loads only executable files
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        Ok(HarnessFile { path })
    }
}

impl Drop for HarnessFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn run(runner: &Runner, harness: &Path, input: &Path) -> Result<RunOutput, String> {
    use std::os::unix::process::ExitStatusExt;
    let (prog, args) = runner
        .cmd
        .split_first()
        .ok_or_else(|| "empty runner command".to_string())?;
    let file = std::fs::File::open(input).map_err(|e| e.to_string())?;
    let out = Command::new(prog)
        .args(args)
        .arg(harness)
        .stdin(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {prog}: {e}"))?;
    let status = match (out.status.code(), out.status.signal()) {
        (Some(c), _) => c,
        (None, Some(s)) => 128 + s,
        _ => -1,
    };
    let body = out.stdout.get(16..).unwrap_or(&[]);
    Ok(RunOutput {
        records: body.chunks_exact(REC).map(|c| Record(c.to_vec())).collect(),
        status,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// What happened to one case.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Pass,
    /// Every runner died on it with the same status.
    Fault(i32),
    /// egret raised SIGILL on an encoding that belongs to an architecture extension it does not
    /// offer (and does not advertise in AT_HWCAP), where the oracle's CPU has the extension.
    Beyond,
    /// The oracle itself failed an internal assertion (a qemu bug) where egret raised SIGILL.
    OracleBug,
    /// `runner` (an index into the runners, never 0) disagreed with the oracle.
    Mismatch {
        runner: usize,
        detail: String,
    },
}

/// Runs `cases` on every runner (runner 0 is the oracle) and judges each case.
pub fn judge(
    runners: &[Runner],
    harness: &Path,
    cases: &[Record],
    scratch: &Path,
    ignore: &[String],
) -> Result<Vec<Verdict>, String> {
    let mut verdicts = Vec::with_capacity(cases.len());
    let mut start = 0;
    while start < cases.len() {
        let mut f = std::fs::File::create(scratch).map_err(|e| e.to_string())?;
        for c in &cases[start..] {
            f.write_all(&c.0).map_err(|e| e.to_string())?;
        }
        drop(f);
        let outs = std::thread::scope(|s| {
            let handles: Vec<_> = runners
                .iter()
                .map(|r| s.spawn(move || run(r, harness, scratch)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("runner thread"))
                .collect::<Result<Vec<_>, String>>()
        })?;
        let left = cases.len() - start;
        let k = outs.iter().map(|o| o.records.len()).min().unwrap_or(0);
        for j in 0..k {
            let mut v = Verdict::Pass;
            for (i, o) in outs.iter().enumerate().skip(1) {
                let d = differences(&outs[0].records[j], &o.records[j], ignore);
                if !d.is_empty() {
                    v = Verdict::Mismatch {
                        runner: i,
                        detail: describe(&d, &runners[0].name, &runners[i].name),
                    };
                    break;
                }
            }
            verdicts.push(v);
        }
        if k >= left {
            break;
        }
        // case `start + k` stopped at least one runner
        let stopped: Vec<bool> = outs.iter().map(|o| o.records.len() == k).collect();
        let sigill = 128 + libc::SIGILL;
        let v = if stopped.iter().all(|&s| s) && outs.iter().all(|o| o.status == outs[0].status) {
            Verdict::Fault(outs[0].status)
        } else if !stopped[0]
            && outs[1..]
                .iter()
                .zip(&stopped[1..])
                .all(|(o, &s)| s && o.status == sigill)
            && decode::support(cases[start + k].insn()) == Support::Undefined
            && !frontend::disasm::is_defined(cases[start + k].insn())
        {
            Verdict::Beyond
        } else if stopped[0]
            && outs[0].stderr.contains("code should not be reached")
            && outs[1..]
                .iter()
                .zip(&stopped[1..])
                .all(|(o, &s)| s && o.status == sigill)
        {
            Verdict::OracleBug
        } else {
            let i = (1..outs.len())
                .find(|&i| stopped[i] != stopped[0] || outs[i].status != outs[0].status)
                .unwrap_or(1);
            let say = |o: &RunOutput, stopped: bool| {
                if stopped {
                    format!("died, status {}: {}", o.status, o.stderr.trim())
                } else {
                    "completed it".to_string()
                }
            };
            Verdict::Mismatch {
                runner: i,
                detail: format!(
                    "  {}: {}\n  {}: {}\n",
                    runners[0].name,
                    say(&outs[0], stopped[0]),
                    runners[i].name,
                    say(&outs[i], stopped[i])
                ),
            }
        };
        verdicts.push(v);
        start += k + 1;
    }
    Ok(verdicts)
}

fn describe(d: &[(usize, u128, u128)], a: &str, b: &str) -> String {
    let mut s = String::new();
    for &(i, x, y) in d {
        let _ = writeln!(s, "  {:<9} {a} {x:#x}  {b} {y:#x}", fields()[i].name);
    }
    s
}

/// Shrinks a mismatching case: every input field that can be zeroed while the mismatch
/// (oracle vs `runners[1]`) remains is zeroed.
pub fn minimise(
    runners: &[Runner; 2],
    harness: &Path,
    case: &Record,
    scratch: &Path,
    layout: Layout,
    ignore: &[String],
) -> Result<Record, String> {
    // every field that can be zeroed alone, tried in one batch
    let candidates: Vec<&Field> = fields()
        .iter()
        .skip(1)
        .filter(|f| {
            let v = case.field(f);
            // SP and base registers must stay addresses
            f.name != "sp" && v != 0 && !(f.name.starts_with('x') && v as u64 == layout.base())
        })
        .collect();
    let zeroed = |r: &Record, f: &Field| {
        let mut t = r.clone();
        t.0[f.off..f.off + f.len].fill(0);
        t
    };
    let trials: Vec<Record> = candidates.iter().map(|f| zeroed(case, f)).collect();
    let verdicts = judge(runners, harness, &trials, scratch, ignore)?;
    let removable: Vec<&Field> = candidates
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| matches!(v, Verdict::Mismatch { .. }))
        .map(|(f, _)| *f)
        .collect();
    let all = removable.iter().fold(case.clone(), |r, f| zeroed(&r, f));
    if let [Verdict::Mismatch { .. }] = judge(
        runners,
        harness,
        std::slice::from_ref(&all),
        scratch,
        ignore,
    )?[..]
    {
        return Ok(all);
    }
    // together they lose the mismatch: zero them one at a time
    let mut best = case.clone();
    for f in removable {
        let trial = zeroed(&best, f);
        if let [Verdict::Mismatch { .. }] = judge(
            runners,
            harness,
            std::slice::from_ref(&trial),
            scratch,
            ignore,
        )?[..]
        {
            best = trial;
        }
    }
    Ok(best)
}

/// A regression test for a case, ready to paste into `tests/isa.rs`; its expected values are
/// the oracle's output.
pub fn regression_test(case: &Record, oracle: &Record, layout: Layout, note: &str) -> String {
    let w = case.insn();
    let text = frontend::disasm::disassemble(w).unwrap_or_else(|| "?".into());
    let mut inputs = String::new();
    let mut expect = String::new();
    let mut base = Record::zero();
    base.set_u64(OFF_SP, layout.base());
    for f in fields().iter().skip(1) {
        let v = case.field(f);
        if v != base.field(f) {
            let _ = write!(inputs, "(\"{}\", {v:#x}), ", f.name);
        }
    }
    for f in fields() {
        let (vin, vout) = if f.name == "branched" {
            (0, oracle.field(f))
        } else {
            (case.field(f), oracle.field(f))
        };
        if vin != vout {
            let _ = write!(expect, "(\"{}\", {vout:#x}), ", f.name);
        }
    }
    format!(
        "/// {text} ({}); {note}\n#[test]\nfn isa_{w:08x}() {{\n    check(\n        {w:#010x},\n        &[{}],\n        &[{}],\n    );\n}}\n",
        decode::lookup(w).map(|e| e.name).unwrap_or("?"),
        inputs.trim_end_matches(", "),
        expect.trim_end_matches(", ")
    )
}

/// Per-class tally of a random run.
#[derive(Clone, Copy, Default, Debug)]
pub struct Tally {
    pub passed: u64,
    pub faulted: u64,
    pub mismatched: u64,
    /// Random encodings of the class egret does not implement (not run).
    pub skipped: u64,
    /// UNDEFINED in egret, an extension's instruction in the oracle (see [`Verdict::Beyond`]).
    pub beyond: u64,
    /// SIGILL in egret, an internal assertion failure in the oracle.
    pub oracle_bug: u64,
}

/// Options of a random run.
pub struct RandomRun {
    pub count: u64,
    pub seed: u64,
    pub batch: usize,
    pub classes: Vec<usize>,
    pub runners: Vec<Runner>,
    pub fp_env: bool,
    pub undefined: bool,
    /// Fields left out of the comparison (e.g. "fpsr").
    pub ignore: Vec<String>,
    pub max_mismatches: usize,
    pub minimise: bool,
    pub quiet: bool,
}

/// Result of a random run.
pub struct RandomResult {
    pub tally: BTreeMap<usize, Tally>,
    /// Regression tests for the mismatches found (minimised when asked).
    pub mismatches: Vec<String>,
    pub seconds: f64,
}

/// Runs `count` random instructions spread evenly over the chosen classes.
pub fn random_run(opts: &RandomRun) -> Result<RandomResult, String> {
    let layout = Layout::of_harness()?;
    let harness = HarnessFile::create().map_err(|e| e.to_string())?;
    let scratch = std::env::temp_dir().join(format!("egret-risu-cases-{}", std::process::id()));
    let mut gen = Generator {
        rng: Rng::new(opts.seed),
        layout,
        fp_env: opts.fp_env,
        undefined: opts.undefined,
    };
    let t0 = Instant::now();
    let mut tally: BTreeMap<usize, Tally> = opts
        .classes
        .iter()
        .map(|&c| (c, Tally::default()))
        .collect();
    let mut mismatches = Vec::new();
    let mut done = 0u64;
    let mut exhausted = vec![false; TABLE.len()];
    let mut next_class = 0usize;
    'outer: while done < opts.count {
        let n = (opts.count - done).min(opts.batch as u64) as usize;
        let mut cases = Vec::with_capacity(n);
        let mut class_of = Vec::with_capacity(n);
        while cases.len() < n {
            if opts.classes.iter().all(|&c| exhausted[c]) {
                break;
            }
            let c = opts.classes[next_class % opts.classes.len()];
            next_class += 1;
            if exhausted[c] {
                continue;
            }
            let t = tally.get_mut(&c).expect("class");
            match gen.case(c, &mut t.skipped) {
                Some(r) => {
                    cases.push(r);
                    class_of.push(c);
                }
                None => exhausted[c] = true,
            }
        }
        if cases.is_empty() {
            break;
        }
        let verdicts = judge(&opts.runners, &harness.path, &cases, &scratch, &opts.ignore)?;
        for (i, v) in verdicts.iter().enumerate() {
            let t = tally.get_mut(&class_of[i]).expect("class");
            match v {
                Verdict::Pass => t.passed += 1,
                Verdict::Fault(_) => t.faulted += 1,
                Verdict::Beyond => t.beyond += 1,
                Verdict::OracleBug => t.oracle_bug += 1,
                Verdict::Mismatch { runner, detail } => {
                    t.mismatched += 1;
                    let case = &cases[i];
                    let w = case.insn();
                    let pair = [opts.runners[0].clone(), opts.runners[*runner].clone()];
                    let small = if opts.minimise {
                        minimise(&pair, &harness.path, case, &scratch, layout, &opts.ignore)?
                    } else {
                        case.clone()
                    };
                    let oracle = run_single(&opts.runners[0], &harness.path, &small, &scratch)?;
                    let note = format!(
                        "seed {} case {}; {} vs {}",
                        opts.seed,
                        done + i as u64,
                        opts.runners[0].name,
                        opts.runners[*runner].name
                    );
                    let test = match oracle {
                        Some(o) => regression_test(&small, &o, layout, &note),
                        None => format!("// {w:#010x}: the oracle faults on the minimised case\n"),
                    };
                    if !opts.quiet {
                        eprintln!(
                            "\nMISMATCH {w:#010x} {} [{}]\n{detail}{test}",
                            frontend::disasm::disassemble(w).unwrap_or_default(),
                            TABLE[class_of[i]].name
                        );
                    }
                    mismatches.push(test);
                    if mismatches.len() >= opts.max_mismatches {
                        break 'outer;
                    }
                }
            }
        }
        done += verdicts.len() as u64;
        if !opts.quiet {
            eprint!(
                "\r{done} cases, {} mismatches, {:.0} s",
                mismatches.len(),
                t0.elapsed().as_secs_f64()
            );
        }
    }
    if !opts.quiet {
        eprintln!();
    }
    let _ = std::fs::remove_file(&scratch);
    Ok(RandomResult {
        tally,
        mismatches,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// The oracle's output for one case, `None` if it dies.
fn run_single(
    runner: &Runner,
    harness: &Path,
    case: &Record,
    scratch: &Path,
) -> Result<Option<Record>, String> {
    std::fs::write(scratch, &case.0).map_err(|e| e.to_string())?;
    let out = run(runner, harness, scratch)?;
    Ok(out.records.into_iter().next())
}

/// Runs one case through the harness under `runner`: the regression-test entry point.
pub fn run_case(runner: &Runner, case: &Record) -> Result<Record, String> {
    let harness = HarnessFile::create().map_err(|e| e.to_string())?;
    let scratch = std::env::temp_dir().join(format!(
        "egret-risu-case-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let out = run_single(runner, &harness.path, case, &scratch);
    let _ = std::fs::remove_file(&scratch);
    out?.ok_or_else(|| format!("{} died on the case", runner.name))
}

/// A case from a regression test's input list (fields not named are zero, SP is the base).
pub fn case_from(insn: u32, inputs: &[(&str, u128)]) -> Result<Record, String> {
    let layout = Layout::of_harness()?;
    let mut r = Record::zero();
    r.set_u64(OFF_SP, layout.base());
    for &(name, v) in inputs {
        if !r.set_field(name, v) {
            return Err(format!("no field {name}"));
        }
    }
    r.set_insn(insn);
    Ok(r)
}

/// The expected output record of a regression test: the input with the named fields replaced.
pub fn expected_from(case: &Record, expect: &[(&str, u128)]) -> Result<Record, String> {
    let mut r = case.clone();
    r.set_insn(0);
    for &(name, v) in expect {
        if !r.set_field(name, v) {
            return Err(format!("no field {name}"));
        }
    }
    Ok(r)
}

/// Differences between an expected and an actual output, one per line.
pub fn explain(expected: &Record, actual: &Record) -> String {
    describe(&differences(expected, actual, &[]), "expected", "egret")
}

/// How egret decodes a class's encodings: implemented, unimplemented, UNDEFINED, out of
/// `samples` random words of the class.
pub fn class_support(class: usize, samples: u32, rng: &mut Rng) -> [u32; 3] {
    let (mask, value) = decode::encoding(class);
    let layout = Layout::of_harness().unwrap_or(Layout {
        test: 0,
        scratch: 0,
    });
    let mut scratch = Record::zero();
    let mut n = [0u32; 3];
    let mut tries = 0;
    while n.iter().sum::<u32>() < samples && tries < samples * 20 {
        tries += 1;
        let w = (rng.u64() as u32 & !mask) | value;
        // the encodings the random tester would run (system register classes: the registers
        // EL0 may use), or any encoding of the class when the tester runs none of it
        let w = constrain(TABLE[class].name, w, &mut scratch, layout, rng).unwrap_or(w);
        if decode::lookup_index(w) != Some(class) {
            continue;
        }
        match decode::support(w) {
            Support::Implemented => n[0] += 1,
            Support::Unimplemented => n[1] += 1,
            Support::Undefined => n[2] += 1,
        }
    }
    n
}

/// Mnemonics of the encodings of a class that egret decodes as valid but does not implement
/// (from `samples` random words), most frequent first.
pub fn unimplemented_mnemonics(class: usize, samples: u32) -> Vec<(String, u32)> {
    let (mask, value) = decode::encoding(class);
    let mut rng = Rng::new(7);
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for _ in 0..samples {
        let w = (rng.u64() as u32 & !mask) | value;
        if decode::lookup_index(w) == Some(class) && decode::support(w) == Support::Unimplemented {
            *counts.entry(frontend::disasm::mnemonic(w)).or_default() += 1;
        }
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v
}

/// The coverage matrix as Markdown: every class of the decode table, the share of its defined
/// encodings egret implements, and what a random run (tally by class name) found.
pub fn coverage_markdown(tally: Option<&BTreeMap<String, Tally>>, header: &str) -> String {
    let mut rng = Rng::new(1);
    let mut s = String::new();
    s.push_str(header);
    s.push_str(
        "\n| Group | Class | Encodings egret implements | Random cases passed | Faulted alike (incl. SIGILL) | Mismatches |\n|---|---|---|---|---|---|\n",
    );
    let mut group = "";
    for (i, e) in TABLE.iter().enumerate() {
        let [imp, unimp, _undef] = class_support(i, 2000, &mut rng);
        let defined = imp + unimp;
        let share = if defined == 0 {
            "—".to_string()
        } else if imp == 0 {
            "none (not implemented)".to_string()
        } else if unimp == 0 {
            "all".to_string()
        } else {
            format!("{}%", 100 * imp / defined)
        };
        let (passed, faulted, bad) = match tally.and_then(|t| t.get(e.name)) {
            Some(t) => (
                t.passed.to_string(),
                t.faulted.to_string(),
                t.mismatched.to_string(),
            ),
            None => ("—".into(), "—".into(), "—".into()),
        };
        let g = if e.group != group {
            group = e.group;
            e.group
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "| {g} | {} | {share} | {passed} | {faulted} | {bad} |",
            e.name
        );
    }
    s
}

/// Reads the per-class table `egret isa --random` prints (class name, then passed, faults,
/// mismatch, unimpl, beyond).
pub fn parse_run_table(text: &str) -> BTreeMap<String, Tally> {
    let mut t = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 6 {
            continue;
        }
        let nums: Vec<Option<u64>> = cols[cols.len() - 5..]
            .iter()
            .map(|c| c.parse().ok())
            .collect();
        let [Some(passed), Some(faulted), Some(mismatched), Some(skipped), Some(beyond)] = nums[..]
        else {
            continue;
        };
        let name = cols[..cols.len() - 5].join(" ");
        t.insert(
            name,
            Tally {
                passed,
                faulted,
                mismatched,
                skipped,
                beyond,
                oracle_bug: 0,
            },
        );
    }
    t
}

/// Table indices whose name contains any of `filters` (all when empty).
pub fn select_classes(filters: &[String]) -> Vec<usize> {
    TABLE
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            filters.is_empty()
                || filters
                    .iter()
                    .any(|f| e.name.to_lowercase().contains(&f.to_lowercase()))
        })
        .map(|(i, _)| i)
        .collect()
}
