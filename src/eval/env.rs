//! Runtime scopes: [`Env`], a reference-counted frame of slots with a link to its enclosing
//! frame, stored in one allocation (a small header followed by the slots inline).
//!
//! Frames are the most frequently allocated objects of an evaluation (one per function call,
//! `let`, `rec` set and `with`), so they get a layout of their own instead of an
//! `Rc<struct { Box<[Thunk]>, parent }>`: one allocation instead of two for frames with several
//! slots, one indirection fewer on every variable lookup, and a header of two words (a 32-bit
//! count; the length and the weak count packed in 32 bits; the parent). Slots never change
//! after a frame is built (cells inside them do), so a frame is shared freely.
//! Weak references exist for the cycle breaker (`cycles`), which must not keep frames alive.
//! Dropping a long chain of frames walks the parent links in a loop rather than recursing.

use super::value::{Thunk, Value};
use std::alloc::Layout;
use std::cell::Cell;
use std::ptr::NonNull;

/// A shared frame: `len` slots and an optional parent.
pub struct Env(NonNull<Header>);

/// A reference to a frame that does not keep it alive.
pub struct WeakEnv(NonNull<Header>);

#[repr(C)]
struct Header {
    strong: Cell<u32>,
    /// The number of slots (low 24 bits) and of weak references (high 8 bits, not counting
    /// the strong ones), packed so that the header is two words.
    len_weak: Cell<u32>,
    parent: Option<Env>,
    // followed by `len` thunks
}

/// The most slots a frame has (frames are sized by the source: parameters, bindings).
pub const MAX_SLOTS: usize = (1 << 24) - 1;
const WEAK_ONE: u32 = 1 << 24;

const _: () = assert!(std::mem::size_of::<Header>() == 16);
const _: () = assert!(std::mem::size_of::<Option<Env>>() == 8);

/// The block of a frame of `len` slots: the header, then the slots.
#[inline(always)]
fn layout(len: usize) -> Layout {
    // `len` fits in 32 bits, so the size cannot overflow; the alignment is the header's (which
    // is also the thunks').
    debug_assert!(len <= u32::MAX as usize);
    // SAFETY: the alignment is a power of two and the size does not overflow `isize`.
    unsafe { Layout::from_size_align_unchecked(SLOTS + len * std::mem::size_of::<Thunk>(), std::mem::align_of::<Header>()) }
}

/// Where the slots start, after the header.
const SLOTS: usize = std::mem::size_of::<Header>();
const _: () = assert!(SLOTS % std::mem::align_of::<Thunk>() == 0);
const _: () = assert!(std::mem::align_of::<Thunk>() <= std::mem::align_of::<Header>());

impl Env {
    /// Allocates a frame whose slots are produced by `fill`, which must yield exactly `len`
    /// thunks.
    #[inline]
    fn build(len: usize, parent: Option<Env>, fill: impl FnOnce(*mut Thunk)) -> Env {
        let l = layout(len);
        // SAFETY: the layout has a non-zero size (the header); on success the block is fully
        // initialised below (header, then the slots by `fill`) before anything reads it.
        unsafe {
            let p = std::alloc::alloc(l) as *mut Header;
            let Some(p) = NonNull::new(p) else { std::alloc::handle_alloc_error(l) };
            p.as_ptr().write(Header { strong: Cell::new(1), len_weak: Cell::new(len as u32), parent });
            fill((p.as_ptr() as *mut u8).add(SLOTS) as *mut Thunk);
            Env(p)
        }
    }

    /// A frame holding `slots`, inside `parent`.
    pub fn new(slots: Vec<Thunk>, parent: &Env) -> Env {
        assert!(slots.len() <= MAX_SLOTS, "frame too large");
        let len = slots.len();
        Env::build(len, Some(parent.clone()), |dst| {
            let mut slots = std::mem::ManuallyDrop::new(slots);
            // SAFETY: `dst` has room for `len` thunks; the vector's elements are moved out
            // (its buffer is then freed without dropping them).
            unsafe {
                std::ptr::copy_nonoverlapping(slots.as_ptr(), dst, len);
                slots.set_len(0);
                std::mem::ManuallyDrop::drop(&mut slots);
            }
        })
    }

