//! Source files and positions.
//!
//! Every file (or `-E` expression) the evaluator reads is registered in a [`SourceMap`] and gets a
//! [`FileId`]. Positions in the evaluator are compact [`Pos`] indices (4 bytes) into a table of
//! `(file, start, end)` byte ranges owned by the same map, so values and IR nodes can carry a
//! position cheaply. Line and column numbers are computed only when an error is rendered.
//! This module does no I/O.

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
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// 1-based line and column (in bytes, as CppNix counts) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line as u32 + 1, offset - self.line_starts[line] + 1)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: u32) -> &str {
        let idx = (line - 1) as usize;
        let start = self.line_starts[idx] as usize;
        let end = self
            .line_starts
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
    files: Vec<SourceFile>,
    positions: Vec<Location>,
}

impl Default for SourceMap {
    fn default() -> Self {
        Self::new()
    }
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap {
            files: Vec::new(),
            positions: vec![Location { file: FileId(u32::MAX), start: 0, end: 0 }],
        }
    }

    pub fn add(&mut self, origin: Origin, text: Rc<str>) -> FileId {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        self.files.push(SourceFile { origin, text, line_starts });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Every registered source, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn pos(&mut self, file: FileId, start: u32, end: u32) -> Pos {
        self.positions.push(Location { file, start, end });
        Pos(self.positions.len() as u32 - 1)
    }

    pub fn location(&self, pos: Pos) -> Option<&Location> {
        if pos.is_none() {
            None
        } else {
            self.positions.get(pos.0 as usize)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
