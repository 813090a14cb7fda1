//! Native stack budget. The evaluator and the lowering pass are recursive; instead of crashing
//! on a stack overflow they check, at each recursive step, how much of the thread's stack they
//! have used since [`set_base`] was called and fail with a clear error past the budget.
//! Evaluation threads are started with a large stack (see `eval::with_big_stack`) and set a
//! budget a little below it.

use std::cell::Cell;

thread_local! {
    static BASE: Cell<usize> = const { Cell::new(0) };
    static BUDGET: Cell<usize> = const { Cell::new(usize::MAX) };
}

#[inline(always)]
fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Records the current position as the base of the budget of `bytes` bytes.
pub fn set_base(bytes: usize) {
    BASE.with(|b| b.set(here()));
    BUDGET.with(|b| b.set(bytes));
}

/// Whether the budget is exhausted. Without a base, a conservative budget of 1 MiB below the
/// first call is used.
#[inline]
pub fn exhausted() -> bool {
    let base = BASE.with(|b| b.get());
    if base == 0 {
        set_base(1 << 20);
        return false;
    }
    base.saturating_sub(here()) > BUDGET.with(|b| b.get())
}

/// The lowest stack address the budget allows, for callers that check often: they compute it
/// once and then ask [`past`], a single comparison, instead of [`exhausted`].
pub fn limit() -> usize {
    let base = BASE.with(|b| b.get());
    if base == 0 {
        set_base(1 << 20);
        return limit();
    }
    base.saturating_sub(BUDGET.with(|b| b.get()))
}

/// Whether the stack has grown past `limit` (from [`limit`]): the same answer as [`exhausted`]
/// while the base and budget stay as they were.
#[inline(always)]
pub fn past(limit: usize) -> bool {
    here() < limit
}
