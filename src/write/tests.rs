use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::*;

/// A fresh empty folder under the system temp dir (no tempfile crate needed).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edasmith-write-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn writes_files_and_creates_folders() {
    let dir = scratch("writes");
    let out = OutputDir::create(dir.join("out")).unwrap();
    let path = out.write("a/b/c.txt", b"hello").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"hello");
    out.write("a/b/c.txt", b"again").unwrap();
    assert_eq!(fs::read(dir.join("out/a/b/c.txt")).unwrap(), b"again");
    out.write("./d.txt", b"x").unwrap();
    // No temporary file is left behind.
    let names: Vec<_> = fs::read_dir(dir.join("out/a/b"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["c.txt"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refuses_parent_dir_absolute_and_empty_paths() {
    let dir = scratch("escapes");
    let out = OutputDir::create(&dir).unwrap();
    assert!(matches!(
        out.write("../x.txt", b""),
        Err(WriteError::ParentDir { .. })
    ));
    assert!(matches!(
        out.write("a/../../x.txt", b""),
        Err(WriteError::ParentDir { .. })
    ));
    let absolute = dir.join("abs.txt");
    assert!(matches!(
        out.write(&absolute, b""),
        Err(WriteError::Absolute { .. })
    ));
    assert!(matches!(out.write("", b""), Err(WriteError::Empty)));
    assert!(matches!(out.write(".", b""), Err(WriteError::Empty)));
    assert!(!absolute.exists());
    // Reading, comparing, listing and removing are confined the same way.
    for bad in ["../x", "/etc/passwd", "a/../../x", ""] {
        assert!(out.read(bad).is_err(), "{bad}");
        assert!(out.status(bad, b"x").is_err(), "{bad}");
        assert!(out.exists(bad).is_err(), "{bad}");
        assert!(out.remove(bad).is_err(), "{bad}");
        assert!(out.files_under(bad).is_err(), "{bad}");
        assert!(out.dirs_under(bad).is_err(), "{bad}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn refuses_symlinks_that_point_outside() {
    let dir = scratch("symlinks");
    let outside = dir.join("outside");
    fs::create_dir_all(outside.join("sub")).unwrap();
    fs::write(outside.join("f.txt"), b"secret").unwrap();
    let root = dir.join("root");
    fs::create_dir_all(root.join("inner")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.join("f.txt"), root.join("file-link")).unwrap();
    std::os::unix::fs::symlink(root.join("inner"), root.join("inside-link")).unwrap();
    let out = OutputDir::create(&root).unwrap();

    let error = out.write("link/x.txt", b"no").unwrap_err();
    assert!(matches!(error, WriteError::Escapes { .. }), "{error}");
    assert!(!outside.join("x.txt").exists());

    let error = out.write("file-link", b"no").unwrap_err();
    assert!(matches!(error, WriteError::Escapes { .. }), "{error}");
    assert_eq!(fs::read(outside.join("f.txt")).unwrap(), b"secret");

    // Nothing outside is read, compared, listed or removed either.
    for escapes in [
        out.read("file-link").map(drop),
        out.read("link/f.txt").map(drop),
        out.status("link/f.txt", b"secret").map(drop),
        out.exists("link/f.txt").map(drop),
        out.remove("link/f.txt"),
        out.files_under("link").map(drop),
        out.dirs_under("link").map(drop),
    ] {
        assert!(matches!(escapes, Err(WriteError::Escapes { .. })));
    }
    assert!(outside.join("f.txt").exists());

    // A link that stays inside the folder is fine.
    out.write("inside-link/y.txt", b"ok").unwrap();
    assert_eq!(fs::read(root.join("inner/y.txt")).unwrap(), b"ok");
    assert_eq!(out.read("inside-link/y.txt").unwrap(), b"ok");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refuses_a_file_where_a_folder_is_needed() {
    let dir = scratch("blocked");
    let out = OutputDir::create(&dir).unwrap();
    out.write("file", b"x").unwrap();
    assert!(matches!(
        out.write("file/y.txt", b""),
        Err(WriteError::NotAFolder { .. })
    ));
    assert!(matches!(
        OutputDir::open(dir.join("file")),
        Err(WriteError::NotAFolder { .. })
    ));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn open_creates_nothing_until_the_first_write() {
    let dir = scratch("open");
    let root = dir.join("not/yet/../there");
    let out = OutputDir::open(&root).unwrap();
    assert_eq!(out.status("a/b.rs", b"x").unwrap(), FileStatus::Missing);
    assert!(!out.exists("a/b.rs").unwrap());
    assert!(out.files_under("a").unwrap().is_empty());
    assert!(out.dirs_under("a").unwrap().is_empty());
    assert!(!dir.join("not").exists());

    out.write("a/b.rs", b"x").unwrap();
    assert_eq!(fs::read(dir.join("not/there/a/b.rs")).unwrap(), b"x");
    assert_eq!(out.status("a/b.rs", b"x").unwrap(), FileStatus::UpToDate);
    assert_eq!(out.status("a/b.rs", b"y").unwrap(), FileStatus::Stale);
    assert!(out.exists("a/b.rs").unwrap());
    let leftovers: Vec<_> = fs::read_dir(out.root().join("a")).unwrap().collect();
    assert_eq!(leftovers.len(), 1);
    out.remove("a/b.rs").unwrap();
    assert_eq!(out.status("a/b.rs", b"x").unwrap(), FileStatus::Missing);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lists_files_and_folders_sorted() {
    let dir = scratch("list");
    let out = OutputDir::create(&dir).unwrap();
    for path in [
        "g/b.rs",
        "g/a.rs",
        "g/sub/c.rs",
        "s/two/x",
        "s/one/y",
        "s/file",
    ] {
        out.write(path, b"").unwrap();
    }
    assert_eq!(
        out.files_under("g").unwrap(),
        ["g/a.rs", "g/b.rs", "g/sub/c.rs"]
    );
    assert_eq!(out.dirs_under("s").unwrap(), ["s/one", "s/two"]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("g/a.rs"), dir.join("g/link.rs")).unwrap();
        std::os::unix::fs::symlink(dir.join("s/one"), dir.join("s/three")).unwrap();
        assert_eq!(
            out.files_under("g").unwrap(),
            ["g/a.rs", "g/b.rs", "g/sub/c.rs"]
        );
        assert_eq!(out.dirs_under("s").unwrap(), ["s/one", "s/two"]);
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn leaves_a_file_that_already_holds_the_bytes_untouched() {
    let dir = scratch("unchanged");
    let out = OutputDir::create(&dir).unwrap();
    let path = out.write("a/same.txt", b"same").unwrap();
    let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    let set_mtime = |time| {
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(time)
            .unwrap()
    };
    let mtime = || fs::metadata(&path).unwrap().modified().unwrap();
    set_mtime(long_ago);
    out.write("a/same.txt", b"same").unwrap();
    assert_eq!(mtime(), long_ago, "rewritten although unchanged");
    // Same size, other bytes; then another size: both rewritten.
    out.write("a/same.txt", b"diff").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"diff");
    assert_ne!(mtime(), long_ago);
    out.write("a/same.txt", b"longer").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"longer");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn recreates_a_remembered_folder_that_was_removed() {
    let dir = scratch("removed");
    let out = OutputDir::create(&dir).unwrap();
    out.write("a/b/one.txt", b"1").unwrap();
    fs::remove_dir_all(dir.join("a")).unwrap();
    out.write("a/b/two.txt", b"2").unwrap();
    assert_eq!(fs::read(dir.join("a/b/two.txt")).unwrap(), b"2");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn batch_writes_every_file_and_lists_them_in_the_order_handed_over() {
    let dir = scratch("batch");
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    let names: Vec<String> = (0..300).map(|i| format!("d{}/f{i}.txt", i % 7)).collect();
    for (i, name) in names.iter().enumerate() {
        writer.write(name, i.to_string());
    }
    let written = writer.finish().unwrap();
    let expected: Vec<PathBuf> = names.iter().map(|name| out.root().join(name)).collect();
    assert_eq!(written, expected);
    for (i, path) in expected.iter().enumerate() {
        assert_eq!(fs::read_to_string(path).unwrap(), i.to_string());
    }
    // No temporary file is left behind.
    let files: usize = (0..7)
        .map(|d| fs::read_dir(dir.join(format!("d{d}"))).unwrap().count())
        .sum();
    assert_eq!(files, 300);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn batch_reports_the_earliest_failure_and_escapes_nothing() {
    let dir = scratch("batch-fail");
    let out = OutputDir::create(dir.join("out")).unwrap();
    fs::write(dir.join("out/blocker"), b"a file, not a folder").unwrap();
    let mut writer = BatchWriter::new(&out);
    for i in 0..50 {
        writer.write(format!("ok/{i}.txt"), "x");
    }
    writer.write("blocker/first.txt", "x");
    // The failure becomes visible, so a renderer can stop early: files go to the threads
    // in batches, so it goes on handing some over until it sees it.
    let mut more = 50;
    while !writer.has_failed() {
        assert!(more < 10_000, "the failure never became visible");
        writer.write(format!("ok/{more}.txt"), "x");
        more += 1;
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    writer.write("../escaped.txt", "x");
    for i in more..more + 50 {
        writer.write(format!("ok/{i}.txt"), "x");
    }
    let error = writer.finish().unwrap_err();
    assert!(
        matches!(&error, WriteError::NotAFolder { path, .. } if path.ends_with("first.txt")),
        "{error}"
    );
    assert!(!dir.join("escaped.txt").exists());
    // All or nothing: the files handed over before the failure are not in place either,
    // and the new folder they were written into is gone, staging folder and all.
    let ok: Vec<_> = fs::read_dir(dir.join("out/ok")).map_or(Vec::new(), |d| d.collect());
    assert!(ok.is_empty(), "{} files written", ok.len());
    assert_eq!(names(&dir.join("out")), ["blocker"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_dropped_batch_puts_nothing_in_place_and_leaves_no_temporary_file() {
    let dir = scratch("batch-drop");
    let out = OutputDir::create(&dir).unwrap();
    out.write("kept.txt", b"old").unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.write("kept.txt", "new");
    writer.write("sub/new.txt", "new");
    drop(writer);
    assert_eq!(fs::read(dir.join("kept.txt")).unwrap(), b"old");
    assert!(!dir.join("sub/new.txt").exists());
    // The files still queued are skipped: `sub` may not even have been made.
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .chain(fs::read_dir(dir.join("sub")).into_iter().flatten())
        .map(|e| e.unwrap().file_name())
        .filter(|name| name != "sub")
        .collect();
    assert_eq!(leftovers, ["kept.txt"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Stages `new` by streaming it in `chunk`-sized writes over whatever `old` left on
/// disk, commits it, and returns the status the stage reported.
fn stream_over(dir: &Path, old: Option<&[u8]>, new: &[u8], chunk: usize) -> FileStatus {
    let out = OutputDir::create(dir).unwrap();
    if let Some(old) = old {
        fs::write(dir.join("f.rs"), old).unwrap();
    }
    let (status, staged) = out
        .stage_streamed("f.rs", |w: &mut dyn Write| {
            for piece in new.chunks(chunk.max(1)) {
                w.write_all(piece).map_err(|source| WriteError::Io {
                    path: PathBuf::from("f.rs"),
                    source,
                })?;
            }
            Ok::<(), WriteError>(())
        })
        .unwrap();
    if let Staged::Unchanged(_) = staged {
        assert_eq!(status, FileStatus::UpToDate);
    }
    staged.commit().unwrap();
    status
}

/// The names in a folder, sorted (temporary files included).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn streamed_file_is_staged_whatever_stood_there_before() {
    let dir = scratch("stream-cases");
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let mut changed_late = big.clone();
    changed_late[250_000] ^= 1;
    // (case, what stood there, what is written, the status expected)
    type Case<'a> = (&'a str, Option<&'a [u8]>, &'a [u8], FileStatus);
    let cases: [Case; 6] = [
        ("missing", None, &big, FileStatus::Missing),
        ("equal", Some(&big), &big, FileStatus::UpToDate),
        (
            "differs past the buffer",
            Some(&big),
            &changed_late,
            FileStatus::Stale,
        ),
        (
            "new is shorter",
            Some(&big),
            &big[..200_000],
            FileStatus::Stale,
        ),
        ("new is longer", Some(&big[..100]), &big, FileStatus::Stale),
        ("new is empty", Some(b"x"), b"", FileStatus::Stale),
    ];
    for (case, old, new, expected) in cases {
        let _ = fs::remove_dir_all(&dir);
        let status = stream_over(&dir, old, new, 7_000);
        assert_eq!(status, expected, "{case}");
        assert_eq!(fs::read(dir.join("f.rs")).unwrap(), new, "{case}");
        assert_eq!(names(&dir), ["f.rs"], "{case}: no temporary file left");
    }
}

#[test]
fn streamed_equal_file_keeps_its_modification_time() {
    let dir = scratch("stream-mtime");
    fs::write(dir.join("f.rs"), b"same bytes").unwrap();
    let before = fs::metadata(dir.join("f.rs")).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(
        stream_over(&dir, None, b"same bytes", 3),
        FileStatus::UpToDate
    );
    let after = fs::metadata(dir.join("f.rs")).unwrap().modified().unwrap();
    assert_eq!(before, after);
}

#[test]
fn streamed_file_that_fails_half_way_leaves_the_old_file_and_no_temporary() {
    let dir = scratch("stream-fail");
    let out = OutputDir::create(&dir).unwrap();
    fs::write(dir.join("f.rs"), b"old").unwrap();
    let result = out.stage_streamed("f.rs", |w: &mut dyn Write| {
        w.write_all(b"new and longer than a buffer? no, but it differs")
            .unwrap();
        Err::<(), WriteError>(WriteError::Empty)
    });
    assert!(matches!(result, Err(WriteError::Empty)));
    assert_eq!(fs::read(dir.join("f.rs")).unwrap(), b"old");
    assert_eq!(names(&dir), ["f.rs"]);
}

#[test]
fn streamed_status_compares_without_writing() {
    let dir = scratch("stream-status");
    let out = OutputDir::open(dir.join("out")).unwrap();
    let fill = |text: &'static [u8]| {
        move |w: &mut dyn Write| {
            w.write_all(text).map_err(|source| WriteError::Io {
                path: PathBuf::new(),
                source,
            })
        }
    };
    assert_eq!(
        out.status_streamed("a/b.rs", fill(b"x")).unwrap(),
        FileStatus::Missing
    );
    assert!(!dir.join("out").exists(), "comparing creates no folder");
    fs::create_dir_all(dir.join("out/a")).unwrap();
    fs::write(dir.join("out/a/b.rs"), b"old").unwrap();
    assert_eq!(
        out.status_streamed("a/b.rs", fill(b"old")).unwrap(),
        FileStatus::UpToDate
    );
    assert_eq!(
        out.status_streamed("a/b.rs", fill(b"new")).unwrap(),
        FileStatus::Stale
    );
    assert_eq!(fs::read(dir.join("out/a/b.rs")).unwrap(), b"old");
    assert_eq!(names(&dir.join("out/a")), ["b.rs"]);
}

#[test]
fn streamed_file_refuses_a_folder_in_its_place() {
    let dir = scratch("stream-folder");
    let out = OutputDir::create(&dir).unwrap();
    fs::create_dir_all(dir.join("f.rs")).unwrap();
    let result = out.stage_streamed("f.rs", |_: &mut dyn Write| Ok::<(), WriteError>(()));
    assert!(matches!(result, Err(WriteError::NotAFolder { .. })));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Whatever stood there and however the producer splits its writes, the file ends
    /// up holding exactly the new bytes, and the status says how it compared.
    #[test]
    fn streamed_file_ends_up_holding_the_new_bytes(
        old in proptest::option::of(proptest::collection::vec(0u8..4, 0..200_000)),
        new in proptest::collection::vec(0u8..4, 0..200_000),
        chunk in 1usize..100_000,
    ) {
        let dir = scratch("stream-prop");
        let status = stream_over(&dir, old.as_deref(), &new, chunk);
        let expected = match &old {
            None => FileStatus::Missing,
            Some(old) if *old == new => FileStatus::UpToDate,
            Some(_) => FileStatus::Stale,
        };
        proptest::prop_assert_eq!(status, expected);
        proptest::prop_assert_eq!(fs::read(dir.join("f.rs")).unwrap(), new);
        proptest::prop_assert_eq!(names(&dir), vec!["f.rs".to_owned()]);
    }
}

#[test]
fn batch_reports_what_each_file_was_and_only_creates_a_file_that_is_missing() {
    let dir = scratch("batch-report");
    fs::write(dir.join("same.txt"), b"same").unwrap();
    fs::write(dir.join("stale.txt"), b"old").unwrap();
    fs::write(dir.join("theirs.txt"), b"edited by the team").unwrap();
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.write("same.txt", "same");
    writer.write("stale.txt", "new");
    writer.write("sub/missing.txt", "fresh");
    writer.create("theirs.txt", "template text");
    writer.create("sub/yours.txt", "template text");
    let before: Vec<(String, FileStatus)> = writer
        .finish_reporting()
        .unwrap()
        .into_iter()
        .map(|w| {
            (
                w.path
                    .strip_prefix(out.root())
                    .unwrap()
                    .display()
                    .to_string(),
                w.before,
            )
        })
        .collect();
    let expected = [
        ("same.txt", FileStatus::UpToDate),
        ("stale.txt", FileStatus::Stale),
        ("sub/missing.txt", FileStatus::Missing),
        ("theirs.txt", FileStatus::UpToDate),
        ("sub/yours.txt", FileStatus::Missing),
    ]
    .map(|(path, status)| (path.to_owned(), status));
    assert_eq!(before, expected);
    assert_eq!(fs::read(dir.join("stale.txt")).unwrap(), b"new");
    assert_eq!(
        fs::read(dir.join("theirs.txt")).unwrap(),
        b"edited by the team"
    );
    assert_eq!(
        fs::read(dir.join("sub/yours.txt")).unwrap(),
        b"template text"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_where_a_streamed_file_goes_is_replaced_without_blocking() {
    let dir = scratch("stream-fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("f.rs"))
        .status()
        .unwrap();
    assert!(made.success());
    assert_eq!(stream_over(&dir, None, b"text", 2), FileStatus::Stale);
    assert_eq!(fs::read(dir.join("f.rs")).unwrap(), b"text");
}

#[cfg(unix)]
#[test]
fn create_only_replaces_a_link_to_nothing_and_leaves_a_folder_alone() {
    let dir = scratch("create-only-odd");
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling.rs")).unwrap();
    fs::create_dir(dir.join("folder.rs")).unwrap();
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.create("dangling.rs", "made");
    writer.create("folder.rs", "made");
    assert_eq!(statuses(writer), [FileStatus::Stale, FileStatus::UpToDate]);
    assert_eq!(fs::read(dir.join("dangling.rs")).unwrap(), b"made");
    assert!(dir.join("folder.rs").is_dir());
}

/// What each file handed to `writer` was before, once it finished.
fn statuses(writer: BatchWriter) -> Vec<FileStatus> {
    let written = writer.finish_reporting().unwrap();
    written.into_iter().map(|w| w.before).collect()
}

/// Both ways of putting a new file in place; [`Strategy::Link`] falls back to the other
/// where the system cannot, so both must keep every promise.
const STRATEGIES: [Strategy; 2] = [Strategy::Link, Strategy::Rename];

/// Whether this system links new files (Linux with `O_TMPFILE` on the test folder).
#[cfg(target_os = "linux")]
fn links_here(dir: &Path) -> bool {
    let out = OutputDir::create(dir.join("probe")).unwrap();
    let (_, staged) = out.stage_as("probe.txt", b"x", Policy::Replace).unwrap();
    matches!(staged, Staged::Created(_))
}

#[cfg(target_os = "linux")]
#[test]
fn a_new_file_is_linked_whole_at_once_and_leaves_no_temporary_file() {
    let dir = scratch("link-new");
    assert!(links_here(&dir), "O_TMPFILE is expected on the test folder");
    let out = OutputDir::create(dir.join("out")).unwrap();
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let (status, staged) = out.stage_as("a/new.bin", &bytes, Policy::Replace).unwrap();
    assert_eq!(status, FileStatus::Missing);
    assert!(matches!(staged, Staged::Created(_)), "{staged:?}");
    // In place before the commit, whole, and the only name in its folder.
    assert_eq!(fs::read(dir.join("out/a/new.bin")).unwrap(), bytes);
    assert_eq!(names(&dir.join("out/a")), ["new.bin"]);
    staged.commit().unwrap();
    assert_eq!(fs::read(dir.join("out/a/new.bin")).unwrap(), bytes);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_rename_strategy_puts_a_new_file_in_place_only_on_commit() {
    let dir = scratch("rename-new");
    let out = OutputDir::create(&dir)
        .unwrap()
        .with_strategy(Strategy::Rename);
    let (status, staged) = out.stage_as("a/new.txt", b"new", Policy::Replace).unwrap();
    assert_eq!(status, FileStatus::Missing);
    assert!(matches!(staged, Staged::Pending(_)), "{staged:?}");
    assert!(!dir.join("a/new.txt").exists());
    staged.commit().unwrap();
    assert_eq!(fs::read(dir.join("a/new.txt")).unwrap(), b"new");
    assert_eq!(names(&dir.join("a")), ["new.txt"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_dropped_batch_removes_the_files_it_created_and_restores_nothing_else() {
    for strategy in STRATEGIES {
        let dir = scratch("batch-rollback");
        fs::create_dir_all(dir.join("old")).unwrap();
        fs::write(dir.join("old/stale.txt"), b"old").unwrap();
        fs::write(dir.join("old/same.txt"), b"same").unwrap();
        fs::write(dir.join("old/theirs.txt"), b"theirs").unwrap();
        let out = OutputDir::create(&dir).unwrap().with_strategy(strategy);
        let mut writer = BatchWriter::new(&out);
        writer.write("old/stale.txt", "new");
        writer.write("old/same.txt", "same");
        writer.create("old/theirs.txt", "template");
        writer.write("old/added.txt", "added");
        for i in 0..100 {
            writer.write(format!("new/{i}.txt"), i.to_string());
        }
        drop(writer);
        assert_eq!(
            names(&dir.join("old")),
            ["same.txt", "stale.txt", "theirs.txt"],
            "{strategy:?}"
        );
        assert_eq!(fs::read(dir.join("old/stale.txt")).unwrap(), b"old");
        assert_eq!(fs::read(dir.join("old/theirs.txt")).unwrap(), b"theirs");
        let left: Vec<String> =
            fs::read_dir(dir.join("new")).map_or(Vec::new(), |_| names(&dir.join("new")));
        assert!(left.is_empty(), "{strategy:?}: {left:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_file_that_appears_after_the_check_is_not_overwritten_before_commit() {
    for strategy in STRATEGIES {
        let dir = scratch("newcomer");
        let out = OutputDir::create(&dir).unwrap().with_strategy(strategy);
        // `sub` is made by this OutputDir: with linking, files in it are not looked at
        // before they are written, so a file put there behind its back stands for one
        // that appears between the check and the link.
        out.write("sub/ours.txt", b"ours").unwrap();
        fs::write(dir.join("sub/theirs.txt"), b"theirs").unwrap();
        fs::write(dir.join("sub/stale.txt"), b"someone else's").unwrap();
        fs::write(dir.join("sub/same.txt"), b"same").unwrap();

        let (status, staged) = out
            .stage_as("sub/theirs.txt", b"template", Policy::CreateOnly)
            .unwrap();
        assert_eq!(status, FileStatus::UpToDate, "{strategy:?}");
        staged.commit().unwrap();
        assert_eq!(fs::read(dir.join("sub/theirs.txt")).unwrap(), b"theirs");

        let (status, staged) = out
            .stage_as("sub/stale.txt", b"generated", Policy::Replace)
            .unwrap();
        assert_eq!(status, FileStatus::Stale, "{strategy:?}");
        assert_eq!(
            fs::read(dir.join("sub/stale.txt")).unwrap(),
            b"someone else's",
            "{strategy:?}: replaced before the commit"
        );
        staged.commit().unwrap();
        assert_eq!(fs::read(dir.join("sub/stale.txt")).unwrap(), b"generated");

        let (status, _) = out
            .stage_as("sub/same.txt", b"same", Policy::Replace)
            .unwrap();
        assert_eq!(status, FileStatus::UpToDate, "{strategy:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_rollback_leaves_a_file_someone_else_put_under_the_name_since() {
    let dir = scratch("rollback-theirs");
    let out = OutputDir::create(&dir).unwrap();
    // Replaced the way tools write a file: a new file renamed over ours.
    let (_, staged) = out
        .stage_as("renamed.txt", b"ours", Policy::Replace)
        .unwrap();
    fs::write(dir.join("theirs.tmp"), b"theirs").unwrap();
    fs::rename(dir.join("theirs.tmp"), dir.join("renamed.txt")).unwrap();
    drop(staged);
    assert_eq!(fs::read(dir.join("renamed.txt")).unwrap(), b"theirs");
    // Removed, then written anew (the file system may give the new file our inode), or
    // written over in place: told apart by the change time, so a clock tick later.
    for replace in [
        |path: &Path| {
            let _ = fs::remove_file(path);
            fs::write(path, b"theirs").unwrap();
        },
        |path: &Path| fs::write(path, b"theirs").unwrap(),
    ] {
        let (_, staged) = out.stage_as("f.txt", b"ours", Policy::Replace).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        replace(&dir.join("f.txt"));
        drop(staged);
        assert_eq!(fs::read(dir.join("f.txt")).unwrap(), b"theirs");
        fs::remove_file(dir.join("f.txt")).unwrap();
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn create_only_never_overwrites_whatever_the_strategy() {
    for strategy in STRATEGIES {
        let dir = scratch("create-only");
        fs::write(dir.join("theirs.rs"), b"edited").unwrap();
        let out = OutputDir::create(&dir).unwrap().with_strategy(strategy);
        let mut writer = BatchWriter::new(&out);
        writer.create("theirs.rs", "template");
        writer.create("a/b/missing.rs", "template");
        assert_eq!(
            statuses(writer),
            [FileStatus::UpToDate, FileStatus::Missing]
        );
        assert_eq!(fs::read(dir.join("theirs.rs")).unwrap(), b"edited");
        assert_eq!(fs::read(dir.join("a/b/missing.rs")).unwrap(), b"template");
        fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_batch_into_folders_it_makes_writes_and_reports_like_one_into_old_folders() {
    // The same files twice per strategy: first into folders the writer makes (built
    // out of sight, `hidden.rs`), then over them (every file looked at).
    for strategy in STRATEGIES {
        let dir = scratch("fresh-folders");
        let files: Vec<(String, String)> = (0..200)
            .map(|i| (format!("s{}/src/gen/f{i}.rs", i % 9), format!("// {i}\n")))
            .collect();
        for (run, expected) in [(0, FileStatus::Missing), (1, FileStatus::UpToDate)] {
            let out = OutputDir::open(dir.join("out"))
                .unwrap()
                .with_strategy(strategy);
            let mut writer = BatchWriter::new(&out);
            for (path, text) in &files {
                writer.write(path, text.clone());
            }
            assert!(
                statuses(writer).iter().all(|before| *before == expected),
                "{strategy:?} run {run}"
            );
            for (path, text) in &files {
                assert_eq!(
                    fs::read_to_string(dir.join("out").join(path)).unwrap(),
                    *text
                );
            }
        }
        let count: usize = (0..9)
            .map(|s| names(&dir.join(format!("out/s{s}/src/gen"))).len())
            .sum();
        assert_eq!(count, files.len(), "{strategy:?}: no temporary file left");
        fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn only_the_errors_that_say_unnamed_files_cannot_be_made_fall_back_to_renaming() {
    for errno in [libc::EOPNOTSUPP, libc::EISDIR, libc::EINVAL] {
        assert!(link::unsupported(&std::io::Error::from_raw_os_error(errno)));
    }
    for errno in [libc::ENOENT, libc::EACCES, libc::ENOSPC, libc::EEXIST] {
        assert!(!link::unsupported(&std::io::Error::from_raw_os_error(
            errno
        )));
    }
}

/// The staging folders of new folders at the root `dir` (`.edasmith-new.<process>.<k>`).
fn staging_in(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|name| name.starts_with(".edasmith-new."))
        .collect()
}

/// Writes `path` from a reader: sent to the threads at once, with the files queued.
fn write_now(writer: &mut BatchWriter, path: &str, text: &str) {
    writer.write_from(path, std::io::Cursor::new(text.as_bytes().to_vec()));
}

#[test]
fn a_batch_builds_new_folders_out_of_sight_and_reveals_each_whole_when_it_finishes() {
    let dir = scratch("hidden-reveal");
    fs::create_dir_all(dir.join("old")).unwrap();
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.write("old/a.txt", "a");
    for i in 0..30 {
        writer.write(format!("new/s{}/src/f{i}.rs", i % 3), i.to_string());
    }
    writer.create("new/s0/src/lib.rs", "theirs from now on");
    let streamed = writer.stream("new/big.txt", |w: &mut dyn Write| {
        w.write_all(&[b'x'; 300_000])
            .map_err(|source| WriteError::Io {
                path: PathBuf::from("new/big.txt"),
                source,
            })
    });
    assert_eq!(streamed.unwrap(), FileStatus::Missing);
    // Nothing of the new tree shows before the batch finishes: it is built in one
    // staging folder at the root.
    assert!(!dir.join("new").exists());
    let staging = staging_in(&dir);
    assert_eq!(staging.len(), 1, "{staging:?}");
    assert_eq!(names(&dir.join(&staging[0])), ["0"]);
    let written = writer.finish_reporting().unwrap();
    assert_eq!(written.len(), 33);
    assert!(written.iter().all(|w| w.before == FileStatus::Missing));
    assert_eq!(written[1].path, out.root().join("new/s0/src/f0.rs"));
    assert_eq!(names(&dir), ["new", "old"]);
    assert_eq!(names(&dir.join("new")), ["big.txt", "s0", "s1", "s2"]);
    assert_eq!(names(&dir.join("new/s0/src")).len(), 11);
    assert_eq!(
        fs::read_to_string(dir.join("new/s2/src/f29.rs")).unwrap(),
        "29"
    );
    assert_eq!(fs::read(dir.join("new/big.txt")).unwrap().len(), 300_000);
    assert_eq!(fs::read_to_string(dir.join("old/a.txt")).unwrap(), "a");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_dropped_batch_removes_its_new_folders_and_everything_in_them() {
    let dir = scratch("hidden-drop");
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    for i in 0..100 {
        writer.write(format!("a/{i}/f.txt"), "x");
        writer.write(format!("b/f{i}.txt"), "x");
    }
    writer
        .stream("c/f.txt", |w: &mut dyn Write| {
            w.write_all(b"streamed").map_err(|source| WriteError::Io {
                path: PathBuf::from("c/f.txt"),
                source,
            })
        })
        .unwrap();
    write_now(&mut writer, "d/f.txt", "read");
    drop(writer);
    assert!(names(&dir).is_empty(), "{:?}", names(&dir));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_folder_made_under_the_name_meanwhile_is_not_replaced_and_the_batch_changes_nothing() {
    let dir = scratch("hidden-taken");
    let out = OutputDir::create(&dir).unwrap();
    out.write("old/kept.txt", b"old").unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.write("old/kept.txt", "new");
    writer.write("old/added.txt", "added");
    writer.write("taken/ours.txt", "ours");
    writer.write("free/ours.txt", "ours");
    write_now(&mut writer, "zz/f.txt", "z");
    let waited = std::time::Instant::now();
    let built = || {
        staging_in(&dir)
            .first()
            .map_or(0, |staging| names(&dir.join(staging)).len())
    };
    while built() < 3 {
        assert!(waited.elapsed().as_secs() < 10, "{:?}", names(&dir));
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    // Another process makes `taken` and writes into it while the batch runs.
    fs::create_dir(dir.join("taken")).unwrap();
    fs::write(dir.join("taken/theirs.txt"), "theirs").unwrap();
    let error = writer.finish().unwrap_err();
    assert!(
        matches!(&error, WriteError::Io { path, .. } if path.ends_with("taken")),
        "{error}"
    );
    // Theirs stands, and the batch failed as a whole: `free`, revealed before `taken`
    // in path order, was put back; the file created in `old` was removed again.
    assert_eq!(names(&dir.join("taken")), ["theirs.txt"]);
    assert_eq!(names(&dir), ["old", "taken"]);
    assert_eq!(names(&dir.join("old")), ["kept.txt"]);
    assert_eq!(fs::read_to_string(dir.join("old/kept.txt")).unwrap(), "old");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn more_new_folders_than_are_remembered_still_make_one_tree() {
    // Past `REMEMBERED` resolved folders the cache is cleared: a new folder must still
    // be found where it is built, not made a second time.
    let dir = scratch("hidden-many");
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    let folders = path::REMEMBERED + 500;
    for i in 0..folders {
        writer.write(format!("many/d{i}/f.txt"), i.to_string());
    }
    writer.write("many/last.txt", "last");
    assert_eq!(writer.finish().unwrap().len(), folders + 1);
    assert_eq!(names(&dir), ["many"]);
    assert_eq!(names(&dir.join("many")).len(), folders + 1);
    assert_eq!(
        fs::read_to_string(dir.join(format!("many/d{}/f.txt", folders - 1))).unwrap(),
        (folders - 1).to_string()
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_path_twice_into_a_new_folder_is_decided_as_over_any_file() {
    let dir = scratch("hidden-twice");
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.write("new/x.txt", "first");
    writer.write("new/x.txt", "second");
    writer.write("new/same.txt", "same");
    writer.write("new/same.txt", "same");
    writer.create("new/theirs.txt", "first");
    writer.create("new/theirs.txt", "second");
    let mut sorted = statuses(writer);
    // Which of two writes of one path comes first depends on the threads.
    sorted.sort_by_key(|status| format!("{status:?}"));
    assert_eq!(
        sorted,
        [
            FileStatus::Missing,
            FileStatus::Missing,
            FileStatus::Missing,
            FileStatus::Stale,
            FileStatus::UpToDate,
            FileStatus::UpToDate
        ]
    );
    assert_eq!(names(&dir), ["new"]);
    assert_eq!(names(&dir.join("new")), ["same.txt", "theirs.txt", "x.txt"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn two_paths_to_one_new_folder_through_a_link_inside_build_it_once() {
    let dir = scratch("hidden-link");
    fs::create_dir_all(dir.join("a")).unwrap();
    fs::create_dir_all(dir.join("b")).unwrap();
    std::os::unix::fs::symlink("../b", dir.join("a/link")).unwrap();
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.write("a/link/new/f.txt", "f");
    writer.write("b/new/g.txt", "g");
    writer.finish().unwrap();
    assert_eq!(names(&dir.join("b/new")), ["f.txt", "g.txt"]);
    assert_eq!(names(&dir), ["a", "b"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Makes `dir/name` as a staging folder a run left, last changed `age` ago.
#[cfg(target_os = "linux")]
fn left_staging(dir: &Path, name: &str, age: std::time::Duration) -> PathBuf {
    let left = dir.join(name);
    fs::create_dir_all(left.join("0/src")).unwrap();
    fs::write(left.join("0/src/lib.rs"), "half").unwrap();
    let then = std::time::SystemTime::now() - age;
    fs::File::open(&left).unwrap().set_modified(then).unwrap();
    left
}

#[cfg(target_os = "linux")]
#[test]
fn a_staging_folder_nobody_holds_is_removed_by_the_next_batch_and_no_other() {
    let dir = scratch("hidden-abandoned");
    let minutes = |m: u64| std::time::Duration::from_secs(60 * m);
    let process = std::process::id();
    // Killed runs' (one with this very process number: numbers are reused), one a live
    // batch holds, one just made, and a folder of the user's with a similar name.
    let killed = left_staging(&dir, ".edasmith-new.4194999.0", minutes(5));
    let reused = left_staging(&dir, &format!(".edasmith-new.{process}.999999"), minutes(5));
    let held = left_staging(&dir, ".edasmith-new.4194998.0", minutes(5));
    let _lock = hidden::lock(&held, true)
        .unwrap()
        .expect("the test holds it");
    left_staging(&dir, ".edasmith-new.4194997.0", std::time::Duration::ZERO);
    left_staging(&dir, ".edasmith-new.notes", minutes(5));
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.write("new/f.txt", "f");
    writer.finish().unwrap();
    assert!(!killed.exists() && !reused.exists());
    assert_eq!(
        names(&dir),
        [
            ".edasmith-new.4194997.0",
            ".edasmith-new.4194998.0",
            ".edasmith-new.notes",
            "new"
        ]
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_staging_name_taken_by_a_run_that_died_is_skipped() {
    let dir = scratch("hidden-taken-name");
    let next = hidden::STAGING_COUNTER.load(std::sync::atomic::Ordering::Relaxed);
    let process = std::process::id();
    let taken: Vec<String> = (next..next + 3)
        .map(|k| format!(".edasmith-new.{process}.{k}"))
        .collect();
    for name in &taken {
        fs::create_dir(dir.join(name)).unwrap();
    }
    let (staging, _lock) = hidden::make_staging(&dir).unwrap();
    let name = staging.file_name().unwrap().to_string_lossy().into_owned();
    assert!(!taken.contains(&name), "{name}");
    assert!(staging.is_dir());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_streamed_file_that_fails_fails_the_batch_even_if_the_caller_goes_on() {
    let dir = scratch("hidden-stream-fails");
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::new(&out);
    writer.write("new/a.txt", "a");
    let failed = writer.stream("new/big.txt", |w: &mut dyn Write| {
        w.write_all(b"half of it").unwrap();
        Err(WriteError::Io {
            path: PathBuf::from("new/big.txt"),
            source: std::io::Error::other("the renderer failed"),
        })
    });
    assert!(failed.is_err());
    writer.write("new/b.txt", "b");
    let error = writer.finish().unwrap_err();
    assert!(error.to_string().contains("new/big.txt"), "{error}");
    assert!(names(&dir).is_empty(), "{:?}", names(&dir));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_writer_for_statuses_puts_every_file_in_place_and_reports_each_in_order() {
    let dir = scratch("for-statuses");
    let out = OutputDir::create(&dir).unwrap();
    // Files that are there already: some as they will be written, some not.
    let status = |n: usize| match (n * n) % 7 {
        0 | 1 => FileStatus::UpToDate,
        2 => FileStatus::Stale,
        _ => FileStatus::Missing,
    };
    let contents = |n: usize| {
        // The first few are large, so their threads finish after the later ones: the
        // statuses must still come in the order handed over.
        let size = if n < 3 { 4_000_000 } else { 10 + n * 1_000 };
        vec![b'a' + (n % 26) as u8; size]
    };
    let path = |n: usize| match n % 3 {
        0 => format!("new/deep/{n}.txt"),
        _ => format!("top-{n}.txt"),
    };
    fs::create_dir(dir.join("new")).unwrap();
    fs::create_dir(dir.join("new/deep")).unwrap();
    for n in 0..80 {
        match status(n) {
            FileStatus::UpToDate => fs::write(dir.join(path(n)), contents(n)).unwrap(),
            FileStatus::Stale => fs::write(dir.join(path(n)), "old").unwrap(),
            _ => {}
        }
    }
    fs::write(dir.join("lonely.txt"), "old").unwrap();
    fs::write(dir.join("streamed.txt"), "old").unwrap();
    fs::write(dir.join("after.txt"), "after").unwrap();
    let mut writer = BatchWriter::for_statuses(&out);
    for n in 0..80 {
        writer.write(path(n), contents(n));
    }
    writer.write("fresh/one.txt", "in a new folder");
    // Streamed on this thread between files queued before and after it.
    let streamed = writer.stream("streamed.txt", |file| {
        file.write_all(b"streamed")
            .map_err(|e| io_error(Path::new("streamed.txt"))(e))
    });
    assert_eq!(streamed.unwrap(), FileStatus::Stale);
    writer.write("after.txt", "after");
    writer.write("lonely.txt", "new");
    let mut expected: Vec<FileStatus> = (0..80).map(status).collect();
    expected.extend([
        FileStatus::Missing,
        FileStatus::Stale,
        FileStatus::UpToDate,
        FileStatus::Stale,
    ]);
    assert_eq!(writer.finish_statuses().unwrap(), expected);
    for n in 0..80 {
        assert_eq!(
            fs::read(dir.join(path(n))).unwrap(),
            contents(n),
            "{}",
            path(n)
        );
    }
    assert_eq!(
        fs::read(dir.join("fresh/one.txt")).unwrap(),
        b"in a new folder"
    );
    assert_eq!(fs::read(dir.join("lonely.txt")).unwrap(), b"new");
    assert_eq!(fs::read(dir.join("streamed.txt")).unwrap(), b"streamed");
    // No staging folder or temporary file is left anywhere.
    let count = |folder: &str| fs::read_dir(dir.join(folder)).unwrap().count();
    let tops = (0..80).filter(|n| n % 3 != 0).count();
    assert_eq!(
        count(""),
        5 + tops,
        "new, fresh, lonely, streamed, after, the tops"
    );
    assert_eq!(count("new/deep"), (0..80).filter(|n| n % 3 == 0).count());
    assert_eq!(count("fresh"), 1);
}

#[test]
fn a_writer_for_statuses_that_fails_puts_nothing_in_place() {
    let dir = scratch("for-statuses-fails");
    fs::write(dir.join("kept.txt"), "old").unwrap();
    fs::write(dir.join("blocker"), "a file, not a folder").unwrap();
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::for_statuses(&out);
    writer.write("kept.txt", "new");
    writer.write("added.txt", "new");
    writer.write("blocker/inside.txt", "cannot be");
    writer.write("fresh/one.txt", "in a new folder");
    assert!(writer.finish_statuses().is_err());
    assert_eq!(fs::read(dir.join("kept.txt")).unwrap(), b"old");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["blocker", "kept.txt"]);
}

#[test]
fn a_writer_for_statuses_asked_for_paths_fails_and_puts_nothing_in_place() {
    let dir = scratch("for-statuses-paths");
    fs::write(dir.join("kept.txt"), "old").unwrap();
    let out = OutputDir::create(&dir).unwrap();
    let mut writer = BatchWriter::for_statuses(&out);
    writer.write("kept.txt", "new");
    writer.write("fresh/one.txt", "in a new folder");
    assert!(writer.finish_reporting().is_err());
    assert_eq!(fs::read(dir.join("kept.txt")).unwrap(), b"old");
    let names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["kept.txt"]);
}
