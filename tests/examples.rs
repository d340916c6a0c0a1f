//! The outputs committed beside the examples (shown on the code host's page) are what
//! edasmith generates today: a change that alters them must regenerate them.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        files.insert(
            path.file_name().unwrap().to_string_lossy().into_owned(),
            std::fs::read(&path).unwrap(),
        );
    }
    files
}

#[test]
fn committed_example_diagrams_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (spec, diagrams) in [
        (
            "examples/telecom-ko/spec.yaml",
            "examples/telecom-ko/diagrams",
        ),
        (
            "examples/ecommerce/spec.yaml",
            "examples/ecommerce/diagrams",
        ),
        // The load view of the promotion before the fix (its services over capacity).
        (
            "examples/promotion/before.yaml",
            "examples/promotion/diagrams-before",
        ),
    ] {
        let fresh = Path::new(env!("CARGO_TARGET_TMPDIR")).join(diagrams);
        let _ = std::fs::remove_dir_all(&fresh);
        let status = Command::new(env!("CARGO_BIN_EXE_edasmith"))
            .args(["diagram", spec, "--out-dir"])
            .arg(&fresh)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let committed = tree(&root.join(diagrams));
        assert_eq!(
            committed.keys().collect::<Vec<_>>(),
            tree(&fresh).keys().collect::<Vec<_>>(),
            "{diagrams}: files differ; regenerate with `edasmith diagram {spec} --out-dir {diagrams}`"
        );
        for (name, bytes) in tree(&fresh) {
            assert!(
                committed[&name] == bytes,
                "{diagrams}/{name} is stale; regenerate with `edasmith diagram {spec} --out-dir {diagrams}`"
            );
        }
    }
}
