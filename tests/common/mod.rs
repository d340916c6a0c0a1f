//! What the integration tests share: the repository root, the binary run as a user runs
//! it, and scratch folders. Each test file is its own crate and uses only some of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where `examples/` and `tests/fixtures/` are).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `edasmith` from the repository root, without colour (`NO_COLOR`, and no
/// `CLICOLOR_FORCE` from the caller's environment).
pub fn edasmith(args: &[&str]) -> Output {
    edasmith_in(root(), args)
}

/// [`edasmith`] run from the folder `dir`.
pub fn edasmith_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edasmith"))
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .output()
        .expect("run edasmith")
}

/// Lossy UTF-8 of an output stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A path under the test target folder for `suite`/`name`, with nothing there yet.
pub fn unused_path(suite: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(suite)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A fresh, empty folder under the test target folder for `suite`/`name`.
pub fn scratch(suite: &str, name: &str) -> PathBuf {
    let dir = unused_path(suite, name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, recursively, by its path relative to `dir`, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(base).unwrap().to_owned(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}
