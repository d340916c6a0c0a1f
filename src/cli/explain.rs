//! `edasmith explain`: the documentation of a rule, or the list of all rules.

use std::fmt::Write;

use anyhow::bail;

use super::{Outcome, output};
use edasmith::rules;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The rule to explain, e.g. `command-without-reply`.
    #[arg(value_name = "RULE", required_unless_present = "list")]
    rule: Option<String>,
    /// List every rule with its default severity and summary.
    #[arg(long, conflicts_with = "rule")]
    list: bool,
}

/// Prints one rule's documentation, or the catalog.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let catalog = rules::all();
    let text = match &args.rule {
        None => list(&catalog),
        Some(name) => match catalog.iter().find(|rule| rule.meta.name == name) {
            Some(rule) => format!(
                "# {} ({})\n\n{}",
                rule.meta.name,
                rule.meta.severity.as_str(),
                rule.meta.documentation()
            ),
            None => {
                bail!("unknown rule `{name}`: {}", rules::unknown_rule_help(name));
            }
        },
    };
    output::stdout(&text)?;
    Ok(Outcome::Clean)
}

fn list(catalog: &[rules::Rule]) -> String {
    let width = catalog
        .iter()
        .map(|rule| rule.meta.name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for rule in catalog {
        let meta = rule.meta;
        let _ = writeln!(
            out,
            "{:width$}  {:7}  {}",
            meta.name,
            meta.severity.as_str(),
            meta.summary()
        );
    }
    out
}
