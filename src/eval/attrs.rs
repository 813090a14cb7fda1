//! Attribute sets: [`Attrs`], a shared set of [`AttrEntry`]s sorted by symbol id, kept in one
//! allocation (a header of three words followed by the entries inline) behind a thin pointer.
//!
//! Sets are among the most frequently made values (every `{ ... }`, `rec`, `//`, `listToAttrs`
//! and `mapAttrs` result), so they get a layout of their own instead of an
//! `Rc<struct { Vec<AttrEntry>, .. }>`: one allocation instead of two, one indirection fewer on
//! every lookup, and a value that stays one word. Lookups scan small sets, index dense runs of
//! symbols directly and binary-search the rest. `big // small` does not copy `big`: the result
//! holds `small`'s entries laid over the shared `big` (a layer); lookups try the layers from the
//! top and the first iteration merges them once (cached). A set is immutable once shared: the
//! few methods that change a set work in place only on a set nobody else holds, and copy it
//! first otherwise. Name order (printing, `attrNames`) is not kept; it is computed on demand.

use super::symbol::Symbol;
use super::value::Thunk;
use crate::syntax::source::Pos;
use std::alloc::Layout;
use std::cell::{Cell, OnceCell};
use std::ptr::NonNull;

/// One attribute: its name, where it was defined, and its (possibly lazy) value.
#[derive(Clone)]
pub struct AttrEntry {
    pub name: Symbol,
    pub pos: Pos,
    pub value: Thunk,
}

const _: () = assert!(std::mem::size_of::<AttrEntry>() == 24);

/// A shared attribute set (see the module documentation). Cloning shares it.
pub struct Attrs(NonNull<Header>);

#[repr(C)]
struct Header {
    strong: Cell<usize>,
    /// Entries initialised so far (all of them once the set is built).
    len: u32,
    /// Room for entries in the block.
    cap: u32,
    /// For a layered set, what its own entries are laid over.
    layer: Option<Box<Layer>>,
    // followed by `cap` entries, the first `len` initialised
}

const _: () = assert!(std::mem::size_of::<Header>() == 24);
const _: () = assert!(std::mem::size_of::<Attrs>() == 8);

/// Where the entries start, after the header.
const ENTRIES: usize = std::mem::size_of::<Header>();
const _: () = assert!(ENTRIES % std::mem::align_of::<AttrEntry>() == 0);
const _: () = assert!(std::mem::align_of::<AttrEntry>() <= std::mem::align_of::<Header>());

/// The block of a set with room for `cap` entries.
#[inline]
fn layout(cap: usize) -> Layout {
    let size = cap.checked_mul(std::mem::size_of::<AttrEntry>()).and_then(|s| s.checked_add(ENTRIES));
    match size.map(|s| Layout::from_size_align(s, std::mem::align_of::<Header>())) {
        Some(Ok(l)) => l,
        _ => panic!("attribute set too large"),
    }
}

/// What lies below the entries of a layered set.
struct Layer {
    /// The set the entries were laid over; they shadow its entries of the same names.
    base: Attrs,
    /// The number of distinct names of the whole set.
    len: usize,
    /// The number of layers, this one included, above the first flat set.
    depth: u32,
    /// All entries merged, made on first iteration.
    flat: OnceCell<Attrs>,
}

/// How many layers `//` stacks before it builds a flat set.
const MAX_LAYERS: u32 = 16;

thread_local! {
    static EMPTY: Attrs = Attrs::alloc(0, None);
}

impl Clone for Attrs {
    #[inline]
    fn clone(&self) -> Attrs {
        super::env::retain(&self.header().strong);
        Attrs(self.0)
    }
}

impl Drop for Attrs {
    #[inline]
    fn drop(&mut self) {
        let h = self.header();
        let n = h.strong.get() - 1;
        h.strong.set(n);
        if n == 0 {
            self.free();
        }
    }
}

impl Default for Attrs {
    fn default() -> Attrs {
        Attrs::empty()
    }
}

impl Attrs {
    // ----- the block ----------------------------------------------------------------------

