//! The `nixeval` binary: a thin wrapper around [`nixeval::cli::main`].

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    nixeval::cli::main()
}
