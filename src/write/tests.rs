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
    // The failure becomes visible, so a renderer can stop early (wait for the thread).
    while !writer.has_failed() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    writer.write("../escaped.txt", "x");
    for i in 50..100 {
        writer.write(format!("ok/{i}.txt"), "x");
    }
    let error = writer.finish().unwrap_err();
    assert!(
        matches!(&error, WriteError::NotAFolder { path, .. } if path.ends_with("first.txt")),
        "{error}"
    );
    assert!(!dir.join("escaped.txt").exists());
    // All or nothing: the files handed over before the failure are not in place either.
    let ok: Vec<_> = fs::read_dir(dir.join("out/ok")).map_or(Vec::new(), |d| d.collect());
    assert!(ok.is_empty(), "{} files written", ok.len());
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
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .chain(fs::read_dir(dir.join("sub")).unwrap())
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}"); // kept.txt and the folder sub
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
    match staged {
        Staged::Unchanged(_) => assert_eq!(status, FileStatus::UpToDate),
        Staged::Pending(pending) => {
            pending.commit().unwrap();
        }
    }
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
    let before: Vec<FileStatus> = writer
        .finish_reporting()
        .unwrap()
        .into_iter()
        .map(|w| w.before)
        .collect();
    assert_eq!(before, [FileStatus::Stale, FileStatus::UpToDate]);
    assert_eq!(fs::read(dir.join("dangling.rs")).unwrap(), b"made");
    assert!(dir.join("folder.rs").is_dir());
}
