//! Freeing the reference cycles that recursive scopes create.
//!
//! Values are reference counted, and a `let` or `rec` frame refers to its own bindings' thunks
//! while those thunks (until forced) and the closures they produce refer back to the frame. When
//! the program is done with such a frame, the cycle keeps it and everything it reaches alive.
//! This module finds those frames and breaks their cycles, without a general tracing collector:
//!
//! - frames that can be part of such a cycle (`let`/`rec` frames, frames of lambdas whose
//!   formals have defaults) are registered as candidates when they are created;
//! - from time to time each candidate `F` is scanned: starting from its slots, the scan follows
//!   only objects owned exclusively by what it has already visited (reference count equal to the
//!   references found along the way) and counts the references back to `F` it meets;
//! - if every strong reference to `F` is one of those, nothing outside can reach `F`: the
//!   states of the thunks in its slots are cleared, which breaks the cycle and lets reference
//!   counting free it all.
//!
//! The scan is conservative: anything it cannot see into (native closures, shared objects, a
//! thunk being forced, a budget exceeded) counts as an outside reference, so a frame that might
//! be reachable is never touched. Candidates that survive a scan move to an older generation
//! that is scanned less often (each time it has doubled), so long-lived frames cost amortised
//! linear time. What this does not free: cycles through shared structure (two frames referring
//! to each other through a thunk both hold), and frames whose last outside reference disappears
//! after they were given up on (they stay as before: freed at exit).

use super::value::{Env, Thunk, ThunkCell, ThunkRef, ThunkState, Value, WeakEnv};
use std::rc::Rc;

/// How many new candidates trigger a scan of the young generation. Breaking cycles costs time
/// (freeing memory that has gone cold touches it all again), so an evaluation of ordinary size
/// never pays for it; a large or long-running one gets its memory back in bounded steps.
const YOUNG_LIMIT: usize = 1 << 18;
/// The most objects one frame's scan visits before giving up (the frame then counts as live).
const SCAN_BUDGET: u32 = 4096;

pub struct Cycles {
    young: Vec<WeakEnv>,
    /// See [`YOUNG_LIMIT`] (smaller in tests).
    young_limit: usize,
    old: Vec<WeakEnv>,
    /// The size of the old generation after its last scan.
    old_base: usize,
    /// Frames whose cycles were broken (for tests and statistics).
    pub freed: u64,
}

impl Default for Cycles {
    fn default() -> Cycles {
        Cycles::with_limit(YOUNG_LIMIT)
    }
}

impl Cycles {
    pub fn with_limit(young_limit: usize) -> Cycles {
        Cycles { young: Vec::new(), young_limit, old: Vec::new(), old_base: 0, freed: 0 }
    }

    /// Registers a frame that may become part of a cycle. Returns whether a collection is due.
    #[inline]
    pub fn register(&mut self, frame: &Env) -> bool {
        // A frame that cannot take one more weak reference is simply not tracked.
        if let Some(w) = frame.downgrade() {
            self.young.push(w);
        }
        self.young.len() >= self.young_limit
    }

    /// Scans the young generation (and the old one when it has doubled since its last scan),
    /// breaking the cycles of frames nothing else can reach.
    pub fn collect(&mut self) {
        let young = std::mem::take(&mut self.young);
        for w in young {
            if let Some(frame) = w.upgrade() {
                drop(w);
                self.try_free(frame);
            }
        }
        if self.old.len() >= 2 * self.old_base.max(self.young_limit) {
            let old = std::mem::take(&mut self.old);
            for w in old {
                if let Some(frame) = w.upgrade() {
                    drop(w);
                    self.try_free(frame);
                }
            }
            self.old_base = self.old.len();
        }
    }

    /// Frees `frame` if only its own cycle holds it; otherwise keeps it in the old generation.
    fn try_free(&mut self, frame: Env) {
        if is_garbage(&frame) {
            break_cycle(&frame);
            self.freed += 1;
        } else {
            if let Some(w) = frame.downgrade() {
                self.old.push(w);
            }
        }
    }
}

/// Whether every strong reference to `frame` (besides the caller's) comes from objects that
/// only `frame` owns.
fn is_garbage(frame: &Env) -> bool {
    let target = frame.as_ptr();
    // The slots' cells, with how often each occurs (a binding may share an earlier one's thunk).
    let mut cells: Vec<&ThunkRef> = frame
        .slots()
        .iter()
        .filter_map(|t| match t {
            Thunk::Lazy(c) => Some(c),
            Thunk::Ready(_) => None,
        })
        .collect();
    cells.sort_unstable_by_key(|c| ThunkRef::as_ptr(c));
    let mut scan = Scan { target, found: 0, budget: SCAN_BUDGET };
    for group in cells.chunk_by(|a, b| ThunkRef::ptr_eq(a, b)) {
        let cell = group[0];
        if ThunkRef::strong_count(cell) == group.len() && !scan.cell(cell) {
            return false;
        }
    }
    // Strong references: the caller's one, plus those found inside.
    scan.found as usize + 1 == frame.strong_count()
}

