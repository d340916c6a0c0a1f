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
    for example in ["telecom-ko", "ecommerce"] {
        let fresh = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("examples")
            .join(example);
        let _ = std::fs::remove_dir_all(&fresh);
        let status = Command::new(env!("CARGO_BIN_EXE_edasmith"))
            .args([
                "diagram",
                &format!("examples/{example}/spec.yaml"),
                "--out-dir",
            ])
            .arg(&fresh)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let committed = tree(&root.join("examples").join(example).join("diagrams"));
        assert_eq!(
            committed.keys().collect::<Vec<_>>(),
            tree(&fresh).keys().collect::<Vec<_>>(),
            "examples/{example}/diagrams: files differ; regenerate with `edasmith diagram examples/{example}/spec.yaml --out-dir examples/{example}/diagrams`"
        );
        for (name, bytes) in tree(&fresh) {
            assert!(
                committed[&name] == bytes,
                "examples/{example}/diagrams/{name} is stale; regenerate with `edasmith diagram examples/{example}/spec.yaml --out-dir examples/{example}/diagrams`"
            );
        }
    }
}
