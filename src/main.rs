//! The `nixeval` binary: a thin wrapper around [`nixeval::cli::main`], and the process's
//! allocator.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};

/// mimalloc, called through its plain entry points whenever the alignment asked for is one that
/// `mi_malloc` already guarantees (8 bytes always, 16 bytes for blocks of 16 bytes or more).
/// The evaluator allocates tens of millions of small objects; the aligned entry points cost
/// about twice as many instructions per allocation.
struct Allocator;

#[inline(always)]
fn plain(layout: &Layout) -> bool {
    layout.align() <= 8 || (layout.align() <= 16 && layout.size() >= 16)
}

// SAFETY: every block is allocated and freed by mimalloc, which satisfies the layout's
// alignment on both paths (see `plain`).
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain(&layout) {
            mi::mi_malloc(layout.size()) as *mut u8
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain(&layout) {
            mi::mi_zalloc(layout.size()) as *mut u8
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr as *mut _)
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        if plain(&layout) && plain(&new) {
            mi::mi_realloc(ptr as *mut _, new_size) as *mut u8
        } else {
            mi::mi_realloc_aligned(ptr as *mut _, new_size, layout.align()) as *mut u8
        }
    }
}

/// `mi_option_purge_delay` (not exported as a constant by the bindings).
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

#[global_allocator]
static GLOBAL: Allocator = Allocator;

fn main() -> std::process::ExitCode {
    // Evaluation allocates many small objects that live until the end: asking for large OS
    // pages (transparent huge pages) saves most of the page-fault time of a big evaluation.
    // SAFETY: setting an allocator option is safe at any time; it affects later OS requests.
    unsafe { mi::mi_option_set(mi::mi_option_large_os_pages, 1) };
    // Memory freed during an evaluation is soon needed again: returning it to the OS (after
    // mimalloc's default 10 ms) only makes the kernel fault and zero the same pages once more.
    // Peak memory is unchanged; the process gives everything back when it ends.
    // SAFETY: as above.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    nixeval::cli::main()
}
