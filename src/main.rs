//! egret: run AArch64 Linux programs on this x86-64 host.

use backend::OptLevel;
use clap::{Parser, Subcommand, ValueEnum};
use devices::linux::{self, LinuxModel, LinuxOptions};
use runtime::{Engine, EngineKind, GuestExit, GuestMemory, LogFlags, Options, Outcome};
use std::io::Write;
use std::process::ExitCode;

/// Exit status when the guest runs an instruction egret does not implement.
const EXIT_UNIMPLEMENTED: u8 = 125;
/// Exit status when the program cannot be loaded (not AArch64, truncated, ...).
const EXIT_LOAD: u8 = 126;
/// Exit status when the program file does not exist.
const EXIT_NOT_FOUND: u8 = 127;
/// Exit status when `--engine diff` finds a divergence.
const EXIT_DIVERGENCE: u8 = 120;
/// Exit status for internal errors and bad options.
const EXIT_INTERNAL: u8 = 2;

#[derive(Parser)]
#[command(
    name = "egret",
    version,
    about = "A dynamic binary translator: AArch64 Linux programs on x86-64"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum EngineArg {
    Jit,
    Interp,
    Diff,
}

#[derive(Clone, Copy, ValueEnum)]
enum OptArg {
    None,
    Speed,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a static AArch64 Linux executable (stdout, stderr and exit status are the guest's).
    Run {
        /// Execution engine: Cranelift JIT, the reference interpreter, or both in lockstep.
        #[arg(long, value_enum, default_value = "jit")]
        engine: EngineArg,
        /// Log items, comma-separated: in_asm, ir, out_asm, exec, nochain (every block returns to the
        /// dispatcher), verify (check every block's IR), unimp.
        #[arg(short = 'd', value_delimiter = ',')]
        debug: Vec<String>,
        /// Write -d output to this file instead of stderr.
        #[arg(short = 'D')]
        logfile: Option<String>,
        /// Print every system call and its result.
        #[arg(long)]
        strace: bool,
        /// Set an environment variable for the guest (repeatable).
        #[arg(short = 'E', value_name = "VAR=value")]
        set_env: Vec<String>,
        /// Remove an environment variable from the guest's environment (repeatable).
        #[arg(short = 'U', value_name = "VAR")]
        unset_env: Vec<String>,
        /// Interpreted executions of a block before the JIT compiles it.
        #[arg(long, default_value_t = 50)]
        jit_threshold: u32,
        /// Cranelift optimisation level.
        #[arg(long, value_enum, default_value = "speed")]
        opt: OptArg,
        /// Print translation and execution statistics to stderr at exit.
        #[arg(long)]
        stats: bool,
        /// The AArch64 program.
        program: String,
        /// Its arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// The A64 instruction classes: coverage matrix of the decoder, and random-instruction
    /// differential testing against qemu-aarch64 (exit 1 on a mismatch).
    Isa {
        /// Print the coverage matrix (Markdown): every class of the decode table and the share
        /// of its encodings egret implements.
        #[arg(long)]
        coverage: bool,
        /// Run this many random instructions, spread over the classes, against the oracle.
        #[arg(long, value_name = "COUNT")]
        random: Option<u64>,
        /// Seed of the random run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only classes whose name contains this text (repeatable).
        #[arg(long)]
        class: Vec<String>,
        /// egret engines to compare with the oracle, comma-separated: interp, jit, diff.
        #[arg(long, value_delimiter = ',', default_value = "interp,jit")]
        engines: Vec<String>,
        /// The oracle command (default: $EGRET_QEMU, else "qemu-aarch64 -cpu
        /// max,sve=off,sme=off,pauth=off").
        #[arg(long)]
        qemu: Option<String>,
        /// Start every case with FPCR = FPSR = 0 instead of random rounding mode, FZ, DN, AHP,
        /// FZ16 and cumulative flags.
        #[arg(long)]
        fixed_fp_env: bool,
        /// Leave these state fields out of the comparison (comma-separated, e.g. fpsr).
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        /// Only encodings egret implements (no UNDEFINED ones, which each end a harness run).
        #[arg(long)]
        no_undefined: bool,
        /// Cases per harness process.
        #[arg(long, default_value_t = 4000)]
        batch: usize,
        /// Stop after this many mismatches.
        #[arg(long, default_value_t = 10)]
        max_mismatches: usize,
        /// Report mismatches as found, without shrinking their input state.
        #[arg(long)]
        no_minimise: bool,
        /// Write the coverage matrix with the run's counts to this file.
        #[arg(long, value_name = "FILE")]
        markdown: Option<String>,
        /// With --coverage: take the random-case counts from the saved output of an earlier
        /// `egret isa --random` run (its per-class table on stdout).
        #[arg(long, value_name = "FILE")]
        from_run: Option<String>,
        /// List the instructions of the selected classes (--class) that egret does not
        /// implement yet, by mnemonic.
        #[arg(long)]
        missing: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Isa {
            coverage,
            random,
            seed,
            class,
            engines,
            qemu,
            fixed_fp_env,
            ignore,
            no_undefined,
            batch,
            max_mismatches,
            no_minimise,
            markdown,
            from_run,
            missing,
        } => {
            let opts = IsaArgs {
                coverage,
                random,
                seed,
                class,
                engines,
                qemu,
                fp_env: !fixed_fp_env,
                ignore,
                undefined: !no_undefined,
                batch,
                max_mismatches,
                minimise: !no_minimise,
                markdown,
                from_run,
                missing,
            };
            match isa_command(&opts) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("egret: {e}");
                    ExitCode::from(EXIT_INTERNAL)
                }
            }
        }
        Cmd::Run {
            engine,
            debug,
            logfile,
            strace,
            set_env,
            unset_env,
            jit_threshold,
            opt,
            stats,
            program,
            args,
        } => {
            let mut log = LogFlags::default();
            let mut log_unimp = false;
            for d in &debug {
                match d.as_str() {
                    "in_asm" => log.in_asm = true,
                    "ir" => log.ir = true,
                    "out_asm" => log.out_asm = true,
                    "exec" => log.exec = true,
                    "nochain" => log.nochain = true,
                    "verify" => log.verify = true,
                    "unimp" => log_unimp = true,
                    other => {
                        eprintln!("egret: unknown -d item '{other}' (known: in_asm, ir, out_asm, exec, nochain, verify, unimp)");
                        return ExitCode::from(EXIT_INTERNAL);
                    }
                }
            }
            let sink: Box<dyn Write + Send> = match logfile {
                Some(f) => match std::fs::File::create(&f) {
                    Ok(file) => Box::new(file),
                    Err(e) => {
                        eprintln!("egret: cannot create log file {f}: {e}");
                        return ExitCode::from(EXIT_INTERNAL);
                    }
                },
                None => Box::new(std::io::stderr()),
            };
            let opts = Options {
                engine: match engine {
                    EngineArg::Jit => EngineKind::Jit,
                    EngineArg::Interp => EngineKind::Interp,
                    EngineArg::Diff => EngineKind::Diff,
                },
                log,
                log_sink: sink,
                jit_threshold,
                opt: match opt {
                    OptArg::None => OptLevel::None,
                    OptArg::Speed => OptLevel::Speed,
                },
            };
            run(
                &program, &args, &set_env, &unset_env, opts, strace, log_unimp, stats,
            )
        }
    }
}

