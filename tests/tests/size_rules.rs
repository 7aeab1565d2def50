//! Issue 10's size rules hold: in the non-test sources of core/, macros/, runtime/, llmcfg/ and
//! cargo-llmcfg/, no file over 600 lines, no function over 80, no `too_many_arguments` or
//! `type_complexity` allow. `scripts/check-size.py` does the counting; this runs it in the suite.

use std::path::Path;
use std::process::Command;

#[test]
fn no_file_over_600_lines_no_function_over_80() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("python3")
        .arg(root.join("scripts/check-size.py"))
        .output()
        .expect("python3 runs scripts/check-size.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("ok: "), "{stdout}");
}
