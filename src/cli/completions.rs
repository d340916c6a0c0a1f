//! `edasmith completions`: shell completion scripts.

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Outcome, output};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the completion script for the shell.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "edasmith", &mut script);
    output::stdout(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Clean)
}