struct IsaArgs {
    coverage: bool,
    random: Option<u64>,
    seed: u64,
    class: Vec<String>,
    engines: Vec<String>,
    qemu: Option<String>,
    fp_env: bool,
    ignore: Vec<String>,
    undefined: bool,
    batch: usize,
    max_mismatches: usize,
    minimise: bool,
    markdown: Option<String>,
    from_run: Option<String>,
    missing: bool,
}

/// `egret isa`; `Ok(false)` when the random run found mismatches.
fn isa_command(a: &IsaArgs) -> Result<bool, String> {
    use egret::isa;
    let classes = isa::select_classes(&a.class);
    if classes.is_empty() {
        return Err(format!("no instruction class matches {:?}", a.class));
    }
    if a.missing {
        for &c in &classes {
            let list = isa::unimplemented_mnemonics(c, 200_000);
            if list.is_empty() {
                continue;
            }
            let names: Vec<String> = list.iter().map(|(m, n)| format!("{m} ({n})")).collect();
            println!("{}: {}", frontend::decode::TABLE[c].name, names.join(", "));
        }
        return Ok(true);
    }
    if a.coverage && a.random.is_none() {
        let (tally, header) = match &a.from_run {
            Some(f) => {
                let text = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
                let summary = text
                    .lines()
                    .find(|l| l.starts_with("total:"))
                    .unwrap_or("")
                    .to_string();
                let command = text
                    .lines()
                    .find(|l| l.starts_with("command:"))
                    .unwrap_or("")
                    .to_string();
                (
                    Some(isa::parse_run_table(&text)),
                    format!("# egret A64 coverage\n\n{command}\n\n{summary}\n"),
                )
            }
            None => (None, "# egret A64 coverage (decoder only)\n".to_string()),
        };
        print!("{}", isa::coverage_markdown(tally.as_ref(), &header));
        return Ok(true);
    }
    let Some(count) = a.random else {
        return Err("egret isa: give --coverage or --random COUNT".into());
    };
    let qemu = a
        .qemu
        .clone()
        .or_else(|| std::env::var("EGRET_QEMU").ok())
        .unwrap_or_else(|| isa::DEFAULT_QEMU.to_string());
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut runners = vec![isa::Runner::qemu(&qemu)];
    for e in &a.engines {
        if !matches!(e.as_str(), "interp" | "jit" | "diff") {
            return Err(format!("unknown engine {e} (interp, jit, diff)"));
        }
        runners.push(isa::Runner::egret(&exe, e));
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("command: `egret {}` (oracle: `{qemu}`)", args.join(" "));
    let r = isa::random_run(&isa::RandomRun {
        count,
        seed: a.seed,
        batch: a.batch.max(1),
        classes,
        runners,
        fp_env: a.fp_env,
        undefined: a.undefined,
        ignore: a.ignore.clone(),
        max_mismatches: a.max_mismatches.max(1),
        minimise: a.minimise,
        quiet: false,
    })?;
    let total: isa::Tally = r.tally.values().fold(Default::default(), |mut t, x| {
        t.passed += x.passed;
        t.faulted += x.faulted;
        t.mismatched += x.mismatched;
        t.skipped += x.skipped;
        t.beyond += x.beyond;
        t.oracle_bug += x.oracle_bug;
        t
    });
    println!(
        "{:<52} {:>9} {:>7} {:>9} {:>9} {:>7}",
        "class", "passed", "faults", "mismatch", "unimpl", "beyond"
    );
    for (c, t) in &r.tally {
        println!(
            "{:<52} {:>9} {:>7} {:>9} {:>9} {:>7}",
            frontend::decode::TABLE[*c].name,
            t.passed,
            t.faulted,
            t.mismatched,
            t.skipped,
            t.beyond
        );
    }
    println!(
        "total: {} cases in {:.1} s (seed {}, engines {}): {} passed, {} faulted alike, {} mismatches, {} in extensions egret does not offer, {} where qemu failed an internal assertion; {} unimplemented encodings not run",
        total.passed + total.faulted + total.mismatched + total.beyond + total.oracle_bug,
        r.seconds,
        a.seed,
        a.engines.join(","),
        total.passed,
        total.faulted,
        total.mismatched,
        total.beyond,
        total.oracle_bug,
        total.skipped
    );
    if let Some(path) = &a.markdown {
        let header = format!(
            "# egret A64 coverage\n\nGenerated by `egret isa --random {count} --seed {}{}{}` against `{qemu}` \
             (engines: {}); {} random instructions in {:.0} s, {} mismatches.\n",
            a.seed,
            if a.fp_env { "" } else { " --fixed-fp-env" },
            if a.ignore.is_empty() { String::new() } else { format!(" --ignore {}", a.ignore.join(",")) },
            a.engines.join(", "),
            total.passed + total.faulted + total.mismatched,
            r.seconds,
            total.mismatched
        );
        let by_name = r
            .tally
            .iter()
            .map(|(c, t)| (frontend::decode::TABLE[*c].name.to_string(), *t))
            .collect();
        std::fs::write(path, isa::coverage_markdown(Some(&by_name), &header))
            .map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(r.mismatches.is_empty())
}

fn guest_env(set: &[String], unset: &[String]) -> Vec<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let mut env: Vec<(Vec<u8>, Vec<u8>)> = std::env::vars_os()
        .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect();
    for u in unset {
        env.retain(|(k, _)| k != u.as_bytes());
    }
    for s in set {
        let (k, v) = s.split_once('=').unwrap_or((s, ""));
        env.retain(|(kk, _)| kk != k.as_bytes());
        env.push((k.as_bytes().to_vec(), v.as_bytes().to_vec()));
    }
    env.into_iter()
        .map(|(mut k, v)| {
            k.push(b'=');
            k.extend(v);
            k
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn run(
    program: &str,
    args: &[String],
    set_env: &[String],
    unset_env: &[String],
    opts: Options,
    strace: bool,
    log_unimp: bool,
    stats: bool,
) -> ExitCode {
    if !std::path::Path::new(program).exists() {
        eprintln!("egret: {program}: no such file");
        return ExitCode::from(EXIT_NOT_FOUND);
    }
    let mut mem = match GuestMemory::new() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("egret: cannot reserve guest memory: {e}");
            return ExitCode::from(EXIT_INTERNAL);
        }
    };
    let img = match linux::load_elf(program, &mut mem) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("egret: {e}");
            return ExitCode::from(EXIT_LOAD);
        }
    };
    let mut argv: Vec<Vec<u8>> = vec![program.as_bytes().to_vec()];
    argv.extend(args.iter().map(|a| a.as_bytes().to_vec()));
    let env = guest_env(set_env, unset_env);
    let sp = match linux::stack::build(&mut mem, &img, &argv, &env, program.as_bytes()) {
        Ok(sp) => sp,
        Err(e) => {
            eprintln!("egret: cannot build the initial stack: {e}");
            return ExitCode::from(EXIT_INTERNAL);
        }
    };
    let exe_path = std::fs::canonicalize(program)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or(program.into());
    let mmap_top = linux::stack::STACK_TOP - linux::stack::STACK_SIZE - (1 << 20);
    let mut model = LinuxModel::new(
        LinuxOptions {
            strace,
            log_unimp,
            exe_path,
        },
        img.brk,
        mmap_top,
    );
    let mut engine = match Engine::new(mem, opts) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("egret: cannot start the engine: {e}");
            return ExitCode::from(EXIT_INTERNAL);
        }
    };
    engine.cpu.pc = img.entry;
    engine.cpu.x[31] = sp;
    let outcome = engine.run(&mut model);
    if stats {
        let s = &engine.stats;
        eprintln!(
            "egret stats: translated {} blocks ({} insns) in {:.3} ms; compiled {} blocks ({} insns, {} host bytes) in {:.3} ms; \
             {} interpreted block runs; {} dispatches; {} links; {} compile failures",
            s.blocks_translated,
            s.guest_insns_translated,
            s.translate_time.as_secs_f64() * 1e3,
            s.blocks_compiled,
            s.guest_insns_compiled,
            s.host_code_bytes,
            s.compile_time.as_secs_f64() * 1e3,
            s.interp_blocks,
            s.dispatches,
            s.links,
            s.compile_failures
        );
    }
    match outcome {
        Outcome::Exit(GuestExit::Status(s)) => ExitCode::from(s as u8),
        Outcome::Exit(GuestExit::Signal { sig, pc, addr }) => {
            eprintln!(
                "egret: guest {} at pc={pc:#x} addr={addr:#x}",
                signal_name(sig)
            );
            ExitCode::from((128 + sig) as u8)
        }
        Outcome::Unimplemented { pc, insn } => {
            eprintln!(
                "egret: unimplemented A64 instruction {insn:#010x} ({}) at pc={pc:#x}",
                frontend::disasm::disassemble(insn).unwrap_or_else(|| "?".into())
            );
            ExitCode::from(EXIT_UNIMPLEMENTED)
        }
        Outcome::Divergence(report) => {
            eprint!("{report}");
            ExitCode::from(EXIT_DIVERGENCE)
        }
        Outcome::Internal(msg) => {
            eprintln!("egret: internal error: {msg}");
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}

fn signal_name(sig: i32) -> String {
    match sig {
        4 => "SIGILL".into(),
        5 => "SIGTRAP".into(),
        6 => "SIGABRT".into(),
        7 => "SIGBUS".into(),
        8 => "SIGFPE".into(),
        9 => "SIGKILL".into(),
        11 => "SIGSEGV".into(),
        13 => "SIGPIPE".into(),
        15 => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}
