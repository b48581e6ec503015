//! The ELF loader: static `ET_EXEC` and static-PIE (`ET_DYN` without an interpreter) AArch64
//! executables, mapped into guest memory.

use goblin::elf::{header, program_header, Elf};
use runtime::memory::{page_down, page_up, PROT_EXEC, PROT_READ, PROT_WRITE};
use runtime::GuestMemory;

/// Why a program could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("{0}: not an ELF file")]
    NotElf(String),
    #[error("{path}: malformed ELF: {msg}")]
    Malformed { path: String, msg: String },
    #[error("{path}: not an AArch64 program (ELF machine {machine}, class {class}); egret runs 64-bit little-endian AArch64 executables")]
    WrongArch {
        path: String,
        machine: u16,
        class: u8,
    },
    #[error("{path}: ELF type {0} is not an executable", .ty)]
    NotExecutable { path: String, ty: u16 },
    #[error(
        "{path}: dynamically linked (interpreter {interp}); egret runs static executables so far"
    )]
    Dynamic { path: String, interp: String },
    #[error("{path}: segment at {addr:#x} cannot be mapped: {msg}")]
    Map {
        path: String,
        addr: u64,
        msg: String,
    },
}

/// Where the image landed.
#[derive(Debug, Clone)]
pub struct LoadedImage {
    pub entry: u64,
    /// Guest address of the program headers, their size and count (for the auxiliary vector).
    pub phdr: u64,
    pub phent: u64,
    pub phnum: u64,
    /// First address past the highest segment: the initial program break.
    pub brk: u64,
    pub load_bias: u64,
}

/// Load address of position-independent executables.
pub const PIE_BASE: u64 = 0x55_5555_0000;

fn prot_of(flags: u32) -> u32 {
    let mut p = 0;
    if flags & program_header::PF_R != 0 {
        p |= PROT_READ;
    }
    if flags & program_header::PF_W != 0 {
        p |= PROT_WRITE;
    }
    if flags & program_header::PF_X != 0 {
        p |= PROT_EXEC;
    }
    p
}

/// Parses and maps `path` into `mem`.
pub fn load_elf(path: &str, mem: &mut GuestMemory) -> Result<LoadedImage, LoadError> {
    let data = std::fs::read(path).map_err(|err| LoadError::Io {
        path: path.into(),
        err,
    })?;
    if data.len() < 4 || &data[..4] != b"\x7fELF" {
        return Err(LoadError::NotElf(path.into()));
    }
    let malformed = |msg: String| LoadError::Malformed {
        path: path.into(),
        msg,
    };
    if data.len() < 64 {
        return Err(malformed("file shorter than an ELF header".into()));
    }
    let class = data[4];
    let machine = u16::from_le_bytes([data[18], data[19]]);
    if class != header::ELFCLASS64
        || data[5] != header::ELFDATA2LSB
        || machine != header::EM_AARCH64
    {
        return Err(LoadError::WrongArch {
            path: path.into(),
            machine,
            class,
        });
    }
    let elf = Elf::parse(&data).map_err(|e| malformed(e.to_string()))?;
    let ty = elf.header.e_type;
    if ty != header::ET_EXEC && ty != header::ET_DYN {
        return Err(LoadError::NotExecutable {
            path: path.into(),
            ty,
        });
    }
    if let Some(interp) = elf.interpreter {
        return Err(LoadError::Dynamic {
            path: path.into(),
            interp: interp.into(),
        });
    }
    let bias = if ty == header::ET_DYN { PIE_BASE } else { 0 };
    let mut brk = 0u64;
    let mut phdr = None;
    let mut loaded_any = false;
    for ph in &elf.program_headers {
        match ph.p_type {
            program_header::PT_PHDR => phdr = Some(bias + ph.p_vaddr),
            program_header::PT_LOAD => {
                let vaddr = bias
                    .checked_add(ph.p_vaddr)
                    .ok_or_else(|| malformed("segment address overflows".into()))?;
                let off = ph.p_offset as usize;
                let filesz = ph.p_filesz as usize;
                if ph.p_memsz < ph.p_filesz
                    || off.checked_add(filesz).is_none_or(|e| e > data.len())
                {
                    return Err(malformed(format!(
                        "segment at {vaddr:#x} lies outside the file (truncated?)"
                    )));
                }
                let start = page_down(vaddr);
                let end = page_up(vaddr + ph.p_memsz);
                let map_err = |msg: String| LoadError::Map {
                    path: path.into(),
                    addr: vaddr,
                    msg,
                };
                mem.map(start, end - start, prot_of(ph.p_flags))
                    .map_err(|e| map_err(e.to_string()))?;
                mem.write_force(vaddr, &data[off..off + filesz])
                    .map_err(|e| map_err(e.to_string()))?;
                if phdr.is_none() && ph.p_offset == 0 {
                    phdr = Some(vaddr + elf.header.e_phoff);
                }
                brk = brk.max(end);
                loaded_any = true;
            }
            _ => {}
        }
    }
    if !loaded_any {
        return Err(malformed("no loadable segments".into()));
    }
    Ok(LoadedImage {
        entry: bias + elf.header.e_entry,
        phdr: phdr.unwrap_or(0),
        phent: elf.header.e_phentsize as u64,
        phnum: elf.header.e_phnum as u64,
        brk,
        load_bias: bias,
    })
}
