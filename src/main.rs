//! The `mlflow-chart` binary: parses the command line, runs it, prints the result only
//! when everything succeeded, and turns failures into exit codes (see `error::Failure`).

use clap::Parser;
use mlflow_chart::cli;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(args) {
        Ok(out) => {
            for line in &out.stderr {
                eprintln!("{line}");
            }
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.stdout.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return ExitCode::from(1);
            }
            ExitCode::from(out.code)
        }
        Err(failure) => {
            let text = failure.to_string();
            // Colour on a terminal only, and never when NO_COLOR is set.
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none();
            if color {
                eprintln!("{}", text.replacen("Error:", "\x1b[1;31mError:\x1b[0m", 1));
            } else {
                eprintln!("{text}");
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
