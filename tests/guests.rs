//! Runs every guest image in `guest-images/cases.txt` on each engine and compares stdout and
//! exit status with the oracle: the files recorded from qemu-aarch64 in `guest-images/expected/`
//! and, when qemu-aarch64 is installed (required under `CI=true`), a live qemu-aarch64 run.
//! The programs of `../shared/bench` are also rebuilt from source and compared live when the
//! cross compiler is installed (required under `CI=true`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Case {
    name: String,
    env: Vec<(String, String)>,
    program: String,
    args: Vec<String>,
}

struct Run {
    stdout: Vec<u8>,
    stderr: String,
    status: i32,
}

fn images() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("guest-images")
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(images().join("cases.txt")).expect("read cases.txt");
    let mut out = Vec::new();
    for line in text.lines() {
        let mut tok = line.split_whitespace();
        let Some(name) = tok.next() else { continue };
        if name.starts_with('#') {
            continue;
        }
        let mut env = Vec::new();
        let mut rest: Vec<String> = tok.map(str::to_string).collect();
        while let Some(t) = rest.first().and_then(|t| t.strip_prefix("env:")) {
            let (k, v) = t.split_once('=').expect("env:VAR=VALUE");
            env.push((k.to_string(), v.to_string()));
            rest.remove(0);
        }
        let program = rest.remove(0);
        out.push(Case {
            name: name.to_string(),
            env,
            program,
            args: rest,
        });
    }
    assert!(out.len() >= 20, "cases.txt lists every guest image");
    out
}

/// Exit status the way a shell reports it (128 + signal for a death by signal).
fn shell_status(s: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0))
}

fn run(runner: &[&str], program: &Path, args: &[String], env: &[(String, String)]) -> Run {
    let mut cmd = Command::new(runner[0]);
    cmd.args(&runner[1..])
        .arg(program)
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {runner:?}: {e}"));
    Run {
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: shell_status(out.status),
    }
}

/// egret on `engine`; the JIT compiles a block on its second run (not after the default 50),
/// so that the short guest images run almost entirely as compiled code.
fn egret(engine: &str) -> Vec<String> {
    let mut v = vec![
        env!("CARGO_BIN_EXE_egret").to_string(),
        "run".into(),
        "--engine".into(),
        engine.into(),
    ];
    if engine == "jit" {
        v.extend(["--jit-threshold".into(), "1".into()]);
    }
    v
}

fn expected(name: &str) -> (Vec<u8>, i32) {
    let dir = images().join("expected");
    let stdout = std::fs::read(dir.join(format!("{name}.stdout"))).expect("expected stdout");
    let status =
        std::fs::read_to_string(dir.join(format!("{name}.status"))).expect("expected status");
    (stdout, status.trim().parse().expect("status is a number"))
}

/// Checks one egret run against the oracle's stdout and status; returns a failure description.
fn check(case: &str, got: &Run, want_stdout: &[u8], want_status: i32) -> Option<String> {
    if got.stderr.contains("panicked") {
        return Some(format!("{case}: egret panicked:\n{}", got.stderr));
    }
    if case == "unimpl" {
        // The guest runs an instruction egret does not implement (SM3PARTW1): everything it
        // printed before must match the oracle, then egret stops with its distinct error.
        let ok = got.status == 125
            && !got.stdout.is_empty()
            && want_stdout.starts_with(&got.stdout)
            && got
                .stderr
                .contains("egret: unimplemented A64 instruction 0xce60c020 (sm3partw1");
        return (!ok).then(|| format!("{case}: status {} stderr {:?}", got.status, got.stderr));
    }
    if got.stdout != want_stdout || got.status != want_status {
        return Some(format!(
            "{case}: status {} (want {want_status})\n--- stdout\n{}\n--- want\n{}\n--- stderr\n{}",
            got.status,
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(want_stdout),
            got.stderr
        ));
    }
    if want_status == 139 && !got.stderr.contains("egret: guest SIGSEGV at pc=") {
        return Some(format!("{case}: no guest fault report: {:?}", got.stderr));
    }
    None
}

