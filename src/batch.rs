//! Many inputs in one run: finding them, converting them in parallel,
//! writing the results in input order, and reporting what happened.
//!
//! The pieces, in the order a run uses them:
//!
//! * [`discover`] turns the command line's paths (files, folders with
//!   `-r`, `-`, `--files-from`) into an ordered list of [`Input`]s. Folders
//!   are walked in sorted order, so the list is the same on every run.
//! * [`plan_outputs`] names one output per input under `--out-dir`,
//!   mirroring relative paths, and refuses collisions before anything is
//!   written.
//! * [`run_ordered`] converts on `--jobs` threads and hands the results
//!   back strictly in input order, holding at most a bounded window of
//!   finished results in memory: the output bytes never depend on `--jobs`.
//! * [`run`] ties them to the pipeline, the writers, the progress bar, the
//!   summary line and the `--report` file.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock, PoisonError, mpsc};
use std::time::{Duration, Instant};

use clap::ValueEnum;
use globset::{Glob, GlobSet, GlobSetBuilder};
use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use walkdir::WalkDir;

use crate::cli::{EXIT_FAILED, EXIT_OK, escape_for_terminal};
use crate::error::Error;
use crate::input_bytes::{self, InputBytes, Mapping};
use crate::model::{Article, Source};
use crate::pipeline::{self, ConvertOptions};
use crate::readers::InputFormat;
use crate::writers::{OutputFormat, Sink, WriteOptions};

/// One input to convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file, with the folder it is mirrored from under `--out-dir`: the
    /// folder given to `-r` for a file found in it, the file's own parent
    /// for a file named directly.
    File {
        /// The path as named or found (the walked folder joined with the
        /// file's path inside it).
        path: PathBuf,
        /// The folder its output name is relative to.
        base: PathBuf,
    },
}

impl Input {
    /// A file named directly: its output name is relative to its parent.
    pub fn file(path: impl Into<PathBuf>) -> Input {
        let path = path.into();
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Input::File { path, base }
    }

    /// Reads the whole input, refusing more than `limit` bytes; a large
    /// file is mapped instead when `mapping` allows
    /// ([`crate::input_bytes`]).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when it cannot be read (or is a folder),
    /// [`Error::TooLarge`] past the limit.
    pub fn read(&self, limit: u64, mapping: Mapping) -> Result<InputBytes, Error> {
        match self {
            Input::Stdin => input_bytes::read_all(&mut io::stdin().lock(), Vec::new(), limit),
            Input::File { path, .. } => {
                let file = fs::File::open(path)?;
                let metadata = file.metadata()?;
                if metadata.is_dir() {
                    return Err(Error::Io(io::Error::new(
                        io::ErrorKind::IsADirectory,
                        "is a directory (use -r to convert the files in it)",
                    )));
                }
                if metadata.len() > limit {
                    return Err(Error::TooLarge { limit });
                }
                // Pipes and devices have no size to map.
                let mapping = if metadata.is_file() {
                    mapping
                } else {
                    Mapping::Never
                };
                input_bytes::of_file(file, metadata.len(), limit, mapping)
            }
        }
    }

    /// The path recorded in `source.path` (`None` for standard input).
    pub fn source_path(&self) -> Option<String> {
        match self {
            Input::Stdin => None,
            Input::File { path, .. } => Some(path.to_string_lossy().into_owned()),
        }
    }

    /// The name used in messages, safe to print on a terminal.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File { path, .. } => escape_for_terminal(&path.to_string_lossy()),
        }
    }

    /// Whether this input is the file at `other` (after resolving links).
    pub fn is_same_file(&self, other: &Path) -> bool {
        match self {
            Input::Stdin => false,
            Input::File { path, .. } => same_file(path, other),
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `--include` and `--exclude` globs.
///
/// A glob matches a file when it matches either its path relative to the
/// folder it was found in, or its bare name; so `*.txt`, `2024/*.txt` and
/// `drafts/**` all do what they say. `*` crosses `/`. An `--exclude` that
/// matches a folder also keeps the walk out of it.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl Filter {
    /// Compiles the globs.
    ///
    /// # Errors
    ///
    /// A message naming the first invalid glob.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Filter, String> {
        fn build(globs: &[String]) -> Result<Option<GlobSet>, String> {
            if globs.is_empty() {
                return Ok(None);
            }
            let mut builder = GlobSetBuilder::new();
            for glob in globs {
                let glob = Glob::new(glob).map_err(|error| {
                    format!("invalid glob '{}': {error}", escape_for_terminal(glob))
                })?;
                builder.add(glob);
            }
            builder.build().map(Some).map_err(|error| error.to_string())
        }
        Ok(Filter {
            include: build(include)?,
            exclude: build(exclude)?,
        })
    }

    fn matches(set: &GlobSet, relative: &Path) -> bool {
        let relative = strip_cur_dir(relative);
        set.is_match(&relative) || relative.file_name().is_some_and(|name| set.is_match(name))
    }

    /// Whether a file found at `relative` is converted.
    pub fn accepts_file(&self, relative: &Path) -> bool {
        if let Some(exclude) = &self.exclude
            && Filter::matches(exclude, relative)
        {
            return false;
        }
        match &self.include {
            Some(include) => Filter::matches(include, relative),
            None => true,
        }
    }

    /// Whether the walk skips the folder at `relative`.
    pub fn prunes_dir(&self, relative: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|exclude| Filter::matches(exclude, relative))
    }
}

