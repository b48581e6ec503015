//! Translation throughput: guest instructions per second through the frontend (A64 → IR)
//! and through the whole pipeline (A64 → IR → Cranelift → x86-64 bytes), at both Cranelift
//! optimisation levels, over the first blocks of a committed guest image's code.

use backend::{CompileEnv, Jit, OptLevel};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

/// The executable segment of a guest image: (load address, bytes).
fn text(image: &str) -> (u64, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("guest-images/bin")
        .join(image);
    let data = std::fs::read(path).expect("read guest image");
    let elf = goblin::elf::Elf::parse(&data).expect("ELF");
    let ph = elf
        .program_headers
        .iter()
        .find(|p| p.p_type == goblin::elf::program_header::PT_LOAD && p.is_executable())
        .expect("executable segment");
    let bytes = data[ph.p_offset as usize..(ph.p_offset + ph.p_filesz) as usize].to_vec();
    (ph.p_vaddr, bytes)
}

/// Block start addresses found by walking the code linearly, block after block.
fn blocks(base: u64, code: &[u8], count: usize) -> (Vec<ir::Block>, u64) {
    let mut fetch = |a: u64| {
        let off = a.checked_sub(base)? as usize;
        code.get(off..off + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    // Skip the ELF headers that share the segment.
    let mut pc = base + 0x200;
    let mut out = Vec::new();
    let mut insns = 0;
    while out.len() < count {
        let b = frontend::translate_block(&mut fetch, pc);
        insns += b.guest_insns as u64;
        pc += 4 * b.guest_insns.max(1) as u64;
        out.push(b);
    }
    (out, insns)
}

fn bench(c: &mut Criterion) {
    let (base, code) = text("bench-sha");
    let (sample, insns) = blocks(base, &code, 400);
    let mut g = c.benchmark_group("translate");
    g.throughput(Throughput::Elements(insns));
    g.bench_function("frontend (A64 -> IR)", |b| {
        b.iter(|| blocks(base, &code, 400));
    });
    let env = CompileEnv {
        mem_base: 0x7000_0000_0000,
        mem_mask: (1 << 36) - 1,
        slots: [0x1000, 0x1008],
        jump_cache: 0x2000,
        jc_bits: 12,
        use_jump_cache: true,
        loops: true,
    };
    for (name, opt) in [
        ("cranelift opt=none", OptLevel::None),
        ("cranelift opt=speed", OptLevel::Speed),
    ] {
        let mut jit = Jit::new(opt).expect("jit");
        g.bench_function(format!("IR -> host code, {name}"), |b| {
            b.iter(|| {
                for blk in &sample {
                    // Blocks the backend refuses stay interpreted; they still cost the attempt.
                    let _ = jit.compile(blk, &env);
                }
            });
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
