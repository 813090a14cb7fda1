//! Source files and positions.
//!
//! Every file (or `-E` expression) the evaluator reads is registered in a [`SourceMap`] and gets a
//! [`FileId`]. Positions in the evaluator are compact [`Pos`] values (4 bytes), so values and IR
//! nodes can carry a position cheaply. Every file occupies a range of one global offset space,
//! and a position is normally just the global offset of its first byte: making one costs an
//! addition and no memory. When the ends of ranges are wanted too (`SourceMap::keep_span_ends`,
//! used by the flake commands that report spans), positions are indices into a table of
//! `(file, start, end)` ranges instead. Line starts are found, and line and column numbers
//! computed, only when a position is shown. This module does no I/O.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Identifies a registered source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(pub u32);

/// A compact handle to a byte range in a registered source. `Pos::NONE` means "no position".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pos(pub u32);

impl Pos {
    pub const NONE: Pos = Pos(0);
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
}

/// Where a source came from, which decides how it is named in messages.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A file on disk (absolute path).
    File(PathBuf),
    /// An expression given on the command line or through an API call.
    String,
    /// An expression read from standard input.
    Stdin,
    /// Built-in Nix code shipped with nixeval.
    Builtin(&'static str),
}

pub struct SourceFile {
    pub origin: Origin,
    pub text: Rc<str>,
    /// The first global offset of the file (see [`Pos`]).
    base: u32,
    /// Where each line starts, found on first use.
    line_starts: OnceCell<Vec<u32>>,
}

impl SourceFile {
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(self.text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i as u32 + 1));
            starts
        })
    }

    /// 1-based line and column (in bytes, as CppNix counts) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line as u32 + 1, offset - line_starts[line] + 1)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: u32) -> &str {
        let idx = (line - 1) as usize;
        let line_starts = self.line_starts();
        let start = line_starts[idx] as usize;
        let end = line_starts
            .get(idx + 1)
            .map(|&e| e as usize - 1)
            .unwrap_or(self.text.len());
        self.text[start..end.max(start)].trim_end_matches('\r')
    }

    /// How the file is named in messages and `__curPos`.
    pub fn name(&self) -> String {
        match &self.origin {
            Origin::File(p) => p.display().to_string(),
            Origin::String => "«string»".to_string(),
            Origin::Stdin => "«stdin»".to_string(),
            Origin::Builtin(n) => format!("«nixeval-internal»/{n}"),
        }
    }
}

/// A resolved position, ready to be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

/// All sources and positions of one evaluation.
pub struct SourceMap {
    files: Vec<Rc<SourceFile>>,
    /// Whether this map is the one values are shown against on this thread (see
    /// [`SourceMap::publish`]).
    published: bool,
    /// The global offset the next file starts at (0 is [`Pos::NONE`]).
    next_base: u32,
    /// Ranges of positions made while [`SourceMap::keep_span_ends`] is set (or past the
    /// global offset space).
    positions: Vec<Location>,
    /// Whether positions record where their range ends (else [`Location::end`] is its start).
    pub keep_span_ends: bool,
}

/// Positions with this bit set are indices into `SourceMap::positions`; the others are global
/// offsets.
const TABLE_BIT: u32 = 1 << 31;

impl Default for SourceMap {
    fn default() -> Self {
        Self::new()
    }
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap { files: Vec::new(), published: false, next_base: 1, positions: Vec::new(), keep_span_ends: false }
    }

    pub fn add(&mut self, origin: Origin, text: Rc<str>) -> FileId {
        let base = self.next_base;
        // One offset past the end belongs to the file too (positions at its end).
        self.next_base = base.saturating_add(u32::try_from(text.len()).unwrap_or(u32::MAX)).saturating_add(1);
        let file = Rc::new(SourceFile { origin, text, base, line_starts: OnceCell::new() });
        if self.published {
            SHOWN.with(|shown| shown.borrow_mut().push(file.clone()));
        }
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    /// Makes this map the one [`describe_shown`] resolves positions against on this thread
    /// (the evaluation's map: values shown inside messages name where a function was defined).
    /// A later call by another map replaces it.
    pub fn publish(&mut self) {
        self.published = true;
        SHOWN.with(|shown| *shown.borrow_mut() = self.files.clone());
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Every registered source, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), &**f))
    }

    #[inline]
    pub fn pos(&mut self, file: FileId, start: u32, end: u32) -> Pos {
        if !self.keep_span_ends {
            if let Some(f) = self.files.get(file.0 as usize) {
                let global = f.base as u64 + start as u64;
                if global < f.base as u64 + f.text.len() as u64 + 1 && global < TABLE_BIT as u64 {
                    return Pos(global as u32);
                }
            }
        }
        self.pos_in_table(file, start, end)
    }

    #[cold]
    fn pos_in_table(&mut self, file: FileId, start: u32, end: u32) -> Pos {
        if self.positions.len() >= (TABLE_BIT - 1) as usize {
            return Pos::NONE;
        }
        self.positions.push(Location { file, start, end });
        Pos(TABLE_BIT | (self.positions.len() as u32 - 1))
    }

    pub fn location(&self, pos: Pos) -> Option<Location> {
        if pos.is_none() {
            None
        } else if pos.0 & TABLE_BIT != 0 {
            self.positions.get((pos.0 & !TABLE_BIT) as usize).cloned()
        } else {
            let (idx, start) = locate(&self.files, pos)?;
            Some(Location { file: FileId(idx as u32), start, end: start })
        }
    }

    /// `(file name, line, column)` of a position.
    pub fn describe(&self, pos: Pos) -> Option<(String, u32, u32)> {
        let loc = self.location(pos)?;
        let file = self.file(loc.file);
        let (line, col) = file.line_col(loc.start);
        Some((file.name(), line, col))
    }
}