fn strip_cur_dir(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// How [`discover`] finds inputs.
#[derive(Debug, Default, Clone)]
pub struct DiscoverOptions {
    /// `-r`: walk folders (otherwise a folder is an error).
    pub recursive: bool,
    /// `--hidden`: also take files and folders whose name starts with `.`.
    pub hidden: bool,
    /// `--include` / `--exclude`.
    pub filter: Filter,
    /// `--files-from`: a file listing inputs (`-` for standard input).
    pub files_from: Option<PathBuf>,
    /// `-0`: the list is NUL-separated instead of one path per line.
    pub null: bool,
    /// A folder the walk never enters (the `--out-dir`, so that a second
    /// run does not convert the first run's outputs).
    pub prune: Option<PathBuf>,
    /// A file that folders and lists never bring (the `--report` file, so
    /// that a second run does not convert the first run's report).
    pub skip_file: Option<PathBuf>,
}

impl DiscoverOptions {
    /// Whether `path` is the file to leave out: compared by name first, so
    /// that only a file of the same name costs a look at the disk.
    fn skips(&self, path: &Path) -> bool {
        self.skip_file
            .as_deref()
            .is_some_and(|skip| skip.file_name() == path.file_name() && same_file(path, skip))
    }
}

/// What [`discover`] found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The inputs, in the order they will be converted and written.
    pub inputs: Vec<Input>,
    /// Whether the run is a batch (several inputs, a folder or a list), so
    /// that JSON and XML are framed as a collection whatever the count.
    pub many: bool,
    /// Paths the walk could not enter or read, with the problem: reported
    /// as failures.
    pub problems: Vec<(String, String)>,
    /// Things worth a warning that lose nothing (symlink loops).
    pub notes: Vec<String>,
}

/// Turns the named paths, then the `--files-from` list, into inputs.
///
/// Files named on the command line are always taken (the globs and
/// `--hidden` apply to what folders and lists bring); folders are walked
/// in sorted order, following symbolic links, with loops detected.
///
/// # Errors
///
/// A usage problem, as a message: standard input used twice, an
/// unreadable `--files-from` list.
pub fn discover(named: &[PathBuf], options: &DiscoverOptions) -> Result<Discovered, String> {
    let mut found = Discovered::default();
    let mut stdin_used = false;
    let list_from_stdin = options
        .files_from
        .as_ref()
        .is_some_and(|p| p.as_os_str() == "-");
    for path in named {
        if path.as_os_str() == "-" {
            if stdin_used || list_from_stdin {
                return Err("standard input ('-') can be read only once".to_string());
            }
            stdin_used = true;
            found.inputs.push(Input::Stdin);
            continue;
        }
        if options.recursive && fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            found.many = true;
            walk(path, options, &mut found);
        } else {
            // Missing or unreadable files, and folders without -r, fail
            // at conversion, naming them; the others still convert.
            found.inputs.push(Input::file(path));
        }
    }
    if let Some(list) = &options.files_from {
        found.many = true;
        let bytes = if list_from_stdin {
            let mut bytes = Vec::new();
            io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes)
        } else {
            fs::read(list)
        }
        .map_err(|error| {
            format!(
                "{}: cannot read the --files-from list: {error}",
                escape_for_terminal(&list.to_string_lossy())
            )
        })?;
        for path in parse_list(&bytes, options.null) {
            if fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                // `find` lists folders as well as their files: walk them
                // only when asked to.
                if options.recursive {
                    walk(&path, options, &mut found);
                }
            } else if options.filter.accepts_file(&path) && !options.skips(&path) {
                found.inputs.push(Input::file(path));
            }
        }
    }
    found.many |= found.inputs.len() > 1;
    Ok(found)
}

/// Splits a `--files-from` list: NUL-separated with `-0`, otherwise one
/// path per line (a trailing `\r` dropped). Empty entries are skipped.
pub fn parse_list(bytes: &[u8], null: bool) -> Vec<PathBuf> {
    let separator = if null { b'\0' } else { b'\n' };
    bytes
        .split(|&b| b == separator)
        .map(|entry| {
            if null {
                entry
            } else {
                entry.strip_suffix(b"\r").unwrap_or(entry)
            }
        })
        .filter(|entry| !entry.is_empty())
        .map(path_from_bytes)
        .collect()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn walk(root: &Path, options: &DiscoverOptions, found: &mut Discovered) {
    let prune = options.prune.as_ref();
    let entries = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            if !options.hidden && is_hidden(entry.file_name()) {
                return false;
            }
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if entry.file_type().is_dir() {
                if prune.is_some_and(|prune| same_file(entry.path(), prune)) {
                    return false;
                }
                return !options.filter.prunes_dir(relative);
            }
            true
        });
    for entry in entries {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_file() {
                    continue;
                }
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                if options.filter.accepts_file(relative) && !options.skips(entry.path()) {
                    found.inputs.push(Input::File {
                        path: entry.path().to_path_buf(),
                        base: root.to_path_buf(),
                    });
                }
            }
            Err(error) => {
                let path = error
                    .path()
                    .map_or_else(|| root.to_string_lossy(), |p| p.to_string_lossy());
                let path = escape_for_terminal(&path);
                if let Some(ancestor) = error.loop_ancestor() {
                    found.notes.push(format!(
                        "{path}: symbolic link loop back to {}, not followed",
                        escape_for_terminal(&ancestor.to_string_lossy())
                    ));
                } else {
                    let problem = error
                        .io_error()
                        .map_or_else(|| error.to_string(), ToString::to_string);
                    found.problems.push((path, problem));
                }
            }
        }
    }
}