fn run_engine(engine: &str) {
    let runner = egret(engine);
    let runner: Vec<&str> = runner.iter().map(String::as_str).collect();
    let mut failures = Vec::new();
    let all = cases();
    for c in &all {
        let prog = images().join("bin").join(&c.program);
        let got = run(&runner, &prog, &c.args, &c.env);
        let (want, status) = expected(&c.name);
        failures.extend(check(&c.name, &got, &want, status));
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed on --engine {engine}:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn guest_images_jit() {
    run_engine("jit");
}

#[test]
fn guest_images_interp() {
    run_engine("interp");
}

#[test]
fn guest_images_diff() {
    run_engine("diff");
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// qemu-aarch64 must still print what was recorded (the recorded files are the oracle's).
#[test]
fn recorded_files_match_live_qemu() {
    if !have("qemu-aarch64") {
        assert!(!ci(), "CI=true but qemu-aarch64 is not installed");
        eprintln!("qemu-aarch64 not installed: comparing with recorded oracle files only");
        return;
    }
    let mut failures = Vec::new();
    for c in cases() {
        let prog = images().join("bin").join(&c.program);
        let got = run(&["qemu-aarch64"], &prog, &c.args, &c.env);
        let (want, status) = expected(&c.name);
        if got.stdout != want || got.status != status {
            failures.push(format!(
                "{}: qemu status {} stdout {:?}",
                c.name,
                got.status,
                String::from_utf8_lossy(&got.stdout)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "qemu-aarch64 disagrees with guest-images/expected:\n{}",
        failures.join("\n")
    );
}

/// Builds `../shared/bench/*.c` as yardstick does and compares egret on all three engines with
/// a live qemu-aarch64 run, at the sizes cases.txt gives the committed bench images.
#[test]
fn shared_bench_programs_match_qemu() {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    let ready = have("qemu-aarch64") && have("aarch64-linux-gnu-gcc") && bench.is_dir();
    if !ready {
        assert!(
            !ci(),
            "CI=true but qemu-aarch64, aarch64-linux-gnu-gcc or ../shared/bench is missing"
        );
        eprintln!("skipping live bench comparison: oracle tools not installed");
        return;
    }
    let out = std::env::temp_dir().join(format!("egret-bench-{}", std::process::id()));
    std::fs::create_dir_all(&out).expect("temp dir");
    let all = cases();
    for f in std::fs::read_dir(&bench).expect("read ../shared/bench") {
        let name = f
            .expect("dir entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if let Some(stem) = name.strip_suffix(".c") {
            let prog = format!("bench-{stem}");
            assert!(
                all.iter().any(|c| c.program == prog),
                "cases.txt has no case for {prog}"
            );
        }
    }
    let mut failures = Vec::new();
    let mut n = 0;
    for c in all.iter().filter(|c| c.program.starts_with("bench-")) {
        let src = bench.join(format!("{}.c", &c.program["bench-".len()..]));
        let exe = out.join(&c.program);
        let st = Command::new("aarch64-linux-gnu-gcc")
            .args(["-O2", "-static", "-o"])
            .arg(&exe)
            .arg(&src)
            .arg("-lm")
            .status()
            .expect("run aarch64-linux-gnu-gcc");
        assert!(st.success(), "cannot build {}", src.display());
        let want = run(&["qemu-aarch64"], &exe, &c.args, &c.env);
        for engine in ["jit", "interp", "diff"] {
            let runner = egret(engine);
            let runner: Vec<&str> = runner.iter().map(String::as_str).collect();
            let got = run(&runner, &exe, &c.args, &c.env);
            failures.extend(check(
                &format!("{} ({engine})", c.name),
                &got,
                &want.stdout,
                want.status,
            ));
            n += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    assert!(n >= 12, "every bench program ran on three engines");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
