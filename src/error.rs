//! Evaluation errors as values.
//!
//! An [`EvalError`] is one pointer wide (so `Result<Value, EvalError>` stays small) and holds an
//! [`ErrorKind`], the message, the position where it was raised (attached on the way out with
//! [`EvalError::at`], which never overwrites a more precise position), an optional hint ("did
//! you mean ...?") and the trace frames pushed while the error unwound through attribute
//! selection, calls and imports. Which errors `builtins.tryEval` catches is a property of the
//! kind ([`ErrorKind::is_catchable`]). Rendering lives in [`render`]; nothing here prints.

pub mod render;

use crate::syntax::source::Pos;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A syntax error or a check the parser leaves to lowering (duplicate attributes, ...).
    Parse,
    UndefinedVariable,
    /// `throw`.
    Throw,
    /// `abort`.
    Abort,
    /// A failed `assert`.
    Assert,
    /// A value of the wrong type.
    Type,
    /// `attribute 'x' missing`.
    MissingAttr,
    InfiniteRecursion,
    StackOverflow,
    DivisionByZero,
    Overflow,
    /// Any other evaluation error.
    Eval,
    /// Reading a file failed.
    Io,
    /// Pure evaluation forbids this.
    Restricted,
    /// A bug in nixeval.
    Internal,
}

impl ErrorKind {
    /// Whether `builtins.tryEval` catches this kind (only `throw` and failed assertions).
    pub fn is_catchable(self) -> bool {
        matches!(self, ErrorKind::Throw | ErrorKind::Assert)
    }
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub pos: Pos,
    pub message: String,
    /// Shown even without `--show-trace` (CppNix's `TracePrint::Always`-like frames, such as
    /// the call site of a function refusing its argument set).
    pub always: bool,
}

#[derive(Clone, Debug)]
pub struct ErrorData {
    pub kind: ErrorKind,
    pub message: String,
    pub pos: Pos,
    pub hint: Option<String>,
    pub frames: Vec<Frame>,
}

#[derive(Clone, Debug)]
pub struct EvalError(pub Box<ErrorData>);

const _: () = assert!(std::mem::size_of::<EvalError>() == std::mem::size_of::<usize>());

impl EvalError {
    #[cold]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> EvalError {
        EvalError(Box::new(ErrorData { kind, message: message.into(), pos: Pos::NONE, hint: None, frames: Vec::new() }))
    }
    #[cold]
    pub fn type_error(message: impl Into<String>) -> EvalError {
        EvalError::new(ErrorKind::Type, message)
    }
    #[cold]
    pub fn eval(message: impl Into<String>) -> EvalError {
        EvalError::new(ErrorKind::Eval, message)
    }
    /// Sets the position unless one is already set.
    pub fn at(mut self, pos: Pos) -> EvalError {
        if self.0.pos.is_none() {
            self.0.pos = pos;
        }
        self
    }
    pub fn with_hint(mut self, hint: String) -> EvalError {
        self.0.hint = Some(hint);
        self
    }
    /// Adds a trace frame ("while evaluating ...") as the error unwinds.
    #[cold]
    pub fn frame(self, pos: Pos, message: impl Into<String>) -> EvalError {
        self.push_frame(Frame { pos, message: message.into(), always: false })
    }
    /// Adds a trace frame that is rendered even without `--show-trace`.
    #[cold]
    pub fn frame_always(self, pos: Pos, message: impl Into<String>) -> EvalError {
        self.push_frame(Frame { pos, message: message.into(), always: true })
    }
    /// Traces keep their first 1000 frames (deep recursions would otherwise grow them without
    /// bound).
    fn push_frame(mut self, frame: Frame) -> EvalError {
        if self.0.frames.len() < 1000 {
            self.0.frames.push(frame);
        }
        self
    }
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    pub fn message(&self) -> &str {
        &self.0.message
    }
    pub fn pos(&self) -> Pos {
        self.0.pos
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let max = match name.len() {
        0..=2 => 1,
        3..=5 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = levenshtein(name, c);
        if d <= max && best.map_or(true, |(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] { 0 } else { 1 };
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let names = ["foo", "bar", "fooBar"];
        assert_eq!(did_you_mean("fo", names.iter().copied()), Some("foo".into()));
        assert_eq!(did_you_mean("fooBaz", names.iter().copied()), Some("fooBar".into()));
        assert_eq!(did_you_mean("zzzzzz", names.iter().copied()), None);
    }

    #[test]
    fn catchable_kinds() {
        assert!(ErrorKind::Throw.is_catchable());
        assert!(ErrorKind::Assert.is_catchable());
        assert!(!ErrorKind::Abort.is_catchable());
        assert!(!ErrorKind::Type.is_catchable());
    }
}
