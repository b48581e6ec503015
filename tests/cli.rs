//! The command line: bad input gets a clear error and a distinct exit status, never a panic;
//! the -d logs and --strace show what they promise.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn egret(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_egret"))
        .args(args)
        .env_clear()
        .stdin(Stdio::null())
        .output()
        .expect("run egret")
}

fn image(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("guest-images/bin")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("egret-cli-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).expect("write scratch file");
    p
}

#[test]
fn missing_program_is_127() {
    let o = egret(&["run", "/nonexistent/egret-test-program"]);
    assert_eq!(o.status.code(), Some(127));
    let e = stderr(&o);
    assert!(
        e.starts_with("egret: ") && e.contains("/nonexistent/egret-test-program"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn host_elf_is_rejected() {
    // An x86-64 ELF: the test binary itself.
    let me = std::env::current_exe().expect("current exe");
    let o = egret(&["run", &me.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(126));
    let e = stderr(&o);
    assert!(e.contains("not an AArch64") || e.contains("machine"), "{e}");
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn truncated_and_non_elf_files_are_rejected() {
    let hello = std::fs::read(image("hello")).expect("read hello");
    for (name, bytes) in [
        ("truncated", &hello[..100]),
        ("headers-only", &hello[..0x200]),
        ("text", b"#!/bin/sh\necho hi\n".as_slice()),
        ("empty", b"".as_slice()),
    ] {
        let p = scratch(name, bytes);
        let o = egret(&["run", &p.to_string_lossy()]);
        let _ = std::fs::remove_file(&p);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(126), "{name}: {e}");
        assert!(e.starts_with("egret: "), "{name}: {e}");
        assert!(!e.contains("panicked"), "{name}: {e}");
    }
}

#[test]
fn debug_logs_show_guest_ir_and_host_code() {
    let log = std::env::temp_dir().join(format!("egret-cli-{}-log", std::process::id()));
    let o = egret(&[
        "run",
        "-d",
        "in_asm,ir,out_asm",
        "-D",
        &log.to_string_lossy(),
        &image("exitcode"),
    ]);
    assert_eq!(o.status.code(), Some(42));
    let text = std::fs::read_to_string(&log).expect("log file");
    let _ = std::fs::remove_file(&log);
    assert!(text.contains("IN: 0x"), "guest code listing");
    assert!(text.contains("block 0x"), "IR listing");
    assert!(text.contains("OUT: [guest 0x"), "host code listing");
    assert!(text.contains("ret"), "host disassembly");
}

#[test]
fn strace_prints_system_calls() {
    let o = egret(&["run", "--strace", &image("hello")]);
    assert_eq!(o.status.code(), Some(0));
    let e = stderr(&o);
    assert!(e.contains("write(0x1,"), "{e}");
    assert!(
        e.contains("exit_group(0)") || e.contains("exit_group(0x0)"),
        "{e}"
    );
}

#[test]
fn guest_environment_options() {
    let o = egret(&["run", "-E", "EGRET_TEST=from-cli", &image("hello")]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("EGRET_TEST=from-cli"));
}
