//! The documentation is tested: every YAML, JSON and console block of README.md and
//! docs/ runs here, so what a reader copies works.
//!
//! A block's info string says what it is:
//! - ```` ```yaml ````: a whole spec; it must analyze with no finding at all.
//! - ```` ```yaml bad RULE... ````: a spec shown as a mistake; it must report each RULE.
//! - ```` ```yaml fragment ````: part of a spec; it must use the format correctly (no
//!   finding of the format's own rules), whatever else it reports.
//! - ```` ```yaml file=NAME ````: also written as NAME for the console blocks of the
//!   same page (with any of the kinds above: ```` ```yaml file=typo.yaml bad RULE ````).
//! - ```` ```yaml other ````: YAML that is not a spec (a CI workflow): it must parse.
//! - ```` ```json ````: must parse.
//! - ```` ```console ````: `$ edasmith ...` lines (or `$ cargo run --release -- ...`), each
//!   followed by what it prints (standard output and error, as a terminal shows them); a
//!   line `...` stands for any number of lines. The command runs in a copy of the page's
//!   files and the repository's `examples/`, and must exit 0, or with the code given as
//!   `console exit=N`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The rules that say a spec is not written in the format: a fragment may not raise them.
const FORMAT_RULES: &[&str] = &[
    "yaml-syntax",
    "invalid-utf8",
    "limit-exceeded",
    "unknown-key",
    "missing-key",
    "wrong-type",
    "invalid-value",
    "duplicate-key",
    "unknown-version",
    "invalid-id",
    "unknown-rule",
];

/// A fenced block of a page.
struct Block {
    /// The page and the line of the opening fence, for messages.
    place: String,
    info: Vec<String>,
    body: String,
}

fn pages() -> Vec<PathBuf> {
    let mut pages = vec![common::root().join("README.md")];
    let mut pending = vec![common::root().join("docs")];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

fn blocks(page: &Path) -> Vec<Block> {
    let text = fs::read_to_string(page).unwrap();
    let name = page
        .strip_prefix(common::root())
        .unwrap()
        .display()
        .to_string();
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (at, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    place: format!("{name}:{}", at + 1),
                    info: info.split_whitespace().map(str::to_owned).collect(),
                    body: String::new(),
                });
            }
            (Some(_), Some("")) => blocks.extend(open.take()),
            (Some(block), _) => {
                block.body.push_str(line);
                block.body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "{name}: a code block is never closed");
    blocks
}

/// The value of `key=value` in a block's info string.
fn setting<'a>(block: &'a Block, key: &str) -> Option<&'a str> {
    block
        .info
        .iter()
        .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
}

/// `edasmith analyze --format json` of a spec text: the exit code and the rules reported.
fn analyze(dir: &Path, text: &str) -> (i32, Vec<String>) {
    let spec = dir.join("block.yaml");
    fs::write(&spec, text).unwrap();
    let output = common::edasmith(&["analyze", spec.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!("no JSON report ({error}): {}", common::text(&output.stderr))
        });
    let rules = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap().to_owned())
        .collect();
    (output.status.code().unwrap_or(-1), rules)
}

/// Checks one YAML or JSON block; returns what is wrong with it.
fn check_data(block: &Block, dir: &Path) -> Option<String> {
    // The first word after the language that is not a `key=value` setting.
    let words: Vec<&String> = block.info[1..]
        .iter()
        .filter(|w| !w.contains('='))
        .collect();
    let kind = words.first().map(|word| word.as_str());
    match block.info[0].as_str() {
        "json" => serde_json::from_str::<serde_json::Value>(&block.body)
            .err()
            .map(|error| format!("not JSON: {error}")),
        "yaml" | "yml" if kind == Some("other") => {
            serde_saphyr::from_str::<serde_json::Value>(&block.body)
                .err()
                .map(|error| format!("not YAML: {error}"))
        }
        "yaml" | "yml" => {
            let (code, rules) = analyze(dir, &block.body);
            match kind {
                Some("bad") => {
                    let missing: Vec<&String> = words[1..]
                        .iter()
                        .copied()
                        .filter(|rule| !rules.contains(rule))
                        .collect();
                    (code == 0 || !missing.is_empty() || rules.is_empty()).then(|| {
                        format!("a bad example should report {missing:?}; it reported {rules:?} (exit {code})")
                    })
                }
                Some("fragment") => {
                    let format: Vec<&String> = rules
                        .iter()
                        .filter(|rule| FORMAT_RULES.contains(&rule.as_str()))
                        .collect();
                    (!format.is_empty()).then(|| format!("not in the spec format: {format:?}"))
                }
                _ => (code != 0 || !rules.is_empty())
                    .then(|| format!("should analyze clean; it reported {rules:?} (exit {code})")),
            }
        }
        _ => None,
    }
}

/// Runs the `$ ` lines of a console block in `dir`; returns what did not match.
fn check_console(block: &Block, dir: &Path) -> Option<String> {
    let exit: i32 = setting(block, "exit").map_or(0, |code| code.parse().unwrap());
    let mut problems = Vec::new();
    let mut commands: Vec<(String, Vec<String>)> = Vec::new();
    for line in block.body.lines() {
        match line.strip_prefix("$ ") {
            Some(command) => commands.push((command.to_owned(), Vec::new())),
            None => match commands.last_mut() {
                Some((_, expected)) => expected.push(line.to_owned()),
                None => problems.push(format!("output before any `$ ` command: {line}")),
            },
        }
    }
    for (command, expected) in commands {
        let args = command
            .strip_prefix("edasmith ")
            .or_else(|| command.strip_prefix("cargo run --release -- "))
            .unwrap_or_else(|| panic!("{}: only edasmith commands run: {command}", block.place));
        let (code, printed) = run(dir, args);
        if code != exit {
            problems.push(format!("`{command}` exited {code}, not {exit}:\n{printed}"));
        }
        if !matches(&expected, &printed) {
            problems.push(format!(
                "`{command}` printed:\n{printed}\n--- the page shows:\n{}",
                expected.join("\n")
            ));
        }
    }
    (!problems.is_empty()).then(|| problems.join("\n"))
}

