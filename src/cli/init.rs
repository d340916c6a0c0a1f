//! `edasmith init`: a commented starter spec that analyzes clean and teaches the format.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::{Outcome, output};

/// The starter spec (also checked by the tests to analyze clean).
pub const STARTER: &str = include_str!("../../templates/init.yaml");

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write the spec.
    #[arg(value_name = "PATH", default_value = "edasmith.yaml")]
    path: PathBuf,
}

/// Writes the starter spec, and the JSON Schema beside it for editors, never
/// overwriting an existing file.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    if args.path.exists() {
        bail!(
            "{} already exists; edasmith init never overwrites a file",
            args.path.display()
        );
    }
    create_new(&args.path, STARTER)?;
    let schema = args
        .path
        .parent()
        .unwrap_or(Path::new(""))
        .join("edasmith.schema.json");
    let schema_note = match create_new(&schema, &edasmith::spec::schema::json_schema()) {
        Ok(()) => format!(" and {}", schema.display()),
        Err(_) => String::new(), // an existing schema file is the user's; keep it
    };
    output::stdout(&format!(
        "wrote {}{schema_note}\nnext: edasmith analyze {}\n",
        args.path.display(),
        args.path.display()
    ))?;
    Ok(Outcome::Clean)
}

/// Creates a file that must not exist yet (no race with another writer).
fn create_new(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e: io::Error| {
            let _ = std::fs::remove_file(path);
            anyhow::Error::new(e).context(format!("cannot write {}", path.display()))
        })
}