/// Names one output per input under `dir`.
///
/// Each file's path is made absolute and cleaned of `.` and `..`, then
/// taken relative to the deepest folder holding every input's base (the
/// folder given to `-r`, or a named file's parent): `-r corpus` gives
/// `DIR/a.json` and `DIR/sub/b.json`; `-r news blogs` gives `DIR/news/...`
/// and `DIR/blogs/...`. What remains holds only plain names, so no output
/// can land outside `dir`. The extension is replaced by the format's;
/// standard input becomes `stdin.<ext>`.
///
/// # Errors
///
/// A message when two inputs would be written to the same file, or an
/// output would overwrite an input, before anything is written.
pub fn plan_outputs(
    inputs: &[Input],
    dir: &Path,
    format: OutputFormat,
) -> Result<Vec<PathBuf>, String> {
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot find the current directory: {error}"))?;
    let absolute = |path: &Path| normalize(&cwd.join(path));
    let mut root: Option<PathBuf> = None;
    for input in inputs {
        if let Input::File { base, .. } = input {
            let base = absolute(base);
            root = Some(match root {
                None => base,
                Some(root) => common_prefix(&root, &base),
            });
        }
    }
    let extension = format.extension();
    let mut outputs = Vec::with_capacity(inputs.len());
    let mut taken: HashMap<PathBuf, usize> = HashMap::with_capacity(inputs.len());
    let mut canonical_inputs: Option<HashMap<PathBuf, usize>> = None;
    for (index, input) in inputs.iter().enumerate() {
        let output = match input {
            Input::Stdin => dir.join(format!("stdin.{extension}")),
            Input::File { path, .. } => {
                let full = absolute(path);
                let relative = root
                    .as_deref()
                    .and_then(|root| full.strip_prefix(root).ok())
                    .filter(|r| {
                        r.file_name().is_some()
                            && r.components().all(|c| matches!(c, Component::Normal(_)))
                    })
                    .ok_or_else(|| format!("{}: cannot name an output for it", input.display()))?;
                dir.join(relative).with_extension(extension)
            }
        };
        if let Some(&other) = taken.get(&output) {
            return Err(format!(
                "{} and {} would both be written to {}; rename one or convert them separately",
                inputs[other].display(),
                input.display(),
                escape_for_terminal(&output.to_string_lossy())
            ));
        }
        // `symlink_metadata` first: one `stat` tells that most outputs do
        // not exist yet, where `canonicalize` reads every link on the way.
        if fs::symlink_metadata(&output).is_ok()
            && let Ok(existing) = fs::canonicalize(&output)
        {
            // Built once, and only when some output already exists.
            let canonical = canonical_inputs.get_or_insert_with(|| {
                inputs
                    .iter()
                    .enumerate()
                    .filter_map(|(i, input)| match input {
                        Input::File { path, .. } => fs::canonicalize(path).ok().map(|p| (p, i)),
                        Input::Stdin => None,
                    })
                    .collect()
            });
            if let Some(&clash) = canonical.get(&existing) {
                return Err(format!(
                    "{}: refusing to overwrite an input with the output of {}",
                    inputs[clash].display(),
                    input.display()
                ));
            }
        }
        taken.insert(output.clone(), index);
        outputs.push(output);
    }
    Ok(outputs)
}

/// Removes `.` and resolves `..` by name (an absolute path stays under its
/// root). Only used to name outputs, never to open inputs.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn common_prefix(a: &Path, b: &Path) -> PathBuf {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

/// What the consumer of [`run_ordered`] wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on with the next result.
    Continue,
    /// Stop: start no new job, discard results not yet consumed.
    Stop,
}

