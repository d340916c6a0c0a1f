//! `edasmith schema`: the JSON Schema of the spec format, for editors and CI.

use super::{Outcome, output};

#[derive(clap::Args, Debug)]
pub struct Args {}

/// Prints the JSON Schema of the spec format.
pub fn run(_: &Args) -> anyhow::Result<Outcome> {
    output::stdout(&edasmith::spec::schema::json_schema())?;
    Ok(Outcome::Clean)
}
