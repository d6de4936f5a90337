//! The `mlflow-chart` binary: parses the command line, runs it, prints the result only
//! when everything succeeded, and turns failures into exit codes (see `error::Failure`).
//! Writes never panic: a failed write to stdout (closed pipe, full disk) exits 1; a failed
//! write to stderr is ignored and the command's own exit code stands.

use clap::{CommandFactory, FromArgMatches};
use mlflow_chart::cli;
use std::io::Write;
use std::process::ExitCode;

/// Exit code when the help or version text could not be written to stdout.
const WRITE_FAILED: u8 = 1;

// A stdout closed before start (`>&-`) cannot be told apart: Rust's runtime reopens a
// closed standard descriptor on /dev/null, read-write, at start-up, as Python's
// `subprocess.DEVNULL` and the shell's `1<>/dev/null` open it, which are the caller's
// choice to discard the output; so such output goes to /dev/null with exit 0.

/// Writes diagnostics to stderr; a failure to write them is not worth failing for.
fn to_stderr(text: &str) {
    let text = printable(text);
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|_| err.flush());
}

/// A message as it may reach a terminal or a CI log: a control character other than the
/// line breaks the messages are made of (an escape sequence, a carriage return), a Unicode
/// line separator or a bidirectional control, from a file name or a value quoted into the
/// message, is shown escaped (`\u{1b}`), so that no input can colour, rewrite or forge a
/// line of output.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{E0000}'..='\u{E007F}')
    };
    if !text.contains(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn main() -> ExitCode {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Before the global flags are moved: the places named are the user's.
    if let Err(failure) = cli::check_text_args(&raw) {
        return fail(&failure, cli::ColorWhen::from_args(&raw));
    }
    let argv = cli::keep_last_choices(cli::hoist_global_flags(raw));
    let color = cli::ColorWhen::from_args(&argv);
    // Built once: the swallowed-flag check reads its flags, then it parses.
    let command = cli::Cli::command().color(color.clap());
    if let Err(failure) = cli::check_version_flag(&argv)
        .and_then(|()| cli::check_detached_values(&argv))
        .and_then(|()| cli::check_swallowed_flags(&argv, &command))
    {
        return fail(&failure, color);
    }
    let parsed = command
        .try_get_matches_from(&argv)
        .and_then(|m| cli::Cli::from_arg_matches(&m));
    let args = match parsed {
        Ok(a) => a,
        Err(e) => {
            if let Some(failure) =
                cli::helm_only_flag_error(&e).or_else(|| cli::stray_word_error(&e, &argv))
            {
                return fail(&failure, color);
            }
            // --help and --version print to stdout (exit 0); usage errors to stderr (exit 2).
            let code = if e.use_stderr() { 2 } else { 0 };
            if e.print().is_err() && code == 0 {
                return ExitCode::from(WRITE_FAILED);
            }
            return ExitCode::from(code);
        }
    };
    let is_diff = matches!(args.command, cli::Command::Diff(_));
    match cli::run(args) {
        Ok(out) => {
            let failed = out.write_failure_code(is_diff);
            for line in &out.stderr {
                to_stderr(&format!("{}\n", mlflow_chart::redact::message(line)));
            }
            if let Err(e) = write_stdout(out.stdout.as_bytes()) {
                // A closed pipe (`| head`) is the reader's choice; anything else (a full
                // disk) is said, since part of the output may be missing.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    to_stderr(&format!(
                        "Error: cannot write to standard output: {}; the output is incomplete\n",
                        mlflow_chart::input::io_reason(&e)
                    ));
                }
                return ExitCode::from(failed);
            }
            ExitCode::from(out.code)
        }
        Err(failure) => fail(&failure, color),
    }
}

/// Writes the output to standard output through a duplicate of its descriptor: std's own
/// handle reports a write refused with EBADF as done (a descriptor opened for reading,
/// `1</dev/null`), which would lose the output and exit 0.
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let mut file = std::fs::File::from(std::io::stdout().as_fd().try_clone_to_owned()?);
        file.write_all(bytes)?;
        file.flush()
    }
    #[cfg(not(unix))]
    {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()
    }
}

/// Says a failure on stderr ("Error:" in red on a terminal, unless NO_COLOR is set) and
/// gives its exit code.
fn fail(failure: &mlflow_chart::error::Failure, color: cli::ColorWhen) -> ExitCode {
    let text = printable(&failure.to_string()).into_owned();
    if color.on_stderr() {
        // The colour is added after the message is made printable, and written as is.
        let text = format!(
            "{}\n",
            text.replacen("Error:", "\x1b[1;31mError:\x1b[0m", 1)
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes()).and_then(|_| err.flush());
    } else {
        to_stderr(&format!("{text}\n"));
    }
    ExitCode::from(failure.exit_code())
}
