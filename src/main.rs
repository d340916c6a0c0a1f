//! The `edasmith` binary: a thin client of the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
