use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::*;
use FileStatus::{Missing, Stale, UpToDate};

/// The names in a folder, sorted (temporary files too).
fn names(dir: &Path) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    names
}

fn sync_one(out: &OutputDir, path: &str, contents: &str) -> Result<FileStatus, WriteError> {
    Ok(out.sync(&[File::new(path, contents)])?[0])
}

#[test]
fn sync_writes_files_creates_folders_and_says_what_each_was() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("not/yet/../there");
    let out = OutputDir::open(&root).unwrap();
    let files = [File::new("a/b/c.txt", "hello"), File::new("./d.txt", "x")];
    // Planning writes nothing, not even the folder.
    assert_eq!(out.plan(&files).unwrap(), [Missing, Missing]);
    assert!(!tmp.path().join("not").exists());
    assert_eq!(out.sync(&files).unwrap(), [Missing, Missing]);
    let root = tmp.path().join("not/there");
    assert_eq!(fs::read(root.join("a/b/c.txt")).unwrap(), b"hello");
    let again = [File::new("a/b/c.txt", "again"), files[1].clone()];
    assert_eq!(out.plan(&again).unwrap(), [Stale, UpToDate]);
    assert_eq!(out.sync(&again).unwrap(), [Stale, UpToDate]);
    assert_eq!(out.read("a/b/c.txt").unwrap(), b"again");
    // No temporary file is left behind.
    assert_eq!(names(&root.join("a/b")), ["c.txt"]);
    assert_eq!(names(&root), ["a", "d.txt"]);
    out.remove("a/b/c.txt").unwrap();
    assert_eq!(out.plan(&again).unwrap(), [Missing, UpToDate]);
}

#[test]
fn refuses_parent_dir_absolute_and_empty_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let out = OutputDir::create(tmp.path()).unwrap();
    let absolute = &*tmp.path().join("abs.txt").to_string_lossy().into_owned();
    let (parent, empty) = ("may not contain `..`", "empty output path");
    let cases = [
        ("../x.txt", parent),
        ("a/../../x.txt", parent),
        ("", empty),
        (".", empty),
    ];
    for (bad, expected) in [(absolute, "must be relative")].into_iter().chain(cases) {
        let error = sync_one(&out, bad, "").unwrap_err();
        assert!(error.to_string().contains(expected), "{bad}: {error}");
        // Comparing, reading, listing and removing are confined the same way.
        assert!(out.plan(&[File::new(bad, "x")]).is_err(), "{bad}");
        assert!(out.read(bad).is_err(), "{bad}");
        assert!(out.remove(bad).is_err(), "{bad}");
        assert!(out.files_under(bad, |_| true).is_err(), "{bad}");
    }
    assert!(names(tmp.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn refuses_symlinks_that_point_outside() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let (outside, root) = (tmp.path().join("outside"), tmp.path().join("root"));
    fs::create_dir_all(outside.join("sub")).unwrap();
    fs::write(outside.join("f.txt"), b"secret").unwrap();
    fs::create_dir_all(root.join("inner")).unwrap();
    symlink(&outside, root.join("link")).unwrap();
    symlink(outside.join("f.txt"), root.join("file-link")).unwrap();
    symlink(root.join("inner"), root.join("inside-link")).unwrap();
    let out = OutputDir::create(&root).unwrap();

    for escaping in ["link/x.txt", "file-link", "link/sub/y.txt"] {
        let error = sync_one(&out, escaping, "no").unwrap_err();
        assert!(matches!(error, WriteError::Escapes { .. }), "{error}");
    }
    // Nothing outside is read, compared, listed or removed either.
    for escapes in [
        out.read("file-link").map(drop),
        out.read("link/f.txt").map(drop),
        out.plan(&[File::new("link/f.txt", "secret")]).map(drop),
        out.remove("link/f.txt"),
        out.files_under("link", |_| true).map(drop),
    ] {
        assert!(matches!(escapes, Err(WriteError::Escapes { .. })));
    }
    assert_eq!(names(&outside), ["f.txt", "sub"]);
    assert_eq!(fs::read(outside.join("f.txt")).unwrap(), b"secret");

    // A link that stays inside the folder is fine.
    sync_one(&out, "inside-link/y.txt", "ok").unwrap();
    assert_eq!(fs::read(root.join("inner/y.txt")).unwrap(), b"ok");
    assert_eq!(out.read("inside-link/y.txt").unwrap(), b"ok");
}

#[test]
fn a_refused_file_anywhere_in_the_list_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = OutputDir::create(dir).unwrap();
    sync_one(&out, "file", "x").unwrap();
    fs::create_dir(dir.join("folder.rs")).unwrap();
    for blocked in ["file/y.txt", "folder.rs"] {
        let files = [File::new("first.txt", "1"), File::new("file", "changed")];
        let files = [&files[..], &[File::new(blocked, "2")]].concat();
        let error = out.sync(&files).unwrap_err();
        let said = error.to_string();
        assert!(
            said.contains("not a folder") || said.contains("a folder stands"),
            "{said}"
        );
        assert!(out.plan(&files).is_err());
        assert_eq!(names(dir), ["file", "folder.rs"]);
        assert_eq!(fs::read(dir.join("file")).unwrap(), b"x");
    }
    let error = OutputDir::open(dir.join("file")).unwrap_err();
    assert!(matches!(error, WriteError::NotAFolder { .. }), "{error}");
}

