use std::process::ExitCode;

/// Reports and reviews read sessions on every core, allocating many small strings on one
/// thread and freeing them on another; mimalloc keeps that cheap where the system
/// allocator spends a third of the run (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let code = mvx::cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