/// Runs `work(0..count)` on `jobs` threads and hands each result to
/// `consume` in index order, on the calling thread.
///
/// A job starts only when its index is within `window` of the next result
/// to consume, so at most `window` results wait in memory however long the
/// batch is and however unequal the jobs. `tick` is called about ten times
/// a second while waiting, and after each job of the calling thread (for
/// a progress bar).
///
/// The calling thread is one of the `jobs`: it consumes the results that
/// are ready, then converts the next input itself, and waits only when
/// the window is full. A thread that only collected would be woken for
/// every result, on cores the workers already fill: on 2 cores, 20,000
/// small files took a third more CPU time on two threads than on one.
pub fn run_ordered<T, W, C, K>(
    count: usize,
    jobs: usize,
    window: usize,
    work: W,
    mut consume: C,
    mut tick: K,
) where
    T: Send,
    W: Fn(usize) -> T + Sync,
    C: FnMut(usize, T) -> Flow,
    K: FnMut(),
{
    if jobs <= 1 || count <= 1 {
        // No thread to start: the work runs where its result is consumed.
        // One large input also stays on the main thread, whose allocator
        // arena grows more cheaply than a thread's.
        for index in 0..count {
            let result = work(index);
            tick();
            if consume(index, result) == Flow::Stop {
                break;
            }
        }
        return;
    }
    let window = window.max(1);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let consumed = Mutex::new(0usize);
    let advanced = Condvar::new();
    std::thread::scope(|scope| {
        // The calling thread's own jobs may panic too: the workers must not
        // be left waiting for a window that will never move.
        let _guard = StopOnPanic {
            stop: &stop,
            advanced: &advanced,
        };
        let (sender, receiver) = mpsc::channel::<(usize, T)>();
        for _ in 1..jobs.min(count) {
            let sender = sender.clone();
            let (next, stop, consumed, advanced, work) =
                (&next, &stop, &consumed, &advanced, &work);
            scope.spawn(move || {
                let _guard = StopOnPanic { stop, advanced };
                loop {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if index >= count {
                        break;
                    }
                    let mut done = consumed.lock().unwrap_or_else(PoisonError::into_inner);
                    while index >= *done + window && !stop.load(Ordering::SeqCst) {
                        done = advanced.wait(done).unwrap_or_else(PoisonError::into_inner);
                    }
                    drop(done);
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if sender.send((index, work(index))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut order = InOrder {
            pending: BTreeMap::new(),
            expected: 0,
        };
        // Hands `result` to `consume` with every result that it lets
        // follow in order, and lets the workers' window move on.
        let mut deliver = |order: &mut InOrder<T>, index: usize, result: T| -> Flow {
            order.pending.insert(index, result);
            while let Some(result) = order.pending.remove(&order.expected) {
                let flow = consume(order.expected, result);
                order.expected += 1;
                *consumed.lock().unwrap_or_else(PoisonError::into_inner) = order.expected;
                advanced.notify_all();
                if flow == Flow::Stop {
                    return Flow::Stop;
                }
            }
            Flow::Continue
        };
        'run: while order.expected < count {
            while let Ok((index, result)) = receiver.try_recv() {
                if deliver(&mut order, index, result) == Flow::Stop {
                    break 'run;
                }
            }
            if stop.load(Ordering::SeqCst) {
                break;
            }
            if let Some(index) = claim(&next, count, order.expected + window) {
                let result = work(index);
                tick();
                if deliver(&mut order, index, result) == Flow::Stop {
                    break;
                }
                continue;
            }
            match receiver.recv_timeout(Duration::from_millis(100)) {
                Ok((index, result)) => {
                    if deliver(&mut order, index, result) == Flow::Stop {
                        break;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    tick();
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        stop.store(true, Ordering::SeqCst);
        drop(consumed.lock().unwrap_or_else(PoisonError::into_inner));
        advanced.notify_all();
        drop(order);
        drop(receiver);
    });
}

/// Results of [`run_ordered`] finished out of order, and the index of the
/// next one to consume.
struct InOrder<T> {
    pending: BTreeMap<usize, T>,
    expected: usize,
}

/// Takes the next job index for the calling thread, if there is one left
/// and it is below `limit` (the end of the window).
fn claim(next: &AtomicUsize, count: usize, limit: usize) -> Option<usize> {
    next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |index| {
        (index < count && index < limit).then_some(index + 1)
    })
    .ok()
}

/// Wakes everyone if a job panics, so that no thread waits forever for a
/// result that will never come; the scope then re-raises the panic.
struct StopOnPanic<'a> {
    stop: &'a AtomicBool,
    advanced: &'a Condvar,
}

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.stop.store(true, Ordering::SeqCst);
            self.advanced.notify_all();
        }
    }
}

/// A file written under a temporary name beside its final one and renamed
/// into place by [`AtomicFile::commit`]: readers see the complete file or
/// none. Dropped without a commit, the temporary file is removed.
pub struct AtomicFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<fs::File>>,
}

static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl AtomicFile {
    /// Creates the temporary file (and the missing parent folders).
    ///
    /// # Errors
    ///
    /// When the folder or the file cannot be created.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        static PROCESS_ID: OnceLock<u32> = OnceLock::new();
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let temp = dir.join(format!(
            ".{name}.artconv-{}-{}.tmp",
            PROCESS_ID.get_or_init(std::process::id),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let open = || {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
        };
        // Created and registered under the lock, so that an interrupt sees
        // every temporary file that exists (see `remove_temps_on_signal`).
        let mut live = live_temps();
        // The folder is created only when the file cannot be: in a batch
        // of thousands of files into a few folders, trying first saves a
        // `mkdir` and a `stat` per file.
        let file = match open() {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(dir)?;
                open()?
            }
            result => result?,
        };
        live.push(temp.clone());
        drop(live);
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp,
            file: Some(BufWriter::with_capacity(64 * 1024, file)),
        })
    }

    /// The stream to write the contents to.
    pub fn writer(&mut self) -> &mut BufWriter<fs::File> {
        self.file
            .as_mut()
            .expect("an AtomicFile has its file until it is committed")
    }

    /// Flushes and renames the file into place.
    ///
    /// # Errors
    ///
    /// When flushing or renaming fails; the temporary file is removed.
    pub fn commit(mut self) -> io::Result<()> {
        if let Some(mut file) = self.file.take() {
            file.flush()?;
        }
        let mut live = live_temps();
        fs::rename(&self.temp, &self.path)?;
        live.retain(|temp| *temp != self.temp);
        drop(live);
        // Renamed: nothing left for Drop to clean.
        self.temp = PathBuf::new();
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.file.take();
        if !self.temp.as_os_str().is_empty() {
            let mut live = live_temps();
            let _ = fs::remove_file(&self.temp);
            live.retain(|temp| *temp != self.temp);
        }
    }
}

/// The temporary files of the [`AtomicFile`]s not yet committed or dropped.
static LIVE_TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live_temps() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE_TEMPS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Makes Ctrl-C (SIGINT), SIGTERM and SIGHUP remove the temporary files of
/// the outputs being written, then exit with status 130.
///
/// Drop does that on every other path, but a signal ends the process
/// without running destructors, which left `.*.artconv-*.tmp` files beside
/// the outputs. The handler runs on a thread of its own (ctrlc), takes the
/// registry's lock — so no file is being created or renamed meanwhile —
/// and exits while holding it. Installed once, only by runs that write
/// files.
pub fn remove_temps_on_signal() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            let live = live_temps();
            for temp in live.iter() {
                let _ = fs::remove_file(temp);
            }
            eprintln!("artconv: interrupted; unfinished outputs removed");
            std::process::exit(130);
        });
        // Without the handler a signal still stops the run; only the
        // clean-up is lost, which is not worth refusing to run.
        drop(installed);
    });
}

/// When to draw the progress bar (`--progress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ProgressMode {
    /// On a terminal, outside CI, for runs longer than about a second.
    #[default]
    Auto,
    /// Always, even on a pipe or in CI, from the start.
    Always,
    /// Never.
    Never,
}

/// Where converted articles go.
#[derive(Debug, Clone)]
pub enum Destination {
    /// One stream on standard output, framed for several articles when
    /// `many`.
    Stdout,
    /// One stream in this file (`-o`), written atomically.
    File(PathBuf),
    /// One file per input (`--out-dir`), named by [`plan_outputs`].
    Dir(Vec<PathBuf>),
}

/// Everything a batch run needs besides its inputs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// How to convert each input.
    pub convert: ConvertOptions,
    /// The output format.
    pub format: OutputFormat,
    /// Writer options.
    pub write: WriteOptions,
    /// Worker threads.
    pub jobs: usize,
    /// Stop at the first failed input.
    pub fail_fast: bool,
    /// Under `--out-dir`, leave outputs newer than their input alone.
    pub skip_existing: bool,
    /// When to draw a progress bar.
    pub progress: ProgressMode,
    /// Print the summary line at the end.
    pub summary: bool,
    /// Print no warnings.
    pub quiet: bool,
    /// Write per-input outcomes as JSON Lines to this file.
    pub report: Option<PathBuf>,
    /// Whether large files are mapped rather than read (`--no-mmap`).
    pub mapping: Mapping,
}

