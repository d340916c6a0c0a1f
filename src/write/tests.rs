use std::fs;
use std::path::PathBuf;

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