    /// A new set with no entries and room for `cap`.
    fn alloc(cap: usize, layer: Option<Box<Layer>>) -> Attrs {
        let Ok(cap32) = u32::try_from(cap) else { panic!("attribute set too large") };
        let l = layout(cap);
        // SAFETY: the layout has a non-zero size (the header). The header is written before the
        // pointer is used; no entry is initialised yet and `len` says so.
        unsafe {
            let p = std::alloc::alloc(l) as *mut Header;
            let Some(p) = NonNull::new(p) else { std::alloc::handle_alloc_error(l) };
            p.as_ptr().write(Header { strong: Cell::new(1), len: 0, cap: cap32, layer });
            Attrs(p)
        }
    }

    /// Drops the entries and the header and frees the block (the last reference is gone).
    #[inline(never)]
    fn free(&mut self) {
        // SAFETY: no other reference to the block exists (the count reached zero), the first
        // `len` entries are initialised, and the block was allocated with `layout(cap)`.
        unsafe {
            let h = self.0.as_ptr();
            let cap = (*h).cap as usize;
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(self.entries_ptr(), (*h).len as usize));
            std::ptr::drop_in_place(h);
            std::alloc::dealloc(h as *mut u8, layout(cap));
        }
    }

    #[inline(always)]
    fn header(&self) -> &Header {
        // SAFETY: the block lives as long as any `Attrs` pointing to it.
        unsafe { self.0.as_ref() }
    }

    #[inline(always)]
    fn entries_ptr(&self) -> *mut AttrEntry {
        // SAFETY: the entries start `ENTRIES` bytes into the block, within its allocation.
        unsafe { (self.0.as_ptr() as *mut u8).add(ENTRIES) as *mut AttrEntry }
    }

    /// This set's own entries, sorted by symbol: all of them for a flat set, the top layer's
    /// for a layered one.
    #[inline(always)]
    fn own(&self) -> &[AttrEntry] {
        // SAFETY: the first `len` entries are initialised; they change only through `&mut self`
        // on a set nobody else holds, so not while this view lives.
        unsafe { std::slice::from_raw_parts(self.entries_ptr(), self.header().len as usize) }
    }

    #[inline(always)]
    fn layer(&self) -> Option<&Layer> {
        self.header().layer.as_deref()
    }

    #[inline]
    fn is_unique(&self) -> bool {
        self.header().strong.get() == 1
    }

    /// Appends `e` to the own entries. The set must be held by nobody else and have room left
    /// (checked).
    #[inline]
    fn push_room(&mut self, e: AttrEntry) {
        let h = self.header();
        assert!(h.strong.get() == 1 && h.len < h.cap, "attribute set not writable");
        let len = h.len as usize;
        // SAFETY: slot `len` is within the block and uninitialised; the set is unique and
        // borrowed mutably, so no reference into it exists while it is written.
        unsafe {
            self.entries_ptr().add(len).write(e);
            (*self.0.as_ptr()).len += 1;
        }
    }

    /// The own entries, for changing them in place. The set must be held by nobody else.
    fn own_mut(&mut self) -> &mut [AttrEntry] {
        assert!(self.is_unique(), "attribute set not writable");
        // SAFETY: unique and borrowed mutably: no other reference into the entries exists.
        unsafe { std::slice::from_raw_parts_mut(self.entries_ptr(), self.header().len as usize) }
    }

    /// Makes this set flat, held by nobody else, with room for `extra` more entries.
    fn make_writable(&mut self, extra: usize) {
        let h = self.header();
        let (len, cap) = (h.len as usize, h.cap as usize);
        if h.strong.get() == 1 && h.layer.is_none() {
            if len + extra <= cap {
                return;
            }
            let new_cap = (len + extra).max(cap * 2).max(4);
            let Ok(new_cap32) = u32::try_from(new_cap) else { panic!("attribute set too large") };
            let new_layout = layout(new_cap);
            // SAFETY: the block is unique (nothing else points into it), was allocated with
            // `layout(cap)`, and the entries move bitwise with it; the new size is non-zero.
            unsafe {
                let p = std::alloc::realloc(self.0.as_ptr() as *mut u8, layout(cap), new_layout.size()) as *mut Header;
                let Some(p) = NonNull::new(p) else { std::alloc::handle_alloc_error(new_layout) };
                (*p.as_ptr()).cap = new_cap32;
                self.0 = p;
            }
            return;
        }
        let flat = self.flat();
        let mut copy = Attrs::alloc(flat.len() + extra.max(4), None);
        copy.extend_room(flat);
        *self = copy;
    }

    /// Appends clones of `entries` into room already reserved (checked once).
    #[inline]
    fn extend_room(&mut self, entries: &[AttrEntry]) {
        let h = self.header();
        let len = h.len as usize;
        assert!(h.strong.get() == 1 && entries.len() <= (h.cap - h.len) as usize, "attribute set not writable");
        let dst = self.entries_ptr();
        // SAFETY: slots `len..len + entries.len()` are within the block and uninitialised; the
        // set is unique and borrowed mutably, so no reference into it exists. `len` is raised
        // once at the end: should a clone panic, the entries written are leaked, never read.
        unsafe {
            for (k, e) in entries.iter().enumerate() {
                dst.add(len + k).write(e.clone());
            }
            (*self.0.as_ptr()).len += entries.len() as u32;
        }
    }

    // ----- building -----------------------------------------------------------------------

    /// The empty set (shared).
    pub fn empty() -> Attrs {
        EMPTY.with(|e| e.clone())
    }

    /// An empty set with room for `n` entries, to be filled with [`Attrs::push_sorted`] or
    /// [`Attrs::insert`].
    pub fn with_capacity(n: usize) -> Attrs {
        Attrs::alloc(n, None)
    }

    /// Builds a set from entries in any order. On duplicate names the first one is kept.
    pub fn from_unsorted(mut entries: Vec<AttrEntry>) -> Attrs {
        entries.sort_by_key(|e| e.name);
        entries.dedup_by_key(|e| e.name);
        Attrs::from_sorted(entries)
    }

    /// Builds a set from entries already sorted by symbol without duplicates.
    pub fn from_sorted(entries: Vec<AttrEntry>) -> Attrs {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        let mut set = Attrs::alloc(entries.len(), None);
        for e in entries {
            set.push_room(e);
        }
        set
    }

    /// Appends an entry in any order; [`Attrs::sort_first_wins`] must follow before the set is
    /// read or shared.
    #[inline]
    pub fn push_unsorted(&mut self, e: AttrEntry) {
        let h = self.header();
        if !(h.strong.get() == 1 && h.len < h.cap && h.layer.is_none()) {
            self.make_writable(1);
        }
        self.push_room(e);
    }

    /// Sorts entries appended by [`Attrs::push_unsorted`] by symbol; of entries with the same
    /// name, the first appended is kept.
    pub fn sort_first_wins(&mut self) {
        let es = self.own_mut();
        if es.windows(2).all(|w| w[0].name < w[1].name) {
            return;
        }
        // Stable: the first of equal names stays first.
        es.sort_by_key(|e| e.name);
        let mut last = 0;
        for r in 1..es.len() {
            if es[r].name != es[last].name {
                last += 1;
                es.swap(last, r);
            }
        }
        let keep = last + 1;
        let len = es.len();
        // SAFETY: the set is unique (checked by `own_mut`) and borrowed mutably; entries
        // `keep..len` are initialised duplicates, dropped once here and then no longer counted.
        unsafe {
            (*self.0.as_ptr()).len = keep as u32;
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(self.entries_ptr().add(keep), len - keep));
        }
    }

    /// Builds a set of `n` entries, entry `i` made by `entry(i)`; they must come sorted by
    /// symbol without duplicates. Room for `extra` more is left (for [`Attrs::insert`]).
    #[inline]
    pub fn build_sorted(n: usize, extra: usize, mut entry: impl FnMut(usize) -> AttrEntry) -> Attrs {
        let set = Attrs::alloc(n + extra, None);
        let h = set.0.as_ptr();
        let dst = set.entries_ptr();
        for i in 0..n {
            let e = entry(i);
            // SAFETY: `i < n <= cap`, so slot `i` is in the block and not initialised yet; the
            // set is not shared (made here) and no reference into it exists. `len` counts the
            // entries written so far, so a panic in `entry` leaves a valid set to drop.
            unsafe {
                debug_assert!(i == 0 || (*dst.add(i - 1)).name < e.name);
                dst.add(i).write(e);
                (*h).len = i as u32 + 1;
            }
        }
        set
    }

    /// Builds a set from entries produced already sorted by symbol without duplicates (room
    /// for as many as the iterator may produce is made at once).
    pub fn from_sorted_iter(entries: impl IntoIterator<Item = AttrEntry>) -> Attrs {
        let entries = entries.into_iter();
        let (low, high) = entries.size_hint();
        let mut set = Attrs::alloc(high.unwrap_or(low), None);
        for e in entries {
            set.push_sorted(e);
        }
        set
    }

    /// Appends an entry whose name sorts after every name of the set.
    #[inline]
    pub fn push_sorted(&mut self, e: AttrEntry) {
        debug_assert!(self.own().last().is_none_or(|l| l.name < e.name) && self.layer().is_none());
        let h = self.header();
        if !(h.strong.get() == 1 && h.len < h.cap && h.layer.is_none()) {
            self.make_writable(1);
        }
        self.push_room(e);
    }

    /// Inserts or replaces an entry.
    pub fn insert(&mut self, entry: AttrEntry) {
        match self.flat().binary_search_by_key(&entry.name, |e| e.name) {
            Ok(i) => {
                self.make_writable(0);
                self.own_mut()[i] = entry;
            }
            Err(i) => {
                self.make_writable(1);
                self.push_room(entry);
                self.own_mut()[i..].rotate_right(1);
            }
        }
    }

    // ----- reading ------------------------------------------------------------------------

    #[inline]
    pub fn len(&self) -> usize {
        match self.layer() {
            None => self.header().len as usize,
            Some(l) => l.len,
        }
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    #[inline]
    pub fn get(&self, name: Symbol) -> Option<&Thunk> {
        self.get_entry(name).map(|e| &e.value)
    }
    #[inline]
    pub fn get_entry(&self, name: Symbol) -> Option<&AttrEntry> {
        let mut at = self;
        loop {
            if let Some(e) = find_sorted(at.own(), name) {
                return Some(e);
            }
            match at.layer() {
                None => return None,
                Some(l) => at = &l.base,
            }
        }
    }
    pub fn contains(&self, name: Symbol) -> bool {
        self.get_entry(name).is_some()
    }
    /// Whether both are the same shared set.
    #[inline]
    pub fn ptr_eq(a: &Attrs, b: &Attrs) -> bool {
        a.0 == b.0
    }
    /// The address of the shared set (to recognise it again).
    #[inline]
    pub fn addr(&self) -> usize {
        self.0.as_ptr() as usize
    }
    /// How many values share this set.
    pub fn strong_count(&self) -> usize {
        self.header().strong.get()
    }

    /// All entries in symbol order.
    #[inline]
    fn flat(&self) -> &[AttrEntry] {
        match self.layer() {
            None => self.own(),
            Some(l) => l.flat.get_or_init(|| self.merged()).own(),
        }
    }
    /// The entries of a layered set merged into one flat set (not cached).
    fn merged(&self) -> Attrs {
        match self.layer() {
            None => self.clone(),
            Some(l) => l.base.merged_under(self.own()),
        }
    }
    /// This set's entries with sorted entries `top` laid over them (`top` wins), as one flat
    /// set, copying the entries of the set below the layers once.
    fn merged_under(&self, top: &[AttrEntry]) -> Attrs {
        let (acc, bottom) = self.layers_over(top);
        update_slices(bottom.own(), acc.as_ref().map_or(top, |a| a.own()))
    }
    /// The own entries of this set's layers merged from the top down (upper layers win) with
    /// `top` laid over them (`None`: just `top`), and the first flat (or already merged) set
    /// below them.
    fn layers_over(&self, top: &[AttrEntry]) -> (Option<Attrs>, &Attrs) {
        let mut acc: Option<Attrs> = None;
        let mut at: &Attrs = self;
        loop {
            match at.layer() {
                None => return (acc, at),
                Some(l) => {
                    if let Some(flat) = l.flat.get() {
                        return (acc, flat);
                    }
                    let next = update_slices(at.own(), acc.as_ref().map_or(top, |a| a.own()));
                    acc = Some(next);
                    at = &l.base;
                }
            }
        }
    }
    /// Entries in symbol order (not name order).
    #[inline]
    pub fn iter(&self) -> std::slice::Iter<'_, AttrEntry> {
        self.flat().iter()
    }
    /// Entries in lexicographic order of their names, as Nix shows them.
    pub fn sorted_by_name(&self) -> Vec<&AttrEntry> {
        let flat = self.flat();
        // Large sets holding a good share of all symbols: place each entry by its name's rank
        // among all symbols (no string comparisons, no sort).
        if flat.len() >= 32 && Symbol::count() <= flat.len() * 8 {
            return Symbol::with_name_ranks(|rank| {
                let mut at = vec![u32::MAX; rank.len()];
                for (i, e) in flat.iter().enumerate() {
                    at[rank[e.name.0 as usize] as usize] = i as u32;
                }
                let mut out = Vec::with_capacity(flat.len());
                out.extend(at.into_iter().filter(|&i| i != u32::MAX).map(|i| &flat[i as usize]));
                out
            });
        }
        // Sort (first eight bytes of the name as a big-endian integer, index) pairs, which order
        // like the names except among names sharing those eight bytes; such runs are then
        // sorted on the whole names.
        Symbol::with_names(|names| {
            let mut keyed: Vec<(u64, u32)> = flat
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let name = names[e.name.0 as usize].as_bytes();
                    let mut prefix = [0u8; 8];
                    let n = name.len().min(8);
                    prefix[..n].copy_from_slice(&name[..n]);
                    (u64::from_be_bytes(prefix), i as u32)
                })
                .collect();
            keyed.sort_unstable_by_key(|k| k.0);
            let name_of = |k: &(u64, u32)| names[flat[k.1 as usize].name.0 as usize];
            let mut start = 0;
            while start < keyed.len() {
                let mut end = start + 1;
                while end < keyed.len() && keyed[end].0 == keyed[start].0 {
                    end += 1;
                }
                if end - start > 1 {
                    keyed[start..end].sort_unstable_by(|a, b| name_of(a).cmp(name_of(b)));
                }
                start = end;
            }
            keyed.into_iter().map(|k| &flat[k.1 as usize]).collect()
        })
    }
    pub fn into_entries(self) -> Vec<AttrEntry> {
        self.flat().to_vec()
    }

    // ----- `//` ---------------------------------------------------------------------------

    /// `self // other` as a flat set: `other` wins.
    pub fn update(&self, other: &Attrs) -> Attrs {
        update_slices(self.flat(), other.flat())
    }
    /// Whether every name of `base` is also a name of `self`, so that `base // self` is `self`.
    /// Only answered (true) for flat sets, without merging layers.
    pub fn covers(&self, base: &Attrs) -> bool {
        if self.layer().is_some() || base.layer().is_some() || base.own().len() > self.own().len() {
            return false;
        }
        let mut mine = self.own().iter().map(|e| e.name);
        base.own().iter().all(|e| mine.any(|n| n == e.name))
    }

    /// `base // other`: laid over the shared `base` when `other` is small next to it,
    /// otherwise a flat set.
    ///
    /// Layers stack at most [`MAX_LAYERS`] deep. Past that, the layers' entries (with
    /// `other`'s) are merged into one layer over the flat set below them while they remain
    /// small next to it, so that a set grown one name at a time copies its bulk only after a
    /// number of additions proportional to its size.
    pub fn update_shared(base: &Attrs, other: &Attrs) -> Attrs {
        let top = other.flat();
        let depth = match base.layer() {
            None if top.len() * 16 > base.len() => return update_slices(base.own(), top),
            None => 0,
            Some(_) if top.len() * 16 > base.len() => return base.merged_under(top),
            Some(l) => l.depth,
        };
        if depth >= MAX_LAYERS {
            let (acc, bottom) = base.layers_over(top);
            let over = acc.as_ref().map_or(top, |a| a.own());
            if over.len() * 16 > bottom.len() {
                return update_slices(bottom.own(), over);
            }
            return Attrs::layered(bottom, over, 0);
        }
        Attrs::layered(base, top, depth)
    }

    /// Sorted entries `top` laid over `base` (`depth` layers deep) as a new layer.
    fn layered(base: &Attrs, top: &[AttrEntry], depth: u32) -> Attrs {
        let added = top.iter().filter(|e| !base.contains(e.name)).count();
        let layer = Layer { base: base.clone(), len: base.len() + added, depth: depth + 1, flat: OnceCell::new() };
        let mut set = Attrs::alloc(top.len(), Some(Box::new(layer)));
        set.extend_room(top);
        set
    }
}