/// What happened to one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Converted and written.
    Converted,
    /// Left alone: its output is newer (`--skip-existing`).
    Skipped,
    /// Not converted; see the error.
    Failed,
}

/// One line of the `--report` file.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The input as named or found; `-` for standard input.
    pub path: String,
    /// The file written (`--out-dir`, `-o`), or null for standard output.
    pub output: Option<String>,
    /// The encoding the input was decoded with, when it was.
    pub encoding: Option<String>,
    /// The input format detected (`text`, ...), when it was.
    pub format: Option<String>,
    /// What happened.
    pub status: Status,
    /// Why it failed.
    pub error: Option<String>,
    /// Input size in bytes, when it was read.
    pub bytes: Option<u64>,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Inputs converted.
    pub converted: usize,
    /// Inputs skipped by `--skip-existing`.
    pub skipped: usize,
    /// Inputs that failed.
    pub failed: usize,
    /// Bytes read from converted inputs.
    pub bytes: u64,
    /// Encodings met, with the number of inputs each.
    pub encodings: BTreeMap<String, usize>,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl Summary {
    fn record(&mut self, outcome: &Outcome) {
        match outcome.status {
            Status::Converted => {
                self.converted += 1;
                self.bytes += outcome.bytes.unwrap_or(0);
                if let Some(encoding) = &outcome.encoding {
                    *self.encodings.entry(encoding.clone()).or_default() += 1;
                }
            }
            Status::Skipped => self.skipped += 1,
            Status::Failed => self.failed += 1,
        }
    }
}

impl fmt::Display for Summary {
    /// `452 converted, 3 skipped, 1 failed, 1.20 MiB in 0.84 s; 412 UTF-8,
    /// 37 windows-1256, 3 UTF-16LE` (encodings most frequent first).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} converted, {} skipped, {} failed, {} in {:.2} s",
            self.converted,
            self.skipped,
            self.failed,
            HumanBytes(self.bytes),
            self.elapsed.as_secs_f64()
        )?;
        let mut encodings: Vec<(&String, &usize)> = self.encodings.iter().collect();
        encodings.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        for (i, (name, count)) in encodings.iter().enumerate() {
            let separator = if i == 0 { "; " } else { ", " };
            write!(f, "{separator}{count} {name}")?;
        }
        Ok(())
    }
}

/// Stderr for messages, shared with the progress bar so that lines never
/// tear through it.
struct Console {
    bar: ProgressBar,
    mode: ProgressMode,
    started: Instant,
    shown: bool,
}

impl Console {
    fn new(mode: ProgressMode, total: usize) -> Console {
        let wanted = match mode {
            ProgressMode::Never => false,
            ProgressMode::Always => true,
            ProgressMode::Auto => {
                total > 1 && io::stderr().is_terminal() && std::env::var_os("CI").is_none()
            }
        };
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] [{bar:30}] {pos}/{len} files, {msg}, ETA {eta}",
        )
        .map(|style| style.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        let mut console = Console {
            bar,
            mode: if wanted { mode } else { ProgressMode::Never },
            started: Instant::now(),
            shown: false,
        };
        if console.mode == ProgressMode::Always {
            console.show();
        }
        console
    }

    fn show(&mut self) {
        let target = if self.mode == ProgressMode::Always {
            ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 10)
        } else {
            ProgressDrawTarget::stderr_with_hz(10)
        };
        self.bar.set_draw_target(target);
        self.shown = true;
    }

    /// Shows the bar once the run has lasted a second.
    fn tick(&mut self) {
        if !self.shown
            && self.mode == ProgressMode::Auto
            && self.started.elapsed() >= Duration::from_secs(1)
        {
            self.show();
        }
        if self.shown {
            self.bar.tick();
        }
    }

    fn advance(&mut self) {
        self.bar.inc(1);
        let seconds = self.started.elapsed().as_secs_f64();
        if seconds > 0.0 {
            let rate = self.bar.position() as f64 / seconds;
            self.bar.set_message(format!("{rate:.1} files/s"));
        }
        self.tick();
    }

    fn eprint(&self, line: &str) {
        self.bar.suspend(|| eprintln!("artconv: {line}"));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// How a run ended for the writer.
enum End {
    Done,
    /// The reader of standard output went away: stop quietly, exit 0.
    ClosedPipe,
    /// The output could not be written: reported, exit 1.
    OutputFailed,
}

/// The per-run state the consumer updates, in input order.
struct Tally<'a> {
    options: &'a BatchOptions,
    console: Console,
    summary: Summary,
    report: Option<AtomicFile>,
    report_failed: bool,
}

impl Tally<'_> {
    fn record(&mut self, outcome: Outcome) {
        self.summary.record(&outcome);
        self.console.advance();
        if let Some(report) = &mut self.report {
            let line = serde_json::to_string(&outcome).unwrap_or_default();
            if writeln!(report.writer(), "{line}").is_err() {
                self.report_failed = true;
            }
        }
    }

    fn warn(&self, input: &Input, source: &Source) {
        if self.options.quiet {
            return;
        }
        if source.replaced > 0 {
            self.console.eprint(&format!(
                "{}: warning: {} malformed {} sequence(s) replaced with U+FFFD (--strict refuses them)",
                input.display(),
                source.replaced,
                source.encoding
            ));
        }
        if let Some(warning) = source.declared_encoding.as_deref().and_then(|declared| {
            crate::decode::overruled_warning(declared, &source.encoding, source.encoding_source)
        }) {
            self.console
                .eprint(&format!("{}: {warning}", input.display()));
        }
        if let Some(warning) = crate::decode::low_confidence_warning(
            &source.encoding,
            source.encoding_source,
            source.confidence,
        ) {
            self.console
                .eprint(&format!("{}: {warning}", input.display()));
        }
    }

    fn fail(&mut self, input: &Input, output: Option<&Path>, error: &Error) {
        let message = error.to_string();
        self.console.eprint(&format!(
            "{}: {}",
            input.display(),
            escape_for_terminal(&message)
        ));
        self.record(Outcome {
            path: report_path(input),
            output: output.map(|p| p.to_string_lossy().into_owned()),
            encoding: None,
            format: None,
            status: Status::Failed,
            error: Some(message),
            bytes: None,
        });
    }
}