    /// A frame with one slot inside `parent` (lambda parameters, `with`).
    #[inline]
    pub fn new1(slot: Thunk, parent: &Env) -> Env {
        Env::build(1, Some(parent.clone()), |dst| {
            // SAFETY: `dst` has room for one thunk.
            unsafe { dst.write(slot) }
        })
    }

    /// A frame of `len` slots inside `parent`, each holding `null` until [`Env::init_slot`]
    /// fills it.
    #[inline]
    pub fn blank(len: usize, parent: &Env) -> Env {
        assert!(len <= MAX_SLOTS, "frame too large");
        Env::build(len, Some(parent.clone()), |dst| {
            for i in 0..len {
                // SAFETY: `dst` has room for `len` thunks.
                unsafe { dst.add(i).write(Thunk::Ready(Value::Null)) }
            }
        })
    }

    /// Fills slot `i` of a frame being built.
    ///
    /// # Safety
    /// The frame must still be under construction: no reference into its slots is alive, and
    /// nothing that could read them (a thunk holding the frame) has been evaluated since it was
    /// created. Slots are immutable once a frame is in use. `i` must be less than the number
    /// of slots.
    #[inline(always)]
    pub unsafe fn init_slot(&self, i: usize, t: Thunk) {
        debug_assert!(i < self.header().len());
        let p = ((self.0.as_ptr() as *mut u8).add(SLOTS) as *mut Thunk).add(i);
        // The slot holds its `null` placeholder, which owns nothing: overwrite it in place.
        debug_assert!(matches!(&*p, Thunk::Ready(Value::Null)));
        p.write(t);
    }

    /// A frame for lambda slot `k` of a chain of `len` (see `LambdaDef::chain_slot`) inside
    /// `parent`: slots `0..k` are copies of `filled`, slot `k` is `arg`, the rest `null` until
    /// the following lambdas of the chain fill them.
    #[inline]
    pub fn chain(len: usize, parent: &Env, filled: &[Thunk], arg: Thunk) -> Env {
        let k = filled.len();
        assert!(k < len && len <= MAX_SLOTS);
        Env::build(len, Some(parent.clone()), |dst| {
            // SAFETY: `dst` has room for `len` thunks, each written once.
            unsafe {
                for (i, t) in filled.iter().enumerate() {
                    dst.add(i).write(t.clone());
                }
                dst.add(k).write(arg);
                for i in k + 1..len {
                    dst.add(i).write(Thunk::Ready(Value::Null));
                }
            }
        })
    }

    /// A frame of the two slots `a` and `b` inside `parent`.
    #[inline]
    pub fn pair(a: Thunk, b: Thunk, parent: &Env) -> Env {
        Env::build(2, Some(parent.clone()), |dst| {
            // SAFETY: `dst` has room for two thunks.
            unsafe {
                dst.write(a);
                dst.add(1).write(b);
            }
        })
    }

    /// A frame of `len` slots inside `parent`, slot `i` being `slot(i)` (called in order).
    #[inline]
    pub fn filled(len: usize, parent: &Env, mut slot: impl FnMut(usize) -> Thunk) -> Env {
        assert!(len <= MAX_SLOTS, "frame too large");
        Env::build(len, Some(parent.clone()), |dst| {
            for i in 0..len {
                // SAFETY: `dst` has room for `len` thunks, each written once.
                unsafe { dst.add(i).write(slot(i)) }
            }
        })
    }

    /// An empty frame without a parent (the root of every scope chain).
    pub fn root() -> Env {
        Env::build(0, None, |_| {})
    }

    #[inline(always)]
    fn header(&self) -> &Header {
        // SAFETY: a strong reference keeps the header alive and initialised.
        unsafe { self.0.as_ref() }
    }