/// Looks a name up in entries sorted by symbol.
#[inline]
fn find_sorted(e: &[AttrEntry], name: Symbol) -> Option<&AttrEntry> {
    // Small sets: a linear scan beats binary search.
    if e.len() <= 8 {
        return e.iter().find(|e| e.name == name);
    }
    let (first, last) = (e[0].name.0, e[e.len() - 1].name.0);
    if name.0 < first || name.0 > last {
        return None;
    }
    // Sets of names interned one after the other (generated names, `listToAttrs`) hold a
    // dense run of symbols: the position is the offset.
    if (last - first) as usize == e.len() - 1 {
        return Some(&e[(name.0 - first) as usize]);
    }
    e.binary_search_by_key(&name, |e| e.name).ok().map(|i| &e[i])
}

/// Sorted entries `a` updated with sorted entries `b` (`b` wins). A few names on the right are
/// placed by binary search, the runs of the left side between them copied in bulk; otherwise a
/// linear merge.
fn update_slices(a: &[AttrEntry], b: &[AttrEntry]) -> Attrs {
    let mut out = Attrs::alloc(a.len() + b.len(), None);
    if b.len() * 16 <= a.len() {
        let mut from = 0;
        for e in b {
            let rest = &a[from..];
            let (run, skip) = match rest.binary_search_by_key(&e.name, |x| x.name) {
                Ok(k) => (k, 1),
                Err(k) => (k, 0),
            };
            out.extend_room(&rest[..run]);
            out.push_room(e.clone());
            from += run + skip;
        }
        out.extend_room(&a[from..]);
        return out;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].name.cmp(&b[j].name) {
            std::cmp::Ordering::Less => {
                out.push_room(a[i].clone());
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push_room(b[j].clone());
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push_room(b[j].clone());
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_room(&a[i..]);
    out.extend_room(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::value::Value;

    fn set(names: &[&str]) -> Attrs {
        let entries = names
            .iter()
            .enumerate()
            .map(|(i, n)| AttrEntry { name: Symbol::new(n), pos: Pos::NONE, value: Thunk::Ready(Value::Int(i as i64)) })
            .collect();
        Attrs::from_unsorted(entries)
    }

    fn value_of(a: &Attrs, name: &str) -> Option<i64> {
        match a.get(Symbol::new(name)) {
            Some(Thunk::Ready(Value::Int(i))) => Some(*i),
            _ => None,
        }
    }

    #[test]
    fn lookups_in_dense_and_sparse_sets() {
        let names: Vec<String> = (0..40).map(|i| format!("attrs-test-dense-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let dense = set(&refs);
        for (i, n) in refs.iter().enumerate() {
            assert_eq!(value_of(&dense, n), Some(i as i64));
        }
        assert_eq!(value_of(&dense, "attrs-test-absent"), None);
        let sparse_names: Vec<&str> = refs.iter().copied().step_by(3).collect();
        let sparse = set(&sparse_names);
        for (i, n) in sparse_names.iter().enumerate() {
            assert_eq!(value_of(&sparse, n), Some(i as i64));
        }
        assert_eq!(value_of(&sparse, refs[1]), None);
        assert_eq!(value_of(&sparse, "attrs-test-absent"), None);
    }

    #[test]
    fn update_small_and_large_right_sides() {
        let names: Vec<String> = (0..100).map(|i| format!("attrs-test-update-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let big = set(&refs[..90]);
        // A small right side: one name replaced, one new, in a shuffled definition order.
        let small = set(&[refs[95], refs[3]]);
        let merged = big.update(&small);
        assert_eq!(merged.len(), 91);
        assert_eq!(value_of(&merged, refs[3]), Some(1));
        assert_eq!(value_of(&merged, refs[95]), Some(0));
        assert_eq!(value_of(&merged, refs[4]), Some(4));
        assert!(merged.iter().zip(merged.iter().skip(1)).all(|(x, y)| x.name < y.name));
        // A large right side goes through the linear merge.
        let other = set(&refs[50..]);
        let merged = big.update(&other);
        assert_eq!(merged.len(), 100);
        assert_eq!(value_of(&merged, refs[60]), Some(10));
        assert_eq!(value_of(&merged, refs[10]), Some(10));
        assert!(merged.iter().zip(merged.iter().skip(1)).all(|(x, y)| x.name < y.name));
    }

    #[test]
    fn layered_updates_agree_with_flat_ones() {
        let names: Vec<String> = (0..200).map(|i| format!("attrs-test-layer-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let mut layered = set(&refs[..100]);
        let mut flat = set(&refs[..100]);
        for k in 0..40 {
            // Two names per step: one replaced (a different value each time), one new.
            let entries = vec![
                AttrEntry { name: Symbol::new(refs[(k * 7) % 100]), pos: Pos::NONE, value: Thunk::Ready(Value::Int(1000 + k as i64)) },
                AttrEntry { name: Symbol::new(refs[100 + k]), pos: Pos::NONE, value: Thunk::Ready(Value::Int(2000 + k as i64)) },
            ];
            let top = Attrs::from_unsorted(entries);
            layered = Attrs::update_shared(&layered, &top);
            flat = flat.update(&top);
            if k == 9 {
                // A merged (cached) set in the middle of the stack.
                assert_eq!(layered.iter().count(), flat.len());
            }
            assert_eq!(layered.len(), flat.len());
            for n in &refs {
                assert_eq!(value_of(&layered, n), value_of(&flat, n), "{n} after {k} steps");
            }
            let l: Vec<(Symbol, Option<i64>)> = layered.iter().map(|e| (e.name, value_of(&layered, e.name.as_str()))).collect();
            let f: Vec<(Symbol, Option<i64>)> = flat.iter().map(|e| (e.name, value_of(&flat, e.name.as_str()))).collect();
            assert_eq!(l, f);
        }
        let mut inserted = layered.clone();
        inserted.insert(AttrEntry { name: Symbol::new(refs[0]), pos: Pos::NONE, value: Thunk::Ready(Value::Int(-1)) });
        assert_eq!(value_of(&inserted, refs[0]), Some(-1));
        assert_eq!(inserted.len(), flat.len());
        assert_eq!(inserted.into_entries().len(), flat.len());
    }

    #[test]
    fn sets_grown_one_name_at_a_time_agree_with_flat_ones() {
        let names: Vec<String> = (0..1200).map(|i| format!("attrs-test-grow-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let mut layered = set(&refs[..1000]);
        let mut flat = set(&refs[..1000]);
        for k in 0..200 {
            // Alternately a new name and a replaced one, so that layers collapse into one
            // layer over the bulk many times before the bulk is copied.
            let name = if k % 2 == 0 { refs[1000 + k] } else { refs[(k * 13) % 1000] };
            let value = Thunk::Ready(Value::Int(5000 + k as i64));
            let top = Attrs::from_unsorted(vec![AttrEntry { name: Symbol::new(name), pos: Pos::NONE, value }]);
            layered = Attrs::update_shared(&layered, &top);
            flat = flat.update(&top);
            assert_eq!(layered.len(), flat.len(), "after {k} steps");
            assert!(layered.layer().map_or(0, |l| l.depth) <= MAX_LAYERS);
            if k % 25 == 0 {
                for n in &refs {
                    assert_eq!(value_of(&layered, n), value_of(&flat, n), "{n} after {k} steps");
                }
            }
        }
        let l: Vec<(Symbol, Option<i64>)> = layered.iter().map(|e| (e.name, value_of(&layered, e.name.as_str()))).collect();
        let f: Vec<(Symbol, Option<i64>)> = flat.iter().map(|e| (e.name, value_of(&flat, e.name.as_str()))).collect();
        assert_eq!(l, f);
    }

    #[test]
    fn names_sort_bytewise_including_long_common_prefixes() {
        let names = ["zeta", "attrs-test-sort-b", "attrs-test-sort-a", "attrs-test-sort", "", "Z", "a", "attrs-test-sorz", "\u{e9}"];
        let a = set(&names);
        let sorted: Vec<&str> = a.sorted_by_name().iter().map(|e| e.name.as_str()).collect();
        let mut expected: Vec<&str> = names.to_vec();
        expected.sort();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn unsorted_pushes_keep_the_first_of_each_name() {
        let names = ["attrs-test-fw-c", "attrs-test-fw-a", "attrs-test-fw-c", "attrs-test-fw-b", "attrs-test-fw-a"];
        let mut a = Attrs::with_capacity(2);
        for (i, n) in names.iter().enumerate() {
            a.push_unsorted(AttrEntry { name: Symbol::new(n), pos: Pos::NONE, value: Thunk::Ready(Value::Int(i as i64)) });
        }
        a.sort_first_wins();
        assert_eq!(a.len(), 3);
        assert!(a.iter().zip(a.iter().skip(1)).all(|(x, y)| x.name < y.name));
        assert_eq!(value_of(&a, names[0]), Some(0));
        assert_eq!(value_of(&a, names[1]), Some(1));
        assert_eq!(value_of(&a, names[3]), Some(3));
    }

    #[test]
    fn large_sets_sort_by_name_like_small_ones() {
        // Enough names that the rank-based order is used, interned out of name order.
        let names: Vec<String> = (0..Symbol::count() + 500).rev().map(|i| format!("attrs-test-rank-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let a = set(&refs);
        assert!(a.len() * 8 >= Symbol::count());
        let sorted: Vec<&str> = a.sorted_by_name().iter().map(|e| e.name.as_str()).collect();
        let mut expected = refs.clone();
        expected.sort();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn writing_copies_a_shared_set_and_keeps_order() {
        let names: Vec<String> = (0..20).map(|i| format!("attrs-test-write-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let original = set(&refs[..10]);
        let mut copy = original.clone();
        assert_eq!(copy.strong_count(), 2);
        copy.insert(AttrEntry { name: Symbol::new(refs[15]), pos: Pos::NONE, value: Thunk::Ready(Value::Int(-15)) });
        copy.insert(AttrEntry { name: Symbol::new(refs[2]), pos: Pos::NONE, value: Thunk::Ready(Value::Int(-2)) });
        // The shared original is untouched.
        assert_eq!(original.len(), 10);
        assert_eq!(value_of(&original, refs[2]), Some(2));
        assert_eq!(value_of(&original, refs[15]), None);
        assert!(!Attrs::ptr_eq(&original, &copy));
        assert_eq!(copy.len(), 11);
        assert_eq!(value_of(&copy, refs[2]), Some(-2));
        assert_eq!(value_of(&copy, refs[15]), Some(-15));
        // Growing in place past the reserved room.
        let mut grown = Attrs::with_capacity(1);
        for (i, n) in refs.iter().enumerate().rev() {
            grown.insert(AttrEntry { name: Symbol::new(n), pos: Pos::NONE, value: Thunk::Ready(Value::Int(i as i64)) });
        }
        assert_eq!(grown.len(), 20);
        assert!(grown.iter().zip(grown.iter().skip(1)).all(|(x, y)| x.name < y.name));
        for (i, n) in refs.iter().enumerate() {
            assert_eq!(value_of(&grown, n), Some(i as i64));
        }
        // The shared empty set is never written.
        let mut e = Attrs::empty();
        e.push_sorted(AttrEntry { name: Symbol::new(refs[0]), pos: Pos::NONE, value: Thunk::Ready(Value::Null) });
        assert_eq!(e.len(), 1);
        assert!(Attrs::empty().is_empty());
        let sorted = Attrs::from_sorted_iter(set(&refs).iter().cloned());
        assert_eq!(sorted.len(), 20);
        assert_eq!(value_of(&sorted, refs[7]), Some(7));
    }

    #[test]
    fn values_are_dropped_with_the_last_reference() {
        let cell = Thunk::new_cell(super::super::value::ThunkState::Done(Value::Null));
        let value = Thunk::Lazy(cell.clone());
        let a = Attrs::from_unsorted(vec![AttrEntry { name: Symbol::new("attrs-test-drop"), pos: Pos::NONE, value }]);
        let b = a.clone();
        assert_eq!(crate::eval::value::ThunkRef::strong_count(&cell), 2);
        drop(a);
        assert_eq!(crate::eval::value::ThunkRef::strong_count(&cell), 2);
        drop(b);
        assert_eq!(crate::eval::value::ThunkRef::strong_count(&cell), 1);
    }
}