struct Scan {
    target: *const (),
    found: u32,
    budget: u32,
}

impl Scan {
    /// Counts references to the target inside an exclusively owned cell's state. `false` when
    /// the budget is exhausted or the state cannot be seen into (then nothing may be freed).
    fn cell(&mut self, cell: &ThunkCell) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        match cell.state.borrow() {
            ThunkState::Suspended(_, env) => self.env(env),
            ThunkState::Done(v) => self.value(v),
            ThunkState::Apply(c, arg) => (Rc::strong_count(c) != 1 || self.env(&c.env)) && self.thunk(arg),
            ThunkState::ApplyValue(app) => self.value(&app.0) && self.thunk(&app.1),
            // A native closure is opaque; a black hole is being forced right now.
            ThunkState::Native(_) | ThunkState::Blackhole => false,
        }
    }

    /// A reference to an environment: the target itself, or a frame only this reference holds.
    fn env(&mut self, env: &Env) -> bool {
        if env.as_ptr() == self.target {
            self.found += 1;
            return true;
        }
        if env.strong_count() != 1 {
            return true; // shared: whatever it holds is not counted, which is conservative
        }
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        if let Some(p) = env.parent() {
            if !self.env(p) {
                return false;
            }
        }
        env.slots().iter().all(|t| self.thunk(t))
    }

    fn thunk(&mut self, t: &Thunk) -> bool {
        match t {
            Thunk::Ready(v) => self.value(v),
            Thunk::Lazy(c) if ThunkRef::strong_count(c) == 1 => self.cell(c),
            Thunk::Lazy(_) => true,
        }
    }

    fn value(&mut self, v: &Value) -> bool {
        match v {
            Value::Lambda(c) if Rc::strong_count(c) == 1 => self.env(&c.env),
            Value::Attrs(a) if a.strong_count() == 1 => a.iter().all(|e| self.thunk(&e.value)),
            Value::List(l) if Rc::strong_count(l) == 1 => l.0.iter().all(|t| self.thunk(t)),
            Value::PrimOpApp(p) if Rc::strong_count(p) == 1 => p.args.iter().all(|t| self.thunk(t)),
            _ => true,
        }
    }
}

/// Clears the states of the thunks in an unreachable frame's slots, which drops every
/// reference the frame holds to itself.
fn break_cycle(frame: &Env) {
    let mut dropped: Vec<ThunkState> = Vec::new();
    for t in frame.slots() {
        if let Thunk::Lazy(c) = t {
            dropped.push(std::mem::replace(c.state.borrow_mut(), ThunkState::Blackhole));
        }
    }
    // The old states are dropped here, after no cell is borrowed any more.
    drop(dropped);
}

#[cfg(test)]
mod tests {
    use super::Cycles;
    use crate::eval::{EvalOptions, Evaluator};

    fn run(src: &str, limit: usize) -> (String, u64) {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::RealIo));
        ev.reset_stack_base();
        ev.cycles = Cycles::with_limit(limit);
        let v = ev.eval_str(src, "/").expect("evaluates");
        ev.force_deep(&v).expect("forces");
        (String::from_utf8_lossy(&crate::print::print_value(&v)).into_owned(), ev.cycles.freed)
    }

    #[test]
    fn dead_let_frames_are_freed_and_results_unchanged() {
        // Each iteration's `let` keeps an unforced binding (a cycle through the frame).
        let src = "builtins.foldl' (a: i: a + (let x = i; y = x; z = y + 1; in y)) 0 (builtins.genList (i: i) 2000)";
        let (out, freed) = run(src, 64);
        assert_eq!(out, "1999000");
        assert!(freed > 1000, "freed {freed}");
    }

    #[test]
    fn live_frames_are_kept() {
        // The closures and unforced bindings stay reachable from the result list until it is
        // printed; collections run many times while it is built.
        let src = "let mk = i: rec { a = i; b = a * 2; f = x: x + b; }; \
                   xs = builtins.genList mk 3000; \
                   in builtins.foldl' (acc: s: acc + s.f 1) 0 xs";
        let (out, _) = run(src, 16);
        assert_eq!(out, "9000000");
        let src = "let xs = builtins.genList (i: let v = { inherit i; w = v.i + 1; }; in v) 500; \
                   in builtins.foldl' (a: s: a + s.w) 0 xs";
        assert_eq!(run(src, 8).0, "125250");
    }

    #[test]
    fn recursive_functions_in_lets_are_freed() {
        let src = "builtins.foldl' (a: i: a + (let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 3)) 0 (builtins.genList (i: i) 500)";
        let (out, freed) = run(src, 32);
        assert_eq!(out, "1500");
        assert!(freed > 100, "freed {freed}");
    }
}