fn report_path(input: &Input) -> String {
    input.source_path().unwrap_or_else(|| "-".to_string())
}

fn converted(input: &Input, output: Option<&Path>, read: &ReadInput) -> Outcome {
    Outcome {
        path: report_path(input),
        output: output.map(|p| p.to_string_lossy().into_owned()),
        encoding: Some(read.source.encoding.clone()),
        format: Some(read.format.as_str().to_string()),
        status: Status::Converted,
        error: None,
        bytes: Some(read.bytes),
    }
}

/// What one input gave, and what the run reports about it.
struct ReadInput {
    articles: Vec<Article>,
    /// The reader that ran.
    format: InputFormat,
    /// The input's own size (an article read back from artconv's JSON
    /// keeps the size of the input it was first made from).
    bytes: u64,
    /// The first article's source, for the report and the warnings.
    source: Source,
}

impl ReadInput {
    /// Decoding warnings concern inputs decoded here, not the sources that
    /// articles read back from artconv's JSON or XML remember.
    fn warns(&self) -> bool {
        !matches!(self.format, InputFormat::Json | InputFormat::Xml)
    }
}

/// One input's articles: one for most formats, several for JSON Lines.
fn convert_one(
    input: &Input,
    options: &ConvertOptions,
    mapping: Mapping,
) -> Result<ReadInput, Error> {
    let bytes = input.read(options.max_input_size, mapping)?;
    let path = input.source_path();
    let format = options.format.resolve(&bytes, path.as_deref());
    let size = bytes.len() as u64;
    // Read or mapped, the bytes are let go once decoded unless the text is
    // read in place.
    let articles = pipeline::convert_all_held(bytes, path.as_deref(), options)?;
    let source = articles
        .first()
        .map(|article| article.source.clone())
        .ok_or(Error::Empty)?;
    Ok(ReadInput {
        format,
        bytes: size,
        articles,
        source,
    })
}

