//! The `nixeval` binary: a thin wrapper around [`nixeval::cli::main`].

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Evaluation allocates many small objects that live until the end: asking for large OS
    // pages (transparent huge pages) saves most of the page-fault time of a big evaluation.
    // SAFETY: setting an allocator option is safe at any time; it affects later OS requests.
    unsafe { libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_large_os_pages, 1) };
    nixeval::cli::main()
}
