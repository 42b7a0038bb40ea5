use clap::Parser;

/// mimalloc: many small allocations across rayon threads (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = infralint::cli::Cli::parse();
    std::process::exit(infralint::cli::run(cli));
}