/// Converts every input to `destination`; returns the exit status.
///
/// `problems` are failures found while discovering the inputs; they are
/// reported first and make the status 1.
pub fn run(
    inputs: &[Input],
    many: bool,
    problems: &[(String, String)],
    destination: &Destination,
    options: &BatchOptions,
) -> i32 {
    let started = Instant::now();
    if options.report.is_some() || !matches!(destination, Destination::Stdout) {
        remove_temps_on_signal();
    }
    let report = match &options.report {
        Some(path) => match AtomicFile::create(path) {
            Ok(file) => Some(file),
            Err(error) => {
                eprintln!(
                    "artconv: {}: cannot create the report: {error}",
                    escape_for_terminal(&path.to_string_lossy())
                );
                return EXIT_FAILED;
            }
        },
        None => None,
    };
    let mut tally = Tally {
        options,
        console: Console::new(options.progress, inputs.len()),
        summary: Summary::default(),
        report,
        report_failed: false,
    };
    for (path, problem) in problems {
        tally
            .console
            .eprint(&format!("{path}: {}", escape_for_terminal(problem)));
        tally.summary.failed += 1;
        if let Some(report) = &mut tally.report {
            let outcome = Outcome {
                path: path.clone(),
                output: None,
                encoding: None,
                format: None,
                status: Status::Failed,
                error: Some(problem.clone()),
                bytes: None,
            };
            let line = serde_json::to_string(&outcome).unwrap_or_default();
            if writeln!(report.writer(), "{line}").is_err() {
                tally.report_failed = true;
            }
        }
    }
    let end = match destination {
        Destination::Stdout => {
            let stdout = io::stdout();
            let lock = stdout.lock();
            match raw_stdout() {
                Some(file) => {
                    let out = BufWriter::with_capacity(64 * 1024, file);
                    stream(inputs, many, out, None, &mut tally)
                }
                None => {
                    let out = BufWriter::with_capacity(64 * 1024, lock);
                    stream(inputs, many, out, None, &mut tally)
                }
            }
        }
        Destination::File(path) => to_file(inputs, many, path, &mut tally),
        Destination::Dir(outputs) => to_dir(inputs, outputs, &mut tally),
    };
    tally.console.finish();
    if let End::ClosedPipe = end {
        return EXIT_OK;
    }
    tally.summary.elapsed = started.elapsed();
    if let Some(report) = tally.report.take() {
        let path = options.report.as_deref().unwrap_or(Path::new("report"));
        if tally.report_failed || report.commit().is_err() {
            eprintln!(
                "artconv: {}: cannot write the report",
                escape_for_terminal(&path.to_string_lossy())
            );
            tally.summary.failed += 1;
        }
    }
    if options.summary {
        eprintln!("artconv: {}", tally.summary);
    }
    if matches!(end, End::OutputFailed) || tally.summary.failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// Standard output as a plain file: `Stdout` is line-buffered and searches
/// every 64 KB block handed to it for its last line break, a cost of its
/// own on large outputs. Our `BufWriter` already writes in large blocks.
/// Used while holding the `Stdout` lock, so nothing else writes in between.
#[cfg(unix)]
fn raw_stdout() -> Option<fs::File> {
    use std::os::fd::AsFd;
    io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .ok()
        .map(fs::File::from)
}

#[cfg(not(unix))]
fn raw_stdout() -> Option<fs::File> {
    None
}

/// All articles into one stream, in input order.
fn stream<W: Write>(
    inputs: &[Input],
    many: bool,
    out: W,
    target: Option<&Path>,
    tally: &mut Tally<'_>,
) -> End {
    let options = tally.options;
    let mut sink = Sink::new(options.format, options.write, many, out);
    let mut end = End::Done;
    let jobs = options.jobs.max(1);
    let console = std::cell::RefCell::new(tally);
    run_ordered(
        inputs.len(),
        jobs,
        jobs * 4,
        |index| convert_one(&inputs[index], &options.convert, options.mapping),
        |index, result| {
            let mut tally = console.borrow_mut();
            let input = &inputs[index];
            match result {
                Ok(read) => {
                    if read.warns() {
                        tally.warn(input, &read.source);
                    }
                    if let Err(error) = sink.write_input(&read.articles) {
                        end = output_failed(&tally, target, error);
                        return Flow::Stop;
                    }
                    tally.record(converted(input, target, &read));
                    if inputs.len() == 1 {
                        // The run ends with this input: the process gives its
                        // memory back at exit, faster than freeing a large
                        // article's blocks one by one (a twentieth of the
                        // time of converting 100 MB).
                        std::mem::forget(read);
                    }
                    Flow::Continue
                }
                Err(error) => {
                    tally.fail(input, None, &error);
                    if options.fail_fast {
                        Flow::Stop
                    } else {
                        Flow::Continue
                    }
                }
            }
        },
        || console.borrow_mut().console.tick(),
    );
    let tally = console.into_inner();
    if !matches!(end, End::Done) {
        return end;
    }
    match sink.finish() {
        Ok(_) => End::Done,
        Err(error) => output_failed(tally, target, error),
    }
}

/// A write error ends the run: quietly for a closed pipe
/// (`artconv -r corpus | head`), loudly otherwise.
fn output_failed(tally: &Tally<'_>, target: Option<&Path>, error: Error) -> End {
    if let Error::Write(io) = &error
        && io.kind() == io::ErrorKind::BrokenPipe
    {
        return End::ClosedPipe;
    }
    let target = target.map_or("<stdout>".to_string(), |p| p.to_string_lossy().into_owned());
    tally
        .console
        .eprint(&format!("{}: {error}", escape_for_terminal(&target)));
    End::OutputFailed
}

/// All articles into one file (`-o`), renamed into place at the end. A
/// single input that fails leaves no file at all. A path that exists and is
/// not a regular file (`/dev/null`, a FIFO) is written directly: renaming
/// over it would replace the device.
fn to_file(inputs: &[Input], many: bool, path: &Path, tally: &mut Tally<'_>) -> End {
    if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return match fs::OpenOptions::new().write(true).truncate(true).open(path) {
            Ok(file) => {
                let mut writer = BufWriter::with_capacity(64 * 1024, file);
                stream(inputs, many, &mut writer, Some(path), tally)
            }
            Err(error) => {
                tally.console.eprint(&format!(
                    "{}: cannot open output: {error}",
                    escape_for_terminal(&path.to_string_lossy())
                ));
                End::OutputFailed
            }
        };
    }
    let mut file = match AtomicFile::create(path) {
        Ok(file) => file,
        Err(error) => {
            tally.console.eprint(&format!(
                "{}: cannot create output: {error}",
                escape_for_terminal(&path.to_string_lossy())
            ));
            return End::OutputFailed;
        }
    };
    let failed_before = tally.summary.failed;
    let end = stream(inputs, many, file.writer(), Some(path), tally);
    let nothing_converted = tally.summary.converted == 0 && tally.summary.failed > failed_before;
    if !matches!(end, End::Done) || (!many && nothing_converted) {
        return end;
    }
    if let Err(error) = file.commit() {
        tally.console.eprint(&format!(
            "{}: cannot write output: {error}",
            escape_for_terminal(&path.to_string_lossy())
        ));
        return End::OutputFailed;
    }
    End::Done
}

/// What a `--out-dir` job did.
enum Written {
    Converted(ReadInput),
    Skipped,
}

/// One file per input (`--out-dir`); each job converts and writes its own
/// file, and the outcomes are reported in input order.
fn to_dir(inputs: &[Input], outputs: &[PathBuf], tally: &mut Tally<'_>) -> End {
    let options = tally.options;
    let jobs = options.jobs.max(1);
    let tally = std::cell::RefCell::new(tally);
    run_ordered(
        inputs.len(),
        jobs,
        // Small, so that --fail-fast leaves few outputs written past the failure.
        jobs * 2,
        |index| {
            let (input, output) = (&inputs[index], &outputs[index]);
            if options.skip_existing && is_up_to_date(input, output) {
                return Ok(Written::Skipped);
            }
            let mut read = convert_one(input, &options.convert, options.mapping)?;
            let mut file = AtomicFile::create(output).map_err(Error::Write)?;
            crate::writers::write_all(
                &read.articles,
                options.format,
                options.write,
                file.writer(),
            )?;
            file.commit().map_err(Error::Write)?;
            read.articles.clear();
            Ok(Written::Converted(read))
        },
        |index, result: Result<Written, Error>| {
            let mut tally = tally.borrow_mut();
            let (input, output) = (&inputs[index], &outputs[index]);
            match result {
                Ok(Written::Converted(read)) => {
                    if read.warns() {
                        tally.warn(input, &read.source);
                    }
                    tally.record(converted(input, Some(output), &read));
                }
                Ok(Written::Skipped) => tally.record(Outcome {
                    path: report_path(input),
                    output: Some(output.to_string_lossy().into_owned()),
                    encoding: None,
                    format: None,
                    status: Status::Skipped,
                    error: None,
                    bytes: None,
                }),
                Err(error) => {
                    tally.fail(input, Some(output), &error);
                    if options.fail_fast {
                        return Flow::Stop;
                    }
                }
            }
            Flow::Continue
        },
        || tally.borrow_mut().console.tick(),
    );
    End::Done
}