#[test]
fn lists_files_sorted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = OutputDir::create(dir).unwrap();
    let paths = "g/b.rs g/a.rs g/sub/c.rs s/two/x s/one/y s/file".split(' ');
    out.sync(&paths.map(|path| File::new(path, "")).collect::<Vec<_>>())
        .unwrap();
    #[cfg(unix)]
    {
        // Links are neither listed nor followed.
        std::os::unix::fs::symlink(dir.join("g/a.rs"), dir.join("g/link.rs")).unwrap();
        std::os::unix::fs::symlink(dir.join("s/one"), dir.join("s/three")).unwrap();
    }
    let files = ["g/a.rs", "g/b.rs", "g/sub/c.rs"];
    assert_eq!(out.files_under("g", |_| true).unwrap(), files);
    // A link to a folder is not followed: `s/three` adds nothing.
    assert_eq!(
        out.files_under("s", |_| true).unwrap(),
        ["s/file", "s/one/y", "s/two/x"]
    );
    let not_two = out.files_under("s", |folder| folder != "s/two").unwrap();
    assert_eq!(not_two, ["s/file", "s/one/y"]);
    assert!(out.files_under("missing", |_| true).unwrap().is_empty());
}

#[test]
fn leaves_a_file_that_already_holds_the_bytes_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = OutputDir::create(tmp.path()).unwrap();
    let path = tmp.path().join("a/same.txt");
    sync_one(&out, "a/same.txt", "same").unwrap();
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    let file = fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(long_ago).unwrap();
    let mtime = || fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(sync_one(&out, "a/same.txt", "same").unwrap(), UpToDate);
    assert_eq!(mtime(), long_ago, "rewritten although unchanged");
    // Same size, other bytes; then another size: both rewritten.
    assert_eq!(sync_one(&out, "a/same.txt", "diff").unwrap(), Stale);
    assert_eq!(fs::read(&path).unwrap(), b"diff");
    assert_ne!(mtime(), long_ago);
    assert_eq!(sync_one(&out, "a/same.txt", "longer").unwrap(), Stale);
    assert_eq!(fs::read(&path).unwrap(), b"longer");
    // Compared a piece at a time: a difference in a later piece counts too.
    let large = "x".repeat(200_000);
    sync_one(&out, "a/same.txt", &large).unwrap();
    assert_eq!(sync_one(&out, "a/same.txt", &large).unwrap(), UpToDate);
    let changed = format!("{}y", &large[1..]);
    assert_eq!(sync_one(&out, "a/same.txt", &changed).unwrap(), Stale);
}

#[test]
fn create_only_writes_a_missing_file_and_leaves_any_other() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = OutputDir::create(dir).unwrap();
    fs::write(dir.join("theirs.rs"), "edited").unwrap();
    fs::create_dir(dir.join("folder.rs")).unwrap();
    let create = |path: &str| File {
        policy: Policy::CreateOnly,
        ..File::new(path, "made")
    };
    let files = ["theirs.rs", "folder.rs", "new/one.rs"].map(create);
    assert_eq!(out.sync(&files).unwrap(), [UpToDate, UpToDate, Missing]);
    assert_eq!(fs::read(dir.join("theirs.rs")).unwrap(), b"edited");
    assert!(dir.join("folder.rs").is_dir());
    assert_eq!(fs::read(dir.join("new/one.rs")).unwrap(), b"made");
}

/// Anything but a regular file is replaced, never written through or read (a fifo blocks).
#[cfg(unix)]
#[test]
fn a_link_to_nothing_or_a_fifo_is_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling.rs")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(dir.join("f.rs"))
        .status();
    assert!(fifo.unwrap().success());
    let out = OutputDir::create(dir).unwrap();
    let dangling = File {
        policy: Policy::CreateOnly,
        ..File::new("dangling.rs", "made")
    };
    let files = [dangling, File::new("f.rs", "text")];
    assert_eq!(out.sync(&files).unwrap(), [Stale, Stale]);
    assert_eq!(fs::read(dir.join("dangling.rs")).unwrap(), b"made");
    assert_eq!(fs::read(dir.join("f.rs")).unwrap(), b"text");
    assert_eq!(names(dir), ["dangling.rs", "f.rs"]);
}

#[test]
fn write_atomic_replaces_the_file_whole_as_an_ordinary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("plain"), "x").unwrap();
    fs::write(dir.join("out.mmd"), "old, and longer than the new text").unwrap();
    write_atomic(&dir.join("out.mmd"), b"new").unwrap();
    assert_eq!(fs::read(dir.join("out.mmd")).unwrap(), b"new");
    assert_eq!(names(dir), ["out.mmd", "plain"]);
    let error = write_atomic(&dir.join("missing/out.mmd"), b"x").unwrap_err();
    assert!(matches!(error, WriteError::Io { .. }), "{error}");
    #[cfg(unix)]
    {
        // Readable as the umask allows, not private as a temporary file.
        use std::os::unix::fs::PermissionsExt;
        let mode = |name: &str| fs::metadata(dir.join(name)).unwrap().permissions().mode();
        assert_eq!(mode("out.mmd"), mode("plain"));
    }
}
