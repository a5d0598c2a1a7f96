//! Running a command in a test: the one helper every test binary uses (the
//! curator tools' tests include this file too).

use std::process::{Command, Output};

/// Runs `command` to its end: its status, and its output as text.
pub fn run(command: &mut Command) -> (Output, String, String) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

/// Runs `command`, which must succeed; its standard output.
#[allow(dead_code)]
pub fn run_ok(command: &mut Command) -> String {
    let (out, stdout, stderr) = run(command);
    assert!(out.status.success(), "{command:?} failed: {stderr}");
    stdout
}
