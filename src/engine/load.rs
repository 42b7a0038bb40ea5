//! Reading files, and the state of a run that outlives the frontends: the sources, which
//! files are reported, the errors and the suppressions. I/O only: what a file is, and how it
//! is parsed, is the parse layer's business.

use std::path::{Path, PathBuf};

use crate::discover::{self, Candidate, FileKind, Scope};
use crate::display::display_path;
use crate::finding::Label;
use crate::parse::{self, LoadedFile, Loader, Parsed};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::suppress::FileSuppressions;

use super::RunError;

/// The state of a run shared between its stages.
#[derive(Default)]
pub(super) struct Run {
    pub sources: SourceMap,
    /// Per file id: how the run reached it (whether findings in it are reported).
    pub scope: Vec<Scope>,
    pub errors: Vec<RunError>,
    pub suppressions: FileSuppressions,
}

impl Run {
    pub fn reserve(&mut self, count: usize) -> FileId {
        let first = self.sources.reserve(count);
        self.scope.resize(self.sources.len(), Scope::Context);
        first
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = self.sources.add(file);
        self.scope.resize(self.sources.len(), Scope::Context);
        id
    }

    pub fn scope(&self, file: FileId) -> Scope {
        self.scope
            .get(file.0 as usize)
            .copied()
            .unwrap_or(Scope::Context)
    }

    pub fn is_reported(&self, file: FileId) -> bool {
        self.scope(file).is_reported()
    }

    /// Per file id: whether findings in it are reported.
    pub fn reported(&self) -> Vec<bool> {
        self.scope.iter().map(|s| s.is_reported()).collect()
    }

    /// A file that failed to parse, as an error of the run.
    pub fn parse_error(&mut self, id: FileId, display: String, parsed: Parsed) {
        if let Parsed::Failed {
            message,
            range,
            related,
        } = parsed
        {
            self.errors.push(RunError {
                kind: "parse-error",
                path: display,
                span: range.map(|r| Span::new(id, r)),
                message,
                related: related
                    .into_iter()
                    .map(|(m, r)| Label::new(Span::new(id, r), m))
                    .collect(),
            });
        }
    }

    /// Takes a loaded file's text, suppressions and errors (its tree has been taken or
    /// dropped before).
    pub fn absorb(&mut self, l: LoadedFile) {
        if let Some(s) = self.scope.get_mut(l.id.0 as usize) {
            *s = l.candidate.scope;
        }
        let Some(source) = l.source else {
            // Unreadable (no source to point into), or not part of the run.
            if let Parsed::Failed { message, .. } = l.parsed {
                self.errors.push(RunError {
                    kind: "io-error",
                    path: l.display,
                    span: None,
                    message,
                    related: Vec::new(),
                });
            }
            return;
        };
        self.parse_error(l.id, l.display, l.parsed);
        self.sources.set(l.id, source);
        self.suppressions
            .suppressions
            .extend(l.suppressions.suppressions);
        self.suppressions.problems.extend(l.suppressions.problems);
    }
}

/// Reads and parses one file, builds its line table and collects its suppressions: the work
/// done for every file in parallel.
pub(super) fn load(
    candidate: Candidate,
    id: FileId,
    known_rule: &dyn Fn(&str) -> bool,
) -> LoadedFile {
    let display = display_path(&candidate.path);
    let bytes = match std::fs::read(&candidate.path) {
        Ok(b) => b,
        Err(e) => {
            let message = match discover::link_target(&candidate.path) {
                Some(target) if discover::is_broken_link(&candidate.path) => format!(
                    "cannot read file: broken symbolic link to {target} ({})",
                    discover::io_message(&e)
                ),
                _ => format!("cannot read file: {}", discover::io_message(&e)),
            };
            return LoadedFile {
                id,
                candidate,
                display,
                source: None,
                parsed: Parsed::Failed {
                    message,
                    range: None,
                    related: Vec::new(),
                },
                suppressions: FileSuppressions::default(),
            };
        }
    };
    let (text, utf8_error) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    let parsed = parse::parse_file(&candidate, &text, utf8_error);
    if matches!(parsed, Parsed::Skipped) {
        return LoadedFile {
            id,
            candidate,
            display,
            source: None,
            parsed,
            suppressions: FileSuppressions::default(),
        };
    }
    let source = SourceFile::new(candidate.path.clone(), display.clone(), text);
    let suppressions = parse::suppressions(id, &source, &parsed, known_rule);
    LoadedFile {
        id,
        source: Some(source),
        candidate,
        display,
        parsed,
        suppressions,
    }
}

/// The run as the frontends see it: files read on request, rule ids for suppressions, the
/// configuration's exclusions for modules loaded on demand.
pub(super) struct RunLoader<'a> {
    pub run: Run,
    pub known_rule: &'a (dyn Fn(&str) -> bool + Sync),
    pub excluded: &'a (dyn Fn(&Path) -> bool + Sync),
}

impl Loader for RunLoader<'_> {
    fn load(&self, candidate: Candidate, id: FileId) -> LoadedFile {
        load(candidate, id, self.known_rule)
    }

    fn reserve(&mut self, count: usize) -> FileId {
        self.run.reserve(count)
    }

    fn absorb(&mut self, file: LoadedFile) {
        self.run.absorb(file);
    }

    fn files_in(&self, dir: &Path) -> Option<Vec<(PathBuf, FileKind)>> {
        discover::dir_files(dir).ok()
    }

    fn canonical(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }

    fn text(&self, id: FileId) -> Option<&str> {
        self.run.sources.get(id).map(|s| s.text.as_str())
    }

    fn scope(&self, id: FileId) -> Scope {
        self.run.scope(id)
    }

    fn walk(&mut self, id: FileId, path: &Path) -> bool {
        if (self.excluded)(path) {
            return false;
        }
        match self.run.scope.get_mut(id.0 as usize) {
            Some(s) if *s != Scope::Walked => {
                *s = Scope::Walked;
                true
            }
            _ => false,
        }
    }
}