/// `--skip-existing`: the output exists and was modified after its input.
fn is_up_to_date(input: &Input, output: &Path) -> bool {
    let Input::File { path, .. } = input else {
        return false;
    };
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(path), modified(output)) {
        (Some(input), Some(output)) => output > input,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_whatever_the_jobs() {
        for jobs in [1, 2, 4, 7] {
            let mut seen = Vec::new();
            run_ordered(
                100,
                jobs,
                3,
                |i| {
                    // Uneven work: later jobs often finish first.
                    std::thread::sleep(Duration::from_micros(((100 - i) % 7) as u64 * 50));
                    i * 2
                },
                |i, value| {
                    assert_eq!(value, i * 2);
                    seen.push(i);
                    Flow::Continue
                },
                || {},
            );
            assert_eq!(seen, (0..100).collect::<Vec<_>>());
        }
    }

    #[test]
    fn stop_discards_what_follows() {
        let started = AtomicUsize::new(0);
        let mut seen = Vec::new();
        run_ordered(
            1000,
            4,
            8,
            |i| {
                started.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i, _| {
                seen.push(i);
                if i == 5 { Flow::Stop } else { Flow::Continue }
            },
            || {},
        );
        assert_eq!(seen, vec![0, 1, 2, 3, 4, 5]);
        // The window bounds how far the workers ran ahead.
        assert!(started.load(Ordering::SeqCst) <= 6 + 8 + 4);
    }

    #[test]
    fn the_calling_thread_converts_too() {
        let caller = std::thread::current().id();
        let on_caller = AtomicUsize::new(0);
        let mut seen = 0;
        run_ordered(
            200,
            2,
            4,
            |i| {
                if std::thread::current().id() == caller {
                    on_caller.fetch_add(1, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_micros(200));
                i
            },
            |i, value| {
                assert_eq!((i, value), (seen, seen));
                seen += 1;
                Flow::Continue
            },
            || {},
        );
        assert_eq!(seen, 200);
        let on_caller = on_caller.load(Ordering::SeqCst);
        assert!(on_caller > 0, "no job ran on the calling thread");
    }

    #[test]
    fn a_panicking_job_is_raised_not_waited_for() {
        // Whichever thread takes index 3, the panic must reach the caller
        // instead of leaving the other threads waiting for the window.
        for jobs in [2, 3] {
            let outcome = std::panic::catch_unwind(|| {
                run_ordered(
                    100,
                    jobs,
                    2,
                    |i| {
                        assert!(i != 3, "job 3 fails");
                        i
                    },
                    |_, _| Flow::Continue,
                    || {},
                );
            });
            assert!(outcome.is_err());
        }
    }

    #[test]
    fn nothing_to_do_returns() {
        run_ordered(0, 4, 4, |i| i, |_, _| Flow::Continue, || {});
    }

    #[test]
    fn lists_split_on_lines_or_nul() {
        assert_eq!(
            parse_list(b"a.txt\r\n\nb c.txt\n", false),
            vec![PathBuf::from("a.txt"), PathBuf::from("b c.txt")]
        );
        assert_eq!(
            parse_list(b"a\nb.txt\0c.txt\0", true),
            vec![PathBuf::from("a\nb.txt"), PathBuf::from("c.txt")]
        );
    }

    #[test]
    fn globs_match_relative_path_or_name() {
        let filter = Filter::new(&["*.txt".into()], &["drafts/**".into(), "old".into()]).unwrap();
        assert!(filter.accepts_file(Path::new("a.txt")));
        assert!(filter.accepts_file(Path::new("./sub/a.txt")));
        assert!(!filter.accepts_file(Path::new("a.md")));
        assert!(!filter.accepts_file(Path::new("drafts/a.txt")));
        assert!(filter.prunes_dir(Path::new("sub/old")));
        assert!(!filter.prunes_dir(Path::new("sub")));
        assert!(Filter::new(&["a[".into()], &[]).is_err());
    }

    #[test]
    fn outputs_mirror_inputs_and_stay_inside() {
        let dir = Path::new("/out");
        let inputs = vec![
            Input::File {
                path: "corpus/a.txt".into(),
                base: "corpus".into(),
            },
            Input::File {
                path: "corpus/sub/b.txt".into(),
                base: "corpus".into(),
            },
        ];
        let outputs = plan_outputs(&inputs, dir, OutputFormat::Json).unwrap();
        assert_eq!(
            outputs,
            vec![
                PathBuf::from("/out/a.json"),
                PathBuf::from("/out/sub/b.json")
            ]
        );
        let inputs = vec![
            Input::file("../../x/a.txt"),
            Input::file("/etc/../y/b"),
            Input::Stdin,
        ];
        let outputs = plan_outputs(&inputs, dir, OutputFormat::Jsonl).unwrap();
        for output in &outputs {
            assert!(output.starts_with(dir), "{output:?}");
            assert!(
                output
                    .strip_prefix(dir)
                    .unwrap()
                    .components()
                    .all(|c| matches!(c, Component::Normal(_)))
            );
        }
        assert!(outputs[1].ends_with("y/b.jsonl"));
        assert_eq!(outputs[2], PathBuf::from("/out/stdin.jsonl"));
    }

    #[test]
    fn collisions_are_refused() {
        let inputs = vec![Input::file("a.txt"), Input::file("a.md")];
        let error = plan_outputs(&inputs, Path::new("/out"), OutputFormat::Json).unwrap_err();
        assert!(error.contains("a.txt and a.md"), "{error}");
    }

    #[test]
    fn summary_reads_well() {
        let mut summary = Summary {
            converted: 3,
            skipped: 1,
            failed: 0,
            bytes: 2048,
            elapsed: Duration::from_millis(1500),
            ..Summary::default()
        };
        summary.encodings.insert("UTF-8".into(), 2);
        summary.encodings.insert("windows-1256".into(), 1);
        assert_eq!(
            summary.to_string(),
            "3 converted, 1 skipped, 0 failed, 2.00 KiB in 1.50 s; 2 UTF-8, 1 windows-1256"
        );
    }
}
