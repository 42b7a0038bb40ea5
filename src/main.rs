use clap::Parser;

fn main() {
    let cli = infralint::cli::Cli::parse();
    std::process::exit(infralint::cli::run(cli));
}