    /// The enclosing frame.
    #[inline(always)]
    pub fn parent(&self) -> Option<&Env> {
        self.header().parent.as_ref()
    }

    /// The frame's slots.
    #[inline(always)]
    pub fn slots(&self) -> &[Thunk] {
        let len = self.header().len();
        // SAFETY: the slots were initialised when the frame was built and live as long as a
        // strong reference does; they are never mutated afterwards.
        unsafe { std::slice::from_raw_parts((self.0.as_ptr() as *const u8).add(SLOTS) as *const Thunk, len) }
    }

    /// Slot `i` (which must exist: variable slots are resolved when lowering).
    #[inline(always)]
    pub fn get(&self, i: usize) -> &Thunk {
        &self.slots()[i]
    }

    /// The frame's address (identity only).
    #[inline]
    pub fn as_ptr(&self) -> *const () {
        self.0.as_ptr() as *const ()
    }

    /// How many strong references the frame has.
    #[inline]
    pub fn strong_count(&self) -> usize {
        self.header().strong.get() as usize
    }

    /// A weak reference, unless the frame already has as many as its header counts (255; the
    /// cycle breaker, their only user, holds at most two per frame).
    pub fn downgrade(&self) -> Option<WeakEnv> {
        let h = self.header();
        if h.weak() == u8::MAX as u32 {
            return None;
        }
        h.len_weak.set(h.len_weak.get() + WEAK_ONE);
        Some(WeakEnv(self.0))
    }

    /// Drops the contents of a frame whose last strong reference is gone, then frees the block
    /// unless weak references remain; returns the parent, whose reference is dropped by the
    /// caller (in a loop, so that long chains do not recurse).
    ///
    /// # Safety
    /// `p` must point to a live frame whose strong count just reached zero.
    unsafe fn release(p: NonNull<Header>) -> Option<Env> {
        let h = p.as_ptr();
        let len = (*h).len();
        let slots = (h as *mut u8).add(SLOTS) as *mut Thunk;
        // Dropping the slots cannot drop a weak reference (slots never hold one), so the weak
        // count read afterwards is the one that decides. Plain numbers, Booleans and `null`
        // (eager arguments, placeholders) own nothing and are skipped without a call.
        for i in 0..len {
            let t = slots.add(i);
            if !matches!(&*t, Thunk::Ready(Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_))) {
                std::ptr::drop_in_place(t);
            }
        }
        let parent = std::ptr::replace(std::ptr::addr_of_mut!((*h).parent), None);
        if (*h).weak() == 0 {
            std::alloc::dealloc(h as *mut u8, layout(len));
        }
        parent
    }
}

impl Header {
    #[inline(always)]
    fn len(&self) -> usize {
        (self.len_weak.get() & (WEAK_ONE - 1)) as usize
    }
    #[inline(always)]
    fn weak(&self) -> u32 {
        self.len_weak.get() >> 24
    }
}

impl Clone for Env {
    #[inline(always)]
    fn clone(&self) -> Env {
        retain(&self.header().strong);
        Env(self.0)
    }
}

impl Drop for Env {
    #[inline]
    fn drop(&mut self) {
        let h = self.header();
        let n = h.strong.get() - 1;
        h.strong.set(n);
        if n == 0 {
            drop_chain(self.0);
        }
    }
}

/// Takes one more strong reference on a hand-counted block (frames here, attribute sets in
/// `attrs`). Counts cannot realistically overflow (every reference takes memory), but wrapping
/// would be unsound: stop instead.
#[inline(always)]
pub(super) fn retain<C: Count>(strong: &Cell<C>) {
    match strong.get().plus_one() {
        Some(n) => strong.set(n),
        None => std::process::abort(),
    }
}

/// A reference count: `u32` in frame headers, `usize` elsewhere.
pub(super) trait Count: Copy {
    fn plus_one(self) -> Option<Self>;
}

impl Count for u32 {
    #[inline(always)]
    fn plus_one(self) -> Option<u32> {
        self.checked_add(1)
    }
}