thread_local! {
    /// The files of the published map (see [`SourceMap::publish`]).
    static SHOWN: std::cell::RefCell<Vec<Rc<SourceFile>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `file:line:col` of a position of the published map, as CppNix shows positions inside
/// values (`«lambda f @ /path/file.nix:3:7»`); `None` without a published map or for a
/// position it cannot resolve (positions recorded with their span ends).
pub fn describe_shown(pos: Pos) -> Option<String> {
    if pos.is_none() || pos.0 & TABLE_BIT != 0 {
        return None;
    }
    SHOWN.with(|shown| {
        let files = shown.borrow();
        let (idx, start) = locate(&files, pos)?;
        let (line, col) = files[idx].line_col(start);
        Some(format!("{}:{line}:{col}", files[idx].name()))
    })
}

/// The file (index into `files`) and byte offset of a global-offset position.
fn locate(files: &[Rc<SourceFile>], pos: Pos) -> Option<(usize, u32)> {
    let idx = files.partition_point(|f| f.base <= pos.0).checked_sub(1)?;
    let start = pos.0 - files[idx].base;
    (start as usize <= files[idx].text.len()).then_some((idx, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_shown_against_the_published_map() {
        let mut map = SourceMap::new();
        let a = map.add(Origin::String, "x: x".into());
        let pos = map.pos(a, 0, 0);
        assert_eq!(describe_shown(pos), None, "nothing published yet");
        map.publish();
        assert_eq!(describe_shown(pos).as_deref(), Some("«string»:1:1"));
        // Files added after publishing are seen too.
        let b = map.add(Origin::File("/f.nix".into()), "\n  y: y".into());
        assert_eq!(describe_shown(map.pos(b, 3, 3)).as_deref(), Some("/f.nix:2:3"));
        assert_eq!(describe_shown(Pos::NONE), None);
    }

    #[test]
    fn line_and_column() {
        let mut map = SourceMap::new();
        let id = map.add(Origin::String, "ab\ncd\n\nef".into());
        let f = map.file(id);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 2));
        assert_eq!(f.line_col(7), (4, 1));
        assert_eq!(f.line_text(2), "cd");
        assert_eq!(f.line_text(3), "");
        let p = map.pos(id, 3, 5);
        assert_eq!(map.describe(p), Some(("«string»".into(), 2, 1)));
        assert_eq!(map.describe(Pos::NONE), None);
    }

    #[test]
    fn positions_with_and_without_ends() {
        let mut map = SourceMap::new();
        let a = map.add(Origin::String, "abc".into());
        let b = map.add(Origin::String, "".into());
        let c = map.add(Origin::String, "x\nyz".into());
        let p = map.pos(c, 3, 4);
        assert_eq!(map.location(p), Some(Location { file: c, start: 3, end: 3 }));
        assert_eq!(map.describe(p), Some(("«string»".into(), 2, 2)));
        for (file, start, end) in [(a, 3, 3), (b, 0, 0), (a, 0, 2)] {
            let p = map.pos(file, start, end);
            assert_eq!(map.location(p), Some(Location { file, start, end: start }));
        }
        map.keep_span_ends = true;
        let q = map.pos(a, 1, 3);
        assert_eq!(map.location(q), Some(Location { file: a, start: 1, end: 3 }));
        assert_eq!(map.location(p), Some(Location { file: c, start: 3, end: 3 }));
    }
}