/// Runs edasmith with the shell words of `args`, standard output and error into one file
/// as a terminal would show them interleaved.
fn run(dir: &Path, args: &str) -> (i32, String) {
    let log = dir.join(".console-output");
    let file = fs::File::create(&log).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_edasmith"))
        .args(args.split_whitespace())
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .status()
        .unwrap();
    let printed = fs::read_to_string(&log).unwrap();
    fs::remove_file(&log).unwrap();
    (status.code().unwrap_or(-1), printed)
}

/// Whether the printed text matches the shown lines: equal lines but for trailing space,
/// a `...` line standing for any number of lines.
fn matches(expected: &[String], printed: &str) -> bool {
    fn go(expected: &[String], printed: &[&str]) -> bool {
        match expected.split_first() {
            None => printed.is_empty(),
            Some((first, rest)) if first.trim() == "..." => {
                (0..=printed.len()).any(|skip| go(rest, &printed[skip..]))
            }
            Some((first, rest)) => printed
                .first()
                .is_some_and(|line| line.trim_end() == first.trim_end() && go(rest, &printed[1..])),
        }
    }
    let printed: Vec<&str> = printed.lines().collect();
    go(expected, &printed)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn every_block_of_the_docs_runs() {
    let mut problems = Vec::new();
    let mut counted = 0;
    for (number, page) in pages().iter().enumerate() {
        let dir = common::scratch("docs", &number.to_string());
        copy_tree(&common::root().join("examples"), &dir.join("examples"));
        let blocks = blocks(page);
        // The files a page's console blocks read are written before any runs.
        for block in &blocks {
            if let Some(name) = setting(block, "file") {
                fs::write(dir.join(name), &block.body).unwrap();
            }
        }
        for block in &blocks {
            let problem = match block.info.first().map(String::as_str) {
                Some("yaml" | "yml" | "json") => check_data(block, &dir),
                Some("console") => check_console(block, &dir),
                _ => continue,
            };
            counted += 1;
            if let Some(problem) = problem {
                problems.push(format!("{}: {problem}", block.place));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(
        counted >= 5,
        "only {counted} blocks found: is the parser broken?"
    );
}

#[test]
fn the_matcher_can_fail() {
    let shown = |lines: &[&str]| lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
    assert!(matches(&shown(&["a", "...", "d"]), "a\nb\nc\nd\n"));
    assert!(matches(&shown(&["a  "]), "a\n"));
    assert!(!matches(&shown(&["a", "d"]), "a\nb\nd\n"));
    assert!(!matches(&shown(&["a"]), "a\nb\n"));
    assert!(!matches(&shown(&["a", "..."]), "b\n"));
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown page's headings.
fn anchors(page: &Path) -> Vec<String> {
    let text = fs::read_to_string(page).unwrap_or_default();
    let mut in_code = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            found.push(anchor(line.trim_start_matches('#')));
        }
    }
    found
}

/// Whether `target` (a path, maybe with `#anchor`, relative to `from`'s folder) names a
/// file of the repository and, for a page, one of its headings.
fn resolves(from: &Path, target: &str) -> bool {
    let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
    let file = if path.is_empty() {
        from.to_path_buf()
    } else {
        from.parent().unwrap().join(path)
    };
    file.exists() && (fragment.is_empty() || anchors(&file).iter().any(|a| a == fragment))
}

#[test]
fn every_link_of_the_docs_resolves_inside_the_repository() {
    let mut pages = pages();
    for example in fs::read_dir(common::root().join("examples")).unwrap() {
        let readme = example.unwrap().path().join("README.md");
        if readme.exists() {
            pages.push(readme);
        }
    }
    let mut broken = Vec::new();
    let mut links = 0;
    for page in &pages {
        let text = fs::read_to_string(page).unwrap();
        for (at, _) in text.match_indices("](") {
            let target = text[at + 2..].split(')').next().unwrap_or_default();
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            links += 1;
            if !resolves(page, target) {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links that lead nowhere:\n{}",
        broken.join("\n")
    );
    assert!(links > 10, "only {links} links found");
}

/// Every rule's `explain` text cites the method by a section of docs/method.md that
/// exists, so the citation leads somewhere.
#[test]
fn the_rules_cite_sections_of_the_method_that_exist() {
    let method = anchors(&common::root().join("docs/method.md"));
    let output = common::edasmith(&["explain", "--list"]);
    let list = common::text(&output.stdout);
    let mut citing = 0;
    for rule in list
        .lines()
        .filter_map(|line| line.split_whitespace().next())
    {
        let text = common::text(&common::edasmith(&["explain", rule]).stdout);
        for (at, _) in text.match_indices("docs/method.md#") {
            let section: String = text[at + "docs/method.md#".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            citing += 1;
            assert!(
                method.contains(&section),
                "{rule} cites a missing section `{section}`"
            );
        }
    }
    assert!(citing >= 20, "only {citing} citations of the method found");
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(
        anchor(" Domain events, not row changes"),
        "domain-events-not-row-changes"
    );
    assert_eq!(anchor("The `rules:` map"), "the-rules-map");
}
