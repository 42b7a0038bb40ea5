//! A file as the frontends receive it, and the I/O the engine lends them.
//!
//! The engine reads files (bytes, UTF-8, the messages of unreadable ones) and keeps the run's
//! sources, errors and suppressions; the frontends decide which files belong together and
//! when to read them (a Terraform module called from a directory of the run is read when the
//! call is found). [`Loader`] is that contract: the frontends never touch the file system
//! themselves.

use std::ops::Range;
use std::path::{Path, PathBuf};

use hcl_edit::structure::Body;

use crate::discover::{Candidate, FileKind, Scope};
use crate::parse::plan::PlanJson;
use crate::parse::syntax::json::JsonFile;
use crate::parse::syntax::yaml::YamlDoc;
use crate::source::{FileId, SourceFile};
use crate::suppress::FileSuppressions;

/// A file's tree, as its kind and content say.
pub enum Parsed {
    Terraform(Body),
    TfVars(Body),
    TerraformJson(JsonFile),
    TfVarsJson(JsonFile),
    Template(YamlDoc),
    /// A Terraform plan JSON (`terraform show -json plan.out`): a unit of its own.
    Plan(PlanJson),
    /// Not part of the run (YAML or JSON that is not a template), or its tree has been taken.
    Skipped,
    Failed {
        message: String,
        /// Where in the text (`None`: the file could not be read).
        range: Option<Range<usize>>,
        related: Vec<(String, Range<usize>)>,
    },
}

impl Parsed {
    /// A failure at one offset.
    pub fn failed_at(message: String, at: usize) -> Parsed {
        Parsed::Failed {
            message,
            range: Some(at..at),
            related: Vec::new(),
        }
    }
}

/// One file after it was read and parsed: its text and line table (when it is part of the
/// run), its tree (until a frontend takes it) and its suppressions.
pub struct LoadedFile {
    pub id: FileId,
    pub candidate: Candidate,
    pub display: String,
    /// `None` when the file could not be read, or is not part of the run (YAML or JSON that
    /// is not a template).
    pub source: Option<SourceFile>,
    pub parsed: Parsed,
    pub suppressions: FileSuppressions,
}

/// What the engine lends the frontends: reading files and keeping what was read.
///
/// `load` is called from many threads at once; the other methods between parallel stages.
pub trait Loader: Sync {
    /// Reads and parses one file (its id reserved before).
    fn load(&self, candidate: Candidate, id: FileId) -> LoadedFile;
    /// Reserves `count` consecutive file ids; returns the first.
    fn reserve(&mut self, count: usize) -> FileId;
    /// Takes a loaded file's text, suppressions and errors (its tree has been taken or
    /// dropped before).
    fn absorb(&mut self, file: LoadedFile);
    /// The files of a directory the run did not walk, with their kinds; `None` when it
    /// cannot be read.
    fn files_in(&self, dir: &Path) -> Option<Vec<(PathBuf, FileKind)>>;
    /// The canonical path of a file or directory (symbolic links resolved).
    fn canonical(&self, path: &Path) -> Option<PathBuf>;
    /// The text of a file absorbed before.
    fn text(&self, id: FileId) -> Option<&str>;
    /// How the run reached a file (whether findings in it are reported).
    fn scope(&self, id: FileId) -> Scope;
    /// Makes file `id` at `path` part of the walked code (a module a walked file calls):
    /// its findings are reported, and the modules it calls are walked too; unless the
    /// configuration excludes it. True when it was not walked before and now is.
    fn walk(&mut self, id: FileId, path: &Path) -> bool;
}