impl Count for usize {
    #[inline(always)]
    fn plus_one(self) -> Option<usize> {
        self.checked_add(1)
    }
}

#[inline(never)]
fn drop_chain(mut p: NonNull<Header>) {
    loop {
        // SAFETY: `p`'s strong count has just reached zero.
        let Some(parent) = (unsafe { Env::release(p) }) else { return };
        let parent = std::mem::ManuallyDrop::new(parent);
        let h = parent.header();
        let n = h.strong.get() - 1;
        h.strong.set(n);
        if n != 0 {
            return;
        }
        p = parent.0;
    }
}

impl WeakEnv {
    /// The frame, if it is still alive.
    pub fn upgrade(&self) -> Option<Env> {
        // SAFETY: a weak reference keeps the header allocated.
        let h = unsafe { self.0.as_ref() };
        if h.strong.get() == 0 {
            return None;
        }
        retain(&h.strong);
        Some(Env(self.0))
    }
}

impl Drop for WeakEnv {
    fn drop(&mut self) {
        // SAFETY: a weak reference keeps the header allocated until it is dropped.
        unsafe {
            let h = self.0.as_ptr();
            let lw = (*h).len_weak.get() - WEAK_ONE;
            (*h).len_weak.set(lw);
            if (*h).weak() == 0 && (*h).strong.get() == 0 {
                std::alloc::dealloc(h as *mut u8, layout((*h).len()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::value::Value;

    fn int(t: &Thunk) -> i64 {
        match t.peek() {
            Some(Value::Int(i)) => *i,
            _ => panic!("not an int"),
        }
    }

    #[test]
    fn slots_and_parents() {
        let root = Env::root();
        assert!(root.slots().is_empty() && root.parent().is_none());
        let a = Env::new1(Thunk::Ready(Value::Int(1)), &root);
        let b = Env::new(vec![Thunk::Ready(Value::Int(2)), Thunk::Ready(Value::Int(3))], &a);
        assert_eq!(int(b.get(1)), 3);
        assert_eq!(int(b.parent().unwrap().get(0)), 1);
        assert_eq!(b.parent().unwrap().as_ptr(), a.as_ptr());
        assert_eq!(a.strong_count(), 2);
        drop(b);
        assert_eq!(a.strong_count(), 1);
    }

    #[test]
    fn chain_frames_copy_the_filled_slots() {
        let root = Env::root();
        let first = Env::chain(3, &root, &[], Thunk::Ready(Value::Int(1)));
        let second = Env::chain(3, &root, &first.slots()[..1], Thunk::Ready(Value::Int(2)));
        assert_eq!((int(second.get(0)), int(second.get(1))), (1, 2));
        assert!(matches!(second.get(2), Thunk::Ready(Value::Null)));
        assert!(matches!(first.get(1), Thunk::Ready(Value::Null)));
    }

    #[test]
    fn weak_references_do_not_keep_frames_alive() {
        let root = Env::root();
        let a = Env::new(vec![Thunk::Ready(Value::str("x"))], &root);
        let w = a.downgrade().expect("room for a weak reference");
        assert!(w.upgrade().is_some());
        drop(a);
        assert!(w.upgrade().is_none());
        assert_eq!(root.strong_count(), 1);
    }

    #[test]
    fn weak_references_are_counted_beside_the_length() {
        let root = Env::root();
        let a = Env::blank(1000, &root);
        let ws: Vec<WeakEnv> = (0..255).map(|_| a.downgrade().expect("room")).collect();
        assert!(a.downgrade().is_none(), "the 256th weak reference is refused");
        assert_eq!(a.slots().len(), 1000);
        drop(ws);
        assert_eq!(a.slots().len(), 1000);
        let w = a.downgrade().expect("room again");
        drop(a);
        assert!(w.upgrade().is_none());
    }

    #[test]
    fn long_chains_drop_without_recursion() {
        let mut e = Env::root();
        for i in 0..1_000_000 {
            e = Env::new1(Thunk::Ready(Value::Int(i)), &e);
        }
        drop(e);
    }
}
