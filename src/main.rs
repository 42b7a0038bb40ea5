use clap::Parser;

/// mimalloc: many small allocations across rayon threads (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = infralint::cli::Cli::parse();
    // The whole run on a worker of the pool its parallel stages use: the serial stages
    // (merging, postprocessing, the report) then allocate from a heap that the parallel ones
    // freed, instead of fresh memory the kernel must zero (with mimalloc, a thread reuses
    // the memory it freed itself).
    let code = match rayon::ThreadPoolBuilder::new().build() {
        Ok(pool) => pool.install(|| infralint::cli::run(cli)),
        Err(_) => infralint::cli::run(cli),
    };
    std::process::exit(code);
}
