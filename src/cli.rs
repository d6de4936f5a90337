//! Command line: the subcommands and their flags (Helm's for `render`), and the pipeline
//! each runs. Output is built completely in memory; `main` prints it only on success.

use crate::error::Failure;
use crate::parse::Document;
use crate::pipeline::{self, Request};
use crate::render;
use crate::validate::{self, Known};
use crate::values::{self, ValuesArgs};
use crate::{emit, parse, schema, sort};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  mlflow-chart render -n mlflow \\
      --set oauth2Proxy.clientID=mlflow \\
      --set oauth2Proxy.oidc.oidc_issuer_url=https://keycloak.example.org/realms/ml > mlflow.yaml
  mlflow-chart render team -f team-values.yaml | kubectl apply -f -
  mlflow-chart values -f team-values.yaml        # the merged values
  mlflow-chart validate other-render.yaml        # check any manifest stream";

/// Renders a complete, validated MLflow platform as Kubernetes manifests.
#[derive(Debug, Parser)]
// A flag given twice keeps the last value, as pflag does for Helm (`-n a -n b` is `b`);
// repeatable flags still collect every value.
#[command(name = "mlflow-chart", version, about, after_help = EXAMPLES, args_override_self = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour in messages on stderr: never, auto (on a terminal, unless NO_COLOR is set)
    /// or always; Helm's global flag (pkg/cli/environment.go:170-171 at v4.2.3).
    #[arg(
        long = "color",
        visible_alias = "colour",
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorWhen,
}

/// When messages on stderr are coloured (Helm's `--color` values, root.go:192-198).
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum ColorWhen {
    Never,
    #[default]
    Auto,
    Always,
}

impl ColorWhen {
    /// The last `--color`/`--colour` of the command line (before `--`), read before it is
    /// parsed so that a usage error is coloured as asked; `auto` when none (or an invalid
    /// one, which the parse then refuses).
    pub fn from_args(args: &[std::ffi::OsString]) -> ColorWhen {
        let mut when = ColorWhen::Auto;
        let mut i = 1;
        while i < args.len() {
            let arg = args[i].to_string_lossy();
            if arg == "--" {
                break;
            }
            let value = match color_flag(&arg) {
                Some(1) => arg.split_once('=').map(|(_, v)| v.to_string()),
                Some(_) => {
                    i += 1;
                    args.get(i).map(|v| v.to_string_lossy().into_owned())
                }
                None => None,
            };
            if let Some(v) = value {
                when = ColorWhen::from_str(&v, false).unwrap_or(ColorWhen::Auto);
            }
            i += 1;
        }
        when
    }

    /// Whether stderr gets colour: `auto` means a terminal, no NO_COLOR of any value (Helm
    /// reads an empty one as unset, pkg/cli/environment.go:227) and a TERM that is not
    /// `dumb` (fatih/color's rule, which Helm uses).
    pub fn on_stderr(self) -> bool {
        match self {
            ColorWhen::Never => false,
            ColorWhen::Always => true,
            ColorWhen::Auto => {
                std::io::IsTerminal::is_terminal(&std::io::stderr())
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }

    /// The same choice for clap's own usage and help messages.
    pub fn clap(self) -> clap::ColorChoice {
        match self {
            ColorWhen::Never => clap::ColorChoice::Never,
            ColorWhen::Auto => clap::ColorChoice::Auto,
            ColorWhen::Always => clap::ColorChoice::Always,
        }
    }
}

/// How many arguments a `--color`/`--colour` flag takes up: 2 for `--color WHEN`, 1 for
/// `--color=WHEN`; None for any other argument.
fn color_flag(arg: &str) -> Option<usize> {
    match arg.split_once('=') {
        Some(("--color" | "--colour", _)) => Some(1),
        None if arg == "--color" || arg == "--colour" => Some(2),
        _ => None,
    }
}

/// Helm's global flags may come before the command (`helm -n ns template …`; `-n` and
/// `--debug` are persistent flags, pkg/cli/environment.go:153,163 at v4.2.3). Given before
/// the subcommand, `-n/--namespace` (with its value) and `--debug` are moved right after
/// it, where the commands that take them read them; any other command line is returned as
/// it is.
pub fn hoist_global_flags(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut i = 1;
    while let Some(arg) = args.get(i).and_then(|a| a.to_str()) {
        i += match arg {
            "-n" | "--namespace" => 2,
            "--debug" => 1,
            a if a.starts_with("--namespace=") || a.starts_with("--debug=") => 1,
            a if a.starts_with("-n") && a.len() > 2 => 1,
            a => match color_flag(a) {
                Some(n) => n,
                None => break,
            },
        };
    }
    let starts_command = |a: &std::ffi::OsString| !a.to_string_lossy().starts_with('-');
    if i == 1 || !args.get(i).is_some_and(starts_command) {
        return args;
    }
    let mut out = Vec::with_capacity(args.len());
    out.push(args[0].clone());
    out.push(args[i].clone());
    out.extend_from_slice(&args[1..i]);
    out.extend_from_slice(&args[i + 1..]);
    out
}

/// `--color` and `--dry-run` given more than once: only the last counts, as in Helm, where
/// both are string flags checked after the parse (root.go:186-191 and
/// cmdGetDryRunFlagStrategy, pkg/cmd/helpers.go:45-75 at v4.2.3), so an invalid earlier
/// value is no error there. The earlier ones are dropped before the parse.
pub fn keep_last_choices(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    // (start, length) of each occurrence, per flag.
    let (mut colors, mut dry_runs) = (Vec::new(), Vec::new());
    let mut i = 1;
    while let Some(a) = args.get(i).map(|a| a.to_string_lossy()) {
        if a == "--" {
            break;
        }
        if let Some(n) = color_flag(&a) {
            colors.push((i, n));
            i += n;
            continue;
        }
        if a == "--dry-run" || a.starts_with("--dry-run=") {
            dry_runs.push((i, 1));
        }
        i += 1;
    }
    let mut drop: Vec<(usize, usize)> = Vec::new();
    for list in [&colors, &dry_runs] {
        if list.len() > 1 {
            drop.extend_from_slice(&list[..list.len() - 1]);
        }
    }
    if drop.is_empty() {
        return args;
    }
    let dropped = |j: usize| drop.iter().any(|(at, n)| (*at..at + n).contains(&j));
    args.into_iter()
        .enumerate()
        .filter(|(j, _)| !dropped(*j))
        .map(|(_, a)| a)
        .collect()
}

/// Every argument is UTF-8 text (paths, keys and values are refused otherwise, as clap
/// would, which names no argument): the refusal says which one, by its place and the
/// flag it is or belongs to, never showing its bytes (a value may be a secret).
pub fn check_text_args(args: &[std::ffi::OsString]) -> Result<(), Failure> {
    for (i, arg) in args.iter().enumerate().skip(1) {
        if arg.to_str().is_some() {
            continue;
        }
        let lossy = arg.to_string_lossy();
        let flag_name = |f: &str| {
            f.len() > 1
                && f.chars()
                    .skip(1)
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        let which = if let Some(long) = lossy.strip_prefix("--") {
            match long.split_once('=') {
                Some((name, _)) if flag_name(&format!("-{name}")) => {
                    format!("the value of --{name}")
                }
                _ => "a flag".to_string(),
            }
        } else if let Some(short) = lossy
            .strip_prefix('-')
            .and_then(|rest| rest.chars().next())
            .filter(char::is_ascii_alphanumeric)
        {
            // `-fVALUE`: the value written onto its short flag.
            format!("the value of -{short}")
        } else {
            match args[i - 1].to_str() {
                Some(flag)
                    if flag.starts_with('-')
                        && flag != "--"
                        && !flag.contains('=')
                        && flag_name(flag) =>
                {
                    format!("the argument after {flag}")
                }
                _ => "a word (a release name, a file name or the command)".to_string(),
            }
        };
        return Err(Failure::usage(format!(
            "argument {i}, {which}, is not UTF-8 text (not shown: it may hold a secret)"
        ))
        .hint("give paths, names, keys and values as UTF-8; rename a file whose name is not"));
    }
    Ok(())
}

/// `--version` (`-V`) prints mlflow-chart's version and takes nothing else: given with a
/// command (`mlflow-chart --version 1.2.3 render`, Helm's chart version flag put first) or
/// with a value, it is refused rather than print the version and exit 0 into a pipe, and
/// the value is not shown.
pub fn check_version_flag(args: &[std::ffi::OsString]) -> Result<(), Failure> {
    let Some(first) = args.get(1).map(|a| a.to_string_lossy()) else {
        return Ok(());
    };
    let with_value = first.starts_with("--version=");
    // Beside it, only --color/--colour (taken anywhere, as by the parse).
    let mut others = 0;
    let mut i = 2;
    while let Some(a) = args.get(i).map(|a| a.to_string_lossy()) {
        i += color_flag(&a).unwrap_or_else(|| {
            others += 1;
            1
        });
    }
    if (first == "--version" || first == "-V") && others > 0 || with_value {
        return Err(Failure::usage(
            "--version prints mlflow-chart's version and takes no value and no command (Helm's --version, a chart version, has no place in a render: the chart is built in)",
        )
        .hint("run `mlflow-chart --version` alone, or leave it out"));
    }
    Ok(())
}

/// The flags of `helm template` a render cannot honour, each with what it is for; a
/// command line naming one is refused with that reason and what to do instead (clap's own
/// message would suggest a near name or passing it as a value). Sources, Helm v4.2.3:
/// pkg/cli/environment.go:150-172 (cluster and cache flags), pkg/cmd/flags.go:59-97
/// (chart repository flags) and :168-172 (post-renderer), pkg/cmd/template.go:212
/// (`--validate`).
const HELM_ONLY_FLAGS: &[(&str, HelmOnly)] = &[
    ("validate", HelmOnly::Cluster),
    ("kubeconfig", HelmOnly::Cluster),
    ("kube-context", HelmOnly::Cluster),
    ("kube-token", HelmOnly::Cluster),
    ("kube-as-user", HelmOnly::Cluster),
    ("kube-as-group", HelmOnly::Cluster),
    ("kube-apiserver", HelmOnly::Cluster),
    ("kube-ca-file", HelmOnly::Cluster),
    ("kube-tls-server-name", HelmOnly::Cluster),
    ("kube-insecure-skip-tls-verify", HelmOnly::Cluster),
    ("burst-limit", HelmOnly::Cluster),
    ("qps", HelmOnly::Cluster),
    ("version", HelmOnly::Repository),
    ("verify", HelmOnly::Repository),
    ("keyring", HelmOnly::Repository),
    ("repo", HelmOnly::Repository),
    ("username", HelmOnly::Repository),
    ("password", HelmOnly::Repository),
    ("cert-file", HelmOnly::Repository),
    ("key-file", HelmOnly::Repository),
    ("ca-file", HelmOnly::Repository),
    ("insecure-skip-tls-verify", HelmOnly::Repository),
    ("plain-http", HelmOnly::Repository),
    ("pass-credentials", HelmOnly::Repository),
    ("registry-config", HelmOnly::Repository),
    ("repository-config", HelmOnly::Repository),
    ("repository-cache", HelmOnly::Repository),
    ("content-cache", HelmOnly::Repository),
    ("post-renderer", HelmOnly::Plugin),
    ("post-renderer-args", HelmOnly::Plugin),
    ("generate-name", HelmOnly::Naming),
    ("name-template", HelmOnly::Naming),
];

/// Why a flag of Helm's has no place in a render.
#[derive(Debug, Clone, Copy)]
enum HelmOnly {
    Cluster,
    Repository,
    Plugin,
    Naming,
}

impl HelmOnly {
    fn reason(self) -> (&'static str, &'static str) {
        match self {
            HelmOnly::Cluster => (
                "talks to a cluster, and mlflow-chart renders offline (it reads no kubeconfig)",
                "leave it out; to check a render against a cluster, pipe it into `kubectl apply --dry-run=server -f -`",
            ),
            HelmOnly::Repository => (
                "chooses or fetches a chart from a repository, and the chart is built into mlflow-chart",
                "leave it out; `mlflow-chart --version` names the chart's version",
            ),
            HelmOnly::Plugin => (
                "runs a Helm post-renderer plugin, and mlflow-chart has no plugins",
                "leave it out and pipe the output into the program instead: `mlflow-chart render … | <program>`",
            ),
            // pkg/cmd/install.go:197-198 at v4.2.3; the generated name is random
            // (pkg/action/install.go, NameAndChart), and a render is the same for the same
            // inputs.
            HelmOnly::Naming => (
                "makes up the release name (at random, or from a template), and a render gives the same output for the same inputs",
                "leave it out and give the release name as the first argument: `mlflow-chart render NAME …` (or --release-name NAME)",
            ),
        }
    }
}

/// A usage error about one of Helm's flags a render cannot honour (`HELM_ONLY_FLAGS`),
/// named without its value (`--password=…` may carry a credential). `None` for any other
/// error.
pub fn helm_only_flag_error(e: &clap::Error) -> Option<Failure> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(word)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    // `-g` is --generate-name's short form (`-gX` would be it with a value).
    let name = if word.starts_with("-g") && !word.starts_with("--") {
        "generate-name"
    } else {
        word.strip_prefix("--")?
    };
    let name = name.split_once('=').map_or(name, |(n, _)| n);
    let (_, why) = HELM_ONLY_FLAGS.iter().find(|(flag, _)| *flag == name)?;
    let (what, instead) = why.reason();
    Some(Failure::usage(format!("--{name} is a flag of Helm's that {what}")).hint(instead))
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// `validate`'s report: the human report, or its structure as JSON or YAML.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    /// One line per problem and a summary line.
    Text,
    /// The report's structure (valid, counts, problems, notValidated) as JSON.
    Json,
    /// The same structure as YAML.
    Yaml,
}

/// `diff`'s report: the human report, or its structure as JSON or YAML.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// The changes as unified diffs, the preflight's sections and the summary line.
    Text,
    /// The report's structure (counts, changes, preflight) as JSON.
    Json,
    /// The same structure as YAML.
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the chart like `helm template`: validated manifests on stdout.
    Render(Box<RenderArgs>),
    /// Print the default values.yaml, or with -f/--set the merged values.
    Values {
        #[command(flatten)]
        values: ValuesFlags,
        /// Print the merge even when it does not match values.schema.json.
        #[arg(long = "skip-schema-validation", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
        skip_schema_validation: bool,
        /// Print credentials (passwords, secret keys, client and cookie secrets, Secrets'
        /// data and credential-named variables in extra objects); masked by default.
        #[arg(long = "show-secrets")]
        show_secrets: bool,
    },
    /// Print the JSON Schema of the values (for editors and CI).
    Schema {
        /// Print the Markdown values reference (docs/values.md) instead.
        #[arg(long)]
        reference: bool,
    },
    /// Validate any multi-document manifest stream (files or `-` for stdin).
    Validate(ValidateArgs),
    /// Compare two renders object by object (exit 0 same, 1 different, 2 error).
    Diff(DiffArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// The flags that feed the values (of `render` and `values`).
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ValuesFlags {
    /// Values file (YAML), repeatable, merged in order; `-` reads standard input; several
    /// may be given comma-separated, as in Helm.
    #[arg(
        short = 'f',
        long = "values",
        value_name = "FILE",
        allow_hyphen_values = true
    )]
    pub files: Vec<String>,
    /// Set values: `a.b=1,c[0]=x` (Helm's --set rules), repeatable.
    #[arg(long = "set", value_name = "KEY=VAL", allow_hyphen_values = true)]
    pub set: Vec<String>,
    /// Set string values (no type inference), repeatable.
    #[arg(
        long = "set-string",
        value_name = "KEY=VAL",
        allow_hyphen_values = true
    )]
    pub set_string: Vec<String>,
    /// Set JSON values (`a={"b":1}` or a whole JSON object), repeatable.
    #[arg(long = "set-json", value_name = "KEY=JSON", allow_hyphen_values = true)]
    pub set_json: Vec<String>,
    /// Set a value to the content of a file: `key=path`, repeatable.
    #[arg(long = "set-file", value_name = "KEY=PATH", allow_hyphen_values = true)]
    pub set_file: Vec<String>,
    /// Set a literal string value: everything after the first `=`, repeatable.
    #[arg(
        long = "set-literal",
        value_name = "KEY=VAL",
        allow_hyphen_values = true
    )]
    pub set_literal: Vec<String>,
}

/// A string-slice flag's value as pflag reads it (Helm's `-f/--values` and
/// `-a/--api-versions` are string slices, pkg/cmd/flags.go:51 and template.go:215 at
/// v4.2.3): one CSV record (`readAsCSV`, string_slice.go:22-29 of spf13/pflag v1.0.10),
/// so `-f a.yaml,b.yaml` names two files and `-f '"a,b.yaml"'` one. Go's CSV reader
/// (encoding/csv): fields split at commas; a field that starts with `"` is quoted, `""`
/// inside it is one `"`, and it may hold commas and line breaks; a `"` elsewhere is an
/// error; empty lines before the record are skipped and a line break ends it.
pub fn string_slice(value: &str) -> Result<Vec<String>, String> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let mut text = value.replace("\r\n", "\n");
    // readLine: "For backwards compatibility, drop trailing \r before EOF" (Go's
    // encoding/csv reader.go).
    if text.ends_with('\r') {
        text.pop();
    }
    let mut chars = text.trim_start_matches('\n').chars().peekable();
    let mut fields = vec![String::new()];
    let mut at_start = true;
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("one field at least");
        match c {
            ',' => {
                fields.push(String::new());
                at_start = true;
                continue;
            }
            '\n' => break,
            '"' if at_start => loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => match chars.peek() {
                        None | Some(',' | '\n') => break,
                        Some(_) => return Err("extraneous or missing \" in quoted-field".into()),
                    },
                    Some(c) => field.push(c),
                    None => return Err("extraneous or missing \" in quoted-field".into()),
                }
            },
            '"' => return Err("bare \" in non-quoted-field".into()),
            c => field.push(c),
        }
        at_start = false;
    }
    Ok(fields)
}

/// The `--set` family: a value of the form `key=value` (or, for `--set-json`, a whole
/// JSON object).
const SET_FLAGS: &[&str] = &[
    "--set",
    "--set-string",
    "--set-json",
    "--set-file",
    "--set-literal",
];

/// Refuses a `--set`-family flag whose value has no `=` when a plain word follows it
/// (`--set postgresql.auth.password S3CR3T`, the `=` typed as a space), before the command
/// line is parsed: the word would otherwise be taken as the release name or reported as an
/// unexpected argument, and either message would print it, though it may be a credential.
pub fn check_detached_values(args: &[std::ffi::OsString]) -> Result<(), Failure> {
    let mut i = 1;
    while i < args.len() {
        let arg = args[i].to_string_lossy();
        if arg == "--" {
            break;
        }
        // `--set=KEY WORD`: the value after `=` of the flag itself (an empty word after it
        // is no value).
        if let Some((flag, value)) = arg.split_once('=')
            && SET_FLAGS.contains(&flag)
        {
            if let Some(next) = args.get(i + 1).map(|v| v.to_string_lossy())
                && !next.is_empty()
            {
                detached(flag, '=', value, &next)?;
            }
            i += 1;
            continue;
        }
        if SET_FLAGS.contains(&arg.as_ref()) {
            let value = args.get(i + 1).map(|v| v.to_string_lossy());
            let next = args.get(i + 2).map(|v| v.to_string_lossy());
            if let (Some(value), Some(next)) = (value, next) {
                detached(&arg, ' ', &value, &next)?;
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    Ok(())
}

/// A flag that takes a value, given as its own argument (`-n`, `--output-dir`), followed
/// by another of the command's flags (`-n --set=KEY=VALUE`): its value was left out (an
/// empty shell variable), and the flag would take the next flag as its value, pflag's way,
/// then print it in an error or as a directory name, a `--set` value and all. Refused,
/// without showing the argument; `--flag=-value` says a value starting with `-` is meant.
pub fn check_swallowed_flags(
    args: &[std::ffi::OsString],
    root: &clap::Command,
) -> Result<(), Failure> {
    let Some(sub) = args
        .get(1)
        .and_then(|a| a.to_str())
        .and_then(|name| root.find_subcommand(name))
    else {
        return Ok(());
    };
    let (mut longs, mut shorts) = (Vec::new(), Vec::new());
    let (mut valued_longs, mut valued_shorts) = (Vec::new(), Vec::new());
    for arg in sub.get_arguments().chain(root.get_arguments()) {
        // A boolean flag's optional value (`--debug=false`) needs its `=`.
        let valued = arg.get_action().takes_values()
            && !arg.is_require_equals_set()
            && arg.get_num_args().is_none_or(|n| n.min_values() > 0);
        for long in arg.get_long_and_visible_aliases().into_iter().flatten() {
            longs.push(long.to_string());
            if valued {
                valued_longs.push(format!("--{long}"));
            }
        }
        for short in arg.get_short_and_visible_aliases().into_iter().flatten() {
            shorts.push(short);
            if valued {
                valued_shorts.push(format!("-{short}"));
            }
        }
    }
    let names_a_flag = |next: &str| -> Option<String> {
        // Any `--name`: another command's flag (`diff -n --set=…`) is no value either.
        if let Some(long) = next.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or("");
            let known = longs.iter().any(|l| l == name);
            let flag_like = name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            return (known || flag_like).then(|| format!("--{name}"));
        }
        let mut chars = next.strip_prefix('-')?.chars();
        let c = chars.next()?;
        let rest = chars.as_str();
        (shorts.contains(&c) && (rest.is_empty() || !rest.contains(' '))).then(|| format!("-{c}"))
    };
    for pair in args[2..].windows(2) {
        let (flag, next) = (pair[0].to_string_lossy(), pair[1].to_string_lossy());
        if flag == "--" {
            break;
        }
        if !(valued_longs.contains(&flag.to_string()) || valued_shorts.contains(&flag.to_string()))
        {
            continue;
        }
        if let Some(other) = names_a_flag(&next) {
            return Err(Failure::usage(format!(
                "{flag} takes a value, but the argument after it is the flag {other} (not shown: it may hold a secret): {flag}'s value was left out"
            ))
            .hint(format!(
                "give {flag} a value (an empty shell variable leaves none); a value that really starts with '-' is written {flag}=VALUE"
            )));
        }
    }
    Ok(())
}

/// The refusal of [`check_detached_values`] for one flag (`flag`, then `sep` and its
/// `value`) and the argument after it: a value without `=` (other than a whole JSON object
/// of `--set-json`) followed by a plain word.
fn detached(flag: &str, sep: char, value: &str, next: &str) -> Result<(), Failure> {
    let whole_json = flag == "--set-json" && value.trim_start().starts_with('{');
    if next.starts_with('-') || whole_json {
        return Ok(());
    }
    // `--set KEY= WORD` or `--set A=1, WORD`: a space typed after the '=' or the ','
    // makes the word a command-line argument of its own, the release name, printed in
    // every object's name. Helm takes it so (`--set image.digest= NAME` is an empty digest
    // and the release NAME), and so does this, unless the word is plainly a split
    // `key=value` or the key left empty names a credential. Only the last key is shown
    // (the values before it may be secrets).
    let open = value.strip_suffix(',').unwrap_or(value);
    if (value.ends_with('=') || value.ends_with(',')) && !value.ends_with("\\=") {
        let last = open.rsplit(',').next().unwrap_or_default();
        let key = last.strip_suffix('=').unwrap_or(last);
        let key_name = key.rsplit('.').next().unwrap_or(key);
        let empty_credential = last.ends_with('=') && crate::yaml::is_credential_key(key_name);
        if empty_credential || next.contains('=') {
            let more = if last.len() < value.len() { "…," } else { "" };
            let shown = crate::error::quoted(&format!("{more}{last}"));
            return Err(Failure::usage(format!(
                "{flag}{sep}{shown}: the argument after it looks like a value split from it by a space (not shown: it may be a secret); it would otherwise be read as an argument of its own (the release name)"
            ))
            .hint(format!("give key and value as one argument: {flag} {key}=VALUE (quote it if it holds spaces); for an empty value, give the release name before the flags")));
        }
        return Ok(());
    }
    if value.contains('=') {
        return Ok(());
    }
    let shown = crate::redact::uris(value);
    Err(Failure::usage(format!(
        "{flag}{sep}{shown}: the value has no '=', and the argument after it looks like its value (not shown: it may be a secret)"
    ))
    .hint(format!("give key and value as one argument: {flag} {shown}=VALUE (quote it if it holds spaces)")))
}

/// A usage error about a plain word the command line did not expect, said without the
/// word: most often it is a value split from its flag, and it may be a credential. `None`
/// for every other usage error (clap's own message says those well).
pub fn stray_word_error(e: &clap::Error, args: &[std::ffi::OsString]) -> Option<Failure> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(word)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    // After `--` every word is a plain one, whatever it starts with (`-- --set=k=pw`).
    let separator = args.iter().skip(1).position(|a| a == "--");
    let position = args.iter().skip(1).enumerate().position(|(n, a)| {
        a.to_string_lossy() == word.as_str()
            && (!word.starts_with('-') || separator.is_some_and(|s| n > s))
    })?;
    let command = args
        .get(1)
        .map(|c| c.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(
        Failure::usage(format!(
            "unexpected argument number {} (not shown: a stray word is most often a value that lost its flag, and may be a secret)",
            position + 1
        ))
        .hint(format!("`mlflow-chart {command} --help` lists what it takes; `render` takes one release name and no chart (the chart is built in), and each --set value is one key=value argument")),
    )
}

/// Each value of a string-slice flag reads as a CSV record; the message shows the value
/// with any URI credential masked (clap's own message would print it whole).
fn check_string_slices(flag: &str, values: &[String]) -> Result<(), Failure> {
    for v in values {
        if let Err(e) = string_slice(v) {
            return Err(Failure::usage(format!(
                "invalid value '{}' for {flag}: {e}",
                crate::redact::uris(v)
            ))
            .hint("give several values comma-separated; quote one that holds a comma or a quote with \"…\", doubling a quote inside it (as Helm reads it)"));
        }
    }
    Ok(())
}

/// A boolean flag's value as pflag reads it (`--skip-schema-validation=false`):
/// Go's `strconv.ParseBool`.
fn go_bool(v: &str) -> Result<bool, String> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!("{v:?} is not a boolean (true or false)")),
    }
}

/// Every item of a string-slice flag's values, in order.
fn string_slices(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| string_slice(v).unwrap_or_default())
        .collect()
}

impl ValuesFlags {
    /// The plain input of the values stage.
    pub fn input(&self) -> ValuesArgs {
        ValuesArgs {
            files: string_slices(&self.files),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_json: self.set_json.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        }
    }
}

impl From<ValuesArgs> for ValuesFlags {
    fn from(v: ValuesArgs) -> Self {
        ValuesFlags {
            files: v.files,
            set: v.set,
            set_string: v.set_string,
            set_json: v.set_json,
            set_file: v.set_file,
            set_literal: v.set_literal,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// OLD and NEW manifest files (`-` reads standard input for one of them).
    pub files: Vec<String>,
    /// Render the old side from these values files instead (repeatable).
    #[arg(long = "values-old", value_name = "FILE")]
    pub values_old: Vec<String>,
    /// Render the new side from these values files instead (repeatable).
    #[arg(long = "values-new", value_name = "FILE")]
    pub values_new: Vec<String>,
    /// Release name used when rendering.
    #[arg(long, default_value = "mlflow")]
    pub release: String,
    /// Namespace used when rendering; also the namespace of a namespaced object that
    /// names none in OLD or NEW (as `kubectl apply -n` applies it), so it is the same
    /// object as one that names it.
    #[arg(
        short = 'n',
        long,
        default_value = "default",
        allow_hyphen_values = true
    )]
    pub namespace: String,
    /// Output format of the report: `text` is for people; `json` and `yaml` give the same
    /// structure for programs.
    #[arg(
        short = 'o',
        long = "output",
        value_enum,
        default_value = "text",
        allow_hyphen_values = true
    )]
    pub output: DiffFormat,
    /// Show the values of Secrets that changed (masked by default: only which keys changed).
    #[arg(long = "show-secrets")]
    pub show_secrets: bool,
    /// Kubernetes version both sides are rendered for (with --values-old/--values-new).
    #[arg(
        long = "kube-version",
        default_value = "1.33",
        allow_hyphen_values = true,
        value_parser = kube_version_or_default
    )]
    pub kube_version: String,
    /// Extra API versions the cluster serves, for both rendered sides (repeatable, or
    /// comma-separated).
    #[arg(
        short = 'a',
        long = "api-versions",
        value_name = "VERSION",
        allow_hyphen_values = true
    )]
    pub api_versions: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Release name (as Helm: at most 53 lowercase letters, digits, `-` and `.`).
    #[arg(default_value = "mlflow")]
    pub release: String,
    #[command(flatten)]
    pub values: ValuesFlags,
    /// Namespace of every object.
    #[arg(
        short = 'n',
        long,
        default_value = "default",
        allow_hyphen_values = true
    )]
    pub namespace: String,
    /// Only print the output of these templates (e.g. templates/deployment.yaml).
    #[arg(
        short = 's',
        long = "show-only",
        value_name = "TEMPLATE",
        allow_hyphen_values = true
    )]
    pub show_only: Vec<String>,
    /// Write one file per template under this directory instead of stdout (an empty
    /// value means stdout, as in Helm).
    #[arg(
        long = "output-dir",
        value_name = "DIR",
        allow_hyphen_values = true,
        value_parser = clap::builder::TypedValueParser::map(clap::builder::StringValueParser::new(), PathBuf::from)
    )]
    pub output_dir: Option<PathBuf>,
    /// Kubernetes version the templates target (1.33 or later).
    #[arg(
        long = "kube-version",
        default_value = "1.33",
        allow_hyphen_values = true,
        value_parser = kube_version_or_default
    )]
    pub kube_version: String,
    /// Extra API versions the cluster serves (e.g. monitoring.coreos.com/v1), repeatable
    /// or comma-separated.
    #[arg(
        short = 'a',
        long = "api-versions",
        value_name = "VERSION",
        allow_hyphen_values = true
    )]
    pub api_versions: Vec<String>,
    /// Do not check the values against values.schema.json.
    #[arg(long = "skip-schema-validation", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub skip_schema_validation: bool,
    /// Output format.
    #[arg(
        short = 'o',
        long = "output",
        value_enum,
        default_value = "yaml",
        allow_hyphen_values = true
    )]
    pub output: Format,
    /// Do not print the notes and next steps on stderr (warnings and errors still print).
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Leave out objects with a `helm.sh/hook` annotation (as Helm's --no-hooks).
    #[arg(long = "no-hooks", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub no_hooks: bool,
    /// Leave out test hooks (`helm.sh/hook: test`), as Helm's --skip-tests.
    #[arg(long = "skip-tests", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub skip_tests: bool,
    /// With --output-dir: write under DIR/RELEASE/ (as Helm's --release-name).
    #[arg(long = "release-name", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub release_name: bool,
    /// Accepted as `helm template` takes it; changes nothing: the chart has no crds/
    /// directory (CustomResourceDefinitions in extraObjects are always printed).
    #[arg(long = "include-crds", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub include_crds: bool,
    /// Accepted as `helm template` takes it; changes nothing: no template reads
    /// `.Release.IsUpgrade`.
    #[arg(long = "is-upgrade", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub is_upgrade: bool,
    #[command(flatten)]
    pub helm_install: HelmInstallFlags,
}

/// Flags `helm template` takes from `helm install` and Helm's global ones (pkg/cmd/
/// install.go:186-212 and flags.go:59-66, pkg/cmd/template.go:217-221, pkg/cli/
/// environment.go:163 at v4.2.3) that change nothing in a client-side render: accepted,
/// with Helm's checks of their values, so that a `helm template` command line runs here
/// as it is. `--dry-run=server`, which needs a cluster, is refused.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Accepted as `helm template` takes them; no effect here")]
pub struct HelmInstallFlags {
    /// `helm template` always renders client-side: `--dry-run`, `=client` or `=true`.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unset", value_parser = dry_run, value_name = "client")]
    pub dry_run: Option<String>,
    /// Helm's wait strategy (watcher, hookOnly or legacy; true and false as Helm still
    /// takes them, pkg/cmd/flags.go:82-97).
    #[arg(long = "wait", num_args = 0..=1, require_equals = true, default_missing_value = "watcher", value_parser = ["watcher", "hookOnly", "legacy", "true", "false"], value_name = "STRATEGY")]
    pub wait: Option<String>,
    /// A Go duration (5m0s).
    #[arg(long = "timeout", value_parser = go_duration, value_name = "DURATION", allow_hyphen_values = true)]
    pub timeout: Option<String>,
    /// The release's description.
    #[arg(long = "description", value_name = "TEXT", allow_hyphen_values = true)]
    pub description: Option<String>,
    /// Release labels (key=value, comma-separated), as Helm stores with the release.
    #[arg(short = 'l', long = "labels", value_parser = release_labels, value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub labels: Vec<String>,
    #[arg(long = "debug", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub debug: bool,
    #[arg(long = "create-namespace", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub create_namespace: bool,
    #[arg(long = "force-replace", conflicts_with = "force_conflicts", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub force_replace: bool,
    #[arg(long = "force", conflicts_with = "force_conflicts", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false", hide = true)]
    pub force: bool,
    #[arg(long = "force-conflicts", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub force_conflicts: bool,
    #[arg(long = "server-side", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "true")]
    pub server_side: bool,
    #[arg(long = "replace", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub replace: bool,
    #[arg(long = "wait-for-jobs", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub wait_for_jobs: bool,
    #[arg(long = "devel", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub devel: bool,
    #[arg(long = "dependency-update", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub dependency_update: bool,
    #[arg(long = "disable-openapi-validation", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub disable_openapi_validation: bool,
    #[arg(long = "rollback-on-failure", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub rollback_on_failure: bool,
    #[arg(long = "atomic", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false", hide = true)]
    pub atomic: bool,
    #[arg(long = "skip-crds", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub skip_crds: bool,
    #[arg(long = "render-subchart-notes", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false", hide = true)]
    pub render_subchart_notes: bool,
    #[arg(long = "hide-notes", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false", hide = true)]
    pub hide_notes: bool,
    #[arg(long = "enable-dns", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub enable_dns: bool,
    #[arg(long = "take-ownership", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = go_bool, action = clap::ArgAction::Set, default_value = "false")]
    pub take_ownership: bool,
}

/// `--kube-version`: empty is the default, as `helm template` tests `kubeVersion != ""`
/// (pkg/cmd/template.go:80 at v4.2.3), so `--kube-version "$KV"` with KV unset works.
fn kube_version_or_default(v: &str) -> Result<String, String> {
    Ok(if v.is_empty() { "1.33" } else { v }.to_string())
}

/// `--dry-run` as `helm template` reads it (cmdGetDryRunFlagStrategy, pkg/cmd/
/// helpers.go:45-82 at v4.2.3): bare, `client` or a true boolean is the client-side render
/// this always is; `server` needs a cluster; `none` or a false boolean Helm refuses.
fn dry_run(v: &str) -> Result<String, String> {
    match v {
        "unset" | "client" => Ok(v.to_string()),
        "server" => Err("--dry-run=server needs a cluster; mlflow-chart renders client-side only (--dry-run=client)".into()),
        "none" => Err(format!("invalid dry-run value ({v:?}). Must be \"server\" or \"client\"")),
        _ => match go_bool(v) {
            Ok(true) => Ok(v.to_string()),
            Ok(false) => Err(format!("invalid dry-run value ({v:?}). Must be \"server\" or \"client\"")),
            Err(_) => Err(format!("invalid dry-run value ({v:?}). Must be \"none\", \"server\", or \"client\"")),
        },
    }
}

/// A Go duration as `time.ParseDuration` reads it (pflag's DurationVar): `0`, or signed
/// numbers with an optional fraction, each with a unit (ns, us, µs, μs, ms, s, m, h).
fn go_duration(v: &str) -> Result<String, String> {
    let bad = || format!("time: invalid duration {v:?} (write it like 300s, 5m or 1h30m)");
    let rest = v.strip_prefix(['-', '+']).unwrap_or(v);
    if rest == "0" {
        return Ok(v.to_string());
    }
    if rest.is_empty() {
        return Err(bad());
    }
    // Whole nanoseconds, as Go sums them; past 2^63 - 1 (2^63 when negative) is an overflow.
    let limit: u128 = if v.starts_with('-') {
        1 << 63
    } else {
        (1 << 63) - 1
    };
    let mut nanos: u128 = 0;
    let mut s = rest;
    while !s.is_empty() {
        let number_len = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let number = &s[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(bad());
        }
        s = &s[number_len..];
        let unit_len = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let scale: u128 = match &s[..unit_len] {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(bad()),
        };
        s = &s[unit_len..];
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let digits = |d: &str| -> Result<u128, String> {
            if d.len() > 30 {
                return Err(bad());
            }
            Ok(if d.is_empty() {
                0
            } else {
                d.parse().map_err(|_| bad())?
            })
        };
        let mut part = digits(whole)?.checked_mul(scale).ok_or_else(bad)?;
        // The fraction, cut to the nanosecond, as Go's float sum rounds it down.
        let fraction = &fraction[..fraction.len().min(30)];
        part += digits(fraction)? * scale / 10u128.pow(fraction.len() as u32);
        nanos = nanos.checked_add(part).ok_or_else(bad)?;
        if nanos > limit {
            return Err(bad());
        }
    }
    Ok(v.to_string())
}

/// `--labels` as pflag's string-to-string flag reads it (string_to_string.go of spf13/
/// pflag v1.0.10): one `=` is one pair, quotes trimmed; more are a CSV record of pairs.
/// Helm refuses its own label names (pkg/storage/driver/util.go:34, action/install.go:371).
fn release_labels(v: &str) -> Result<String, String> {
    let pairs = match v.matches('=').count() {
        0 => return Err(format!("{v} must be formatted as key=value")),
        1 => vec![v.trim_matches('"').to_string()],
        _ => string_slice(v)?,
    };
    for pair in &pairs {
        let Some((key, _)) = pair.split_once('=') else {
            return Err(format!("{pair} must be formatted as key=value"));
        };
        if [
            "name",
            "owner",
            "status",
            "version",
            "createdAt",
            "modifiedAt",
        ]
        .contains(&key)
        {
            return Err(format!(
                "user supplied labels contains system reserved label name {key:?}"
            ));
        }
    }
    Ok(v.to_string())
}

impl RenderArgs {
    /// The output directory; an empty `--output-dir` is none (Helm's template.go tests
    /// `OutputDir != ""`), so `--output-dir "$DIR"` with DIR unset prints to stdout.
    pub fn output_dir(&self) -> Option<&PathBuf> {
        self.output_dir
            .as_ref()
            .filter(|d| !d.as_os_str().is_empty())
    }

    /// The pipeline's plain request.
    pub fn request(&self) -> Request {
        Request {
            release: self.release.clone(),
            // `-n ''` is the default namespace, as Helm's `EnvSettings.Namespace` has it.
            namespace: if self.namespace.is_empty() {
                "default".into()
            } else {
                self.namespace.clone()
            },
            kube_version: self.kube_version.clone(),
            api_versions: string_slices(&self.api_versions),
            values: self.values.input(),
            skip_schema_validation: self.skip_schema_validation,
            yaml: false,
        }
    }

    /// The flags' defaults for a release, namespace and values (library callers, `diff`).
    pub fn new(release: &str, namespace: &str, values: ValuesArgs) -> Self {
        RenderArgs {
            release: release.to_string(),
            values: ValuesFlags::from(values),
            namespace: namespace.to_string(),
            show_only: vec![],
            output_dir: None,
            kube_version: "1.33".into(),
            api_versions: vec![],
            skip_schema_validation: false,
            output: Format::Yaml,
            quiet: true,
            no_hooks: false,
            skip_tests: false,
            release_name: false,
            include_crds: false,
            is_upgrade: false,
            helm_install: HelmInstallFlags::default(),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Manifest files (`-` reads standard input); with no file, standard input is read.
    pub files: Vec<String>,
    /// Kubernetes version to validate for (1.33 or later).
    #[arg(
        long = "kube-version",
        default_value = "1.33",
        allow_hyphen_values = true,
        value_parser = kube_version_or_default
    )]
    pub kube_version: String,
    /// Treat kinds without a typed schema as errors instead of listing them.
    #[arg(long)]
    pub strict: bool,
    /// CustomResourceDefinitions (a file, or a directory of .yaml/.yml/.json files) whose
    /// custom resources are validated against their schema, repeatable. CRDs in the
    /// stream itself are used too.
    #[arg(long = "crd", value_name = "FILE|DIR")]
    pub crds: Vec<String>,
    /// Secrets that exist outside the stream (references to them are fine), repeatable.
    #[arg(long = "external-secret", value_name = "NAME")]
    pub external_secrets: Vec<String>,
    /// Output format of the report: the human one, or its structure as JSON or YAML.
    #[arg(
        short = 'o',
        long = "output",
        value_enum,
        default_value = "text",
        allow_hyphen_values = true
    )]
    pub output: ReportFormat,
}

/// What a successful command prints.
pub struct Output {
    pub stdout: String,
    pub stderr: Vec<String>,
    pub code: u8,
}

impl Output {
    /// The exit code when stdout cannot be written: 2 for `diff` (diff(1): trouble), else 1.
    pub fn write_failure_code(&self, command_is_diff: bool) -> u8 {
        if command_is_diff { 2 } else { 1 }
    }
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<Output, Failure> {
    match &cli.command {
        Command::Render(a) => {
            check_string_slices("-f/--values", &a.values.files)?;
            check_string_slices("-a/--api-versions", &a.api_versions)?;
        }
        Command::Values { values, .. } => check_string_slices("-f/--values", &values.files)?,
        Command::Diff(a) => check_string_slices("-a/--api-versions", &a.api_versions)?,
        _ => {}
    }
    match cli.command {
        Command::Render(args) => run_render(&args),
        Command::Values {
            values,
            skip_schema_validation,
            show_secrets,
        } => run_values(&values.input(), skip_schema_validation, show_secrets),
        Command::Schema { reference } => Ok(Output {
            stdout: if reference {
                crate::reference::markdown()
            } else {
                schema::SCHEMA.to_string()
            },
            stderr: vec![],
            code: 0,
        }),
        Command::Validate(args) => run_validate(&args),
        Command::Diff(args) => run_diff(&args).map_err(|mut f| {
            // Like diff(1): 1 means "different", so every error is 2.
            f.kind = crate::error::Kind::Usage;
            f
        }),
        Command::Completions { shell } => Ok(Output {
            stdout: crate::completions::script(<Cli as clap::CommandFactory>::command(), shell),
            stderr: vec![],
            code: 0,
        }),
    }
}

/// The schemas of the CRDs in `--crd` files and directories.
fn read_crds(paths: &[String]) -> Result<validate::crd::Schemas, Failure> {
    let mut files = Vec::new();
    for p in paths {
        let path = std::path::Path::new(p);
        if path.is_dir() {
            let mut found: Vec<String> = std::fs::read_dir(path)
                .map_err(|e| Failure::input(format!("--crd {p}: {}", crate::input::io_reason(&e))))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension()
                        .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                })
                .map(|f| f.to_string_lossy().into_owned())
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        if paths.is_empty() {
            return Ok(Default::default());
        }
        return Err(Failure::input(format!(
            "--crd {}: no .yaml, .yml or .json file found",
            paths.join(", ")
        )));
    }
    let docs = read_manifests(&files)?;
    let schemas = validate::crd::Schemas::from_docs(&docs);
    if schemas.is_empty() {
        return Err(Failure::input(format!(
            "--crd {}: no CustomResourceDefinition with an openAPIV3Schema found",
            paths.join(", ")
        )));
    }
    Ok(schemas)
}

fn read_manifests(files: &[String]) -> Result<Vec<Document>, Failure> {
    let mut sources = Vec::new();
    let mut total = 0u64;
    for f in files {
        let (name, text) = crate::input::read(f, &crate::input::MANIFEST)?;
        total += text.len() as u64;
        if total > crate::input::TOTAL_MANIFEST_CAP {
            return Err(Failure::input(format!(
                "the manifest files together are larger than the limit of {} MiB",
                crate::input::TOTAL_MANIFEST_CAP / (1024 * 1024)
            ))
            .hint("validate them in smaller groups"));
        }
        sources.push((name, text));
    }
    parse::parse_all(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|problems| Failure::input("the manifests do not parse").with_problems(problems))
}

fn run_diff(args: &DiffArgs) -> Result<Output, Failure> {
    let rendering = !args.values_old.is_empty() || !args.values_new.is_empty();
    let (old, new) = if rendering {
        if !args.files.is_empty() {
            return Err(Failure::usage(
                "give either two manifest files or --values-old/--values-new, not both",
            ));
        }
        let side = |files: &Vec<String>| -> Result<Vec<Document>, Failure> {
            let mut ra = RenderArgs::new(
                &args.release,
                &args.namespace,
                ValuesArgs {
                    files: files.clone(),
                    ..Default::default()
                },
            );
            ra.kube_version = args.kube_version.clone();
            ra.api_versions = string_slices(&args.api_versions);
            render_docs(&ra).map(|(d, _)| d)
        };
        let named = |which: &str, flag: &str, f: Failure| Failure {
            message: format!("rendering the {which} side ({flag}) failed: {}", f.message),
            ..f
        };
        (
            side(&args.values_old).map_err(|f| named("old", "--values-old", f))?,
            side(&args.values_new).map_err(|f| named("new", "--values-new", f))?,
        )
    } else {
        match args.files.as_slice() {
            [a, b] if !(a == "-" && b == "-") => (
                read_manifests(std::slice::from_ref(a))?,
                read_manifests(std::slice::from_ref(b))?,
            ),
            _ => {
                return Err(Failure::usage(
                    "diff needs exactly two manifest files: OLD NEW (at most one of them `-`)",
                ));
            }
        }
    };
    // `-n ''` is the default namespace, as for render.
    let namespace = if args.namespace.is_empty() {
        "default"
    } else {
        args.namespace.as_str()
    };
    let sides = |docs: &[Document], other: &[Document], which: &str| {
        crate::diff::objects(docs, other, namespace).map_err(|problems| {
            Failure::input(format!(
                "the {which} side holds objects diff cannot compare"
            ))
            .with_problems(problems)
            .hint("`mlflow-chart validate FILE` checks a manifest file in full")
        })
    };
    let (old, new) = (sides(&old, &new, "old")?, sides(&new, &old, "new")?);
    let report = crate::diff::compare(&old, &new, args.show_secrets);
    let stdout = match args.output {
        DiffFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        DiffFormat::Yaml => {
            let value = serde_json::to_value(&report).unwrap_or_default();
            emit::to_yaml(&value)?
        }
        DiffFormat::Text => report.text(),
    };
    Ok(Output {
        stdout,
        stderr: vec![],
        code: if report.differs() { 1 } else { 0 },
    })
}

/// Go's `filepath.Match` on Unix for `*` (any run without '/'), `?` (one character but
/// '/'), `[…]` classes (`[a-c]`, `[^x]`, `\` escapes inside; they may match '/'), `\`
/// (the next character taken as it is) and literal characters; a malformed pattern (a
/// lone final `\`, an unclosed or empty class, a bare '-' or ']' in one) matches nothing
/// (ErrBadPattern, which Helm's template.go:183 ignores).
/// Dynamic programming over (pattern, name) positions: time proportional to their
/// product, whatever the stars (a recursive match took exponential time).
fn glob_match(pattern: &str, name: &str) -> bool {
    enum Token {
        Star,
        One,
        Char(char),
        Class(bool, Vec<(char, char)>),
    }
    // getEsc: one character of a class, `\` escaping; '-' and ']' must be escaped, and
    // the class must go on after it.
    fn class_char(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<char> {
        let c = match chars.next()? {
            '-' | ']' => return None,
            '\\' => chars.next()?,
            c => c,
        };
        chars.peek().is_some().then_some(c)
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '*' => Token::Star,
            '?' => Token::One,
            '[' => {
                let negated = chars.next_if_eq(&'^').is_some();
                let mut ranges = Vec::new();
                loop {
                    if !ranges.is_empty() && chars.next_if_eq(&']').is_some() {
                        break;
                    }
                    let Some(lo) = class_char(&mut chars) else {
                        return false;
                    };
                    let hi = if chars.next_if_eq(&'-').is_some() {
                        match class_char(&mut chars) {
                            Some(hi) => hi,
                            None => return false,
                        }
                    } else {
                        lo
                    };
                    ranges.push((lo, hi));
                }
                Token::Class(negated, ranges)
            }
            '\\' => match chars.next() {
                Some(escaped) => Token::Char(escaped),
                None => return false,
            },
            c => Token::Char(c),
        });
    }
    let name: Vec<char> = name.chars().collect();
    // row[j]: the tokens so far match name[..j].
    let mut row = vec![false; name.len() + 1];
    row[0] = true;
    for t in &tokens {
        let mut next = vec![false; name.len() + 1];
        match t {
            Token::Star => {
                for j in 0..=name.len() {
                    next[j] = row[j] || (j > 0 && next[j - 1] && name[j - 1] != '/');
                }
            }
            Token::One => {
                for j in 1..=name.len() {
                    next[j] = row[j - 1] && name[j - 1] != '/';
                }
            }
            Token::Char(c) => {
                for j in 1..=name.len() {
                    next[j] = row[j - 1] && name[j - 1] == *c;
                }
            }
            Token::Class(negated, ranges) => {
                for j in 1..=name.len() {
                    let c = name[j - 1];
                    let inside = ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
                    next[j] = row[j - 1] && inside != *negated;
                }
            }
        }
        row = next;
    }
    row[name.len()]
}

/// The render pipeline for the `render` flags.
pub fn render_docs(args: &RenderArgs) -> Result<(Vec<Document>, Vec<String>), Failure> {
    render_output(args, false).map(|r| (r.docs, r.stderr))
}

/// [`render_docs`], with each document's YAML when `yaml`.
fn render_output(args: &RenderArgs, yaml: bool) -> Result<pipeline::Rendered, Failure> {
    if args.output_dir().is_some() && args.output == Format::Json {
        return Err(Failure::usage(
            "--output-dir writes YAML files; it cannot be combined with -o json",
        ));
    }
    let mut request = args.request();
    request.yaml = yaml;
    pipeline::run(&request)
}

fn run_render(args: &RenderArgs) -> Result<Output, Failure> {
    // The YAML stream's documents are emitted as they are validated.
    let stream = args.output_dir().is_none() && args.output == Format::Yaml;
    let pipeline::Rendered {
        docs,
        yaml,
        mut stderr,
    } = render_output(args, stream)?;
    if args.quiet {
        stderr.retain(|l| l.starts_with("warning:"));
    }
    let mut yaml = yaml.unwrap_or_default();
    // Hooks Helm would not print (--no-hooks, --skip-tests: pkg/cmd/template.go:122-127 at
    // v4.2.3).
    let keep = |d: &Document| {
        !(args.no_hooks && sort::is_hook(d) || args.skip_tests && sort::is_test_hook(d))
    };
    // The templates whose objects these flags left out, for `-s`'s message.
    let left_out: std::collections::BTreeSet<String> = docs
        .iter()
        .filter(|d| !keep(d))
        .map(|d| d.template.clone())
        .collect();
    let (docs, yaml_kept): (Vec<Document>, Vec<String>) = if args.no_hooks || args.skip_tests {
        let keep_yaml: Vec<bool> = docs.iter().map(keep).collect();
        let yaml = std::mem::take(&mut yaml)
            .into_iter()
            .zip(&keep_yaml)
            .filter_map(|(t, k)| k.then_some(t))
            .collect();
        (docs.into_iter().filter(|d| keep(d)).collect(), yaml)
    } else {
        (docs, std::mem::take(&mut yaml))
    };
    yaml = yaml_kept;
    let docs = if args.show_only.is_empty() {
        docs
    } else {
        // As Helm: each pattern is matched (filepath.Match) against `templates/<file>`, and
        // the documents come pattern by pattern, in output order within a pattern
        // (pkg/cmd/template.go:163-195 at v4.2.3); a document two patterns match comes
        // once, at the first.
        let mut order: Vec<usize> = Vec::new();
        for s in &args.show_only {
            let names: Vec<String> = render::template_names()
                .into_iter()
                .filter(|t| glob_match(s, &format!("templates/{t}")))
                .collect();
            if names.is_empty() {
                // A pattern with `=` is most often a `--set` value given to -s: not shown.
                let shown = if s.contains('=') {
                    "(not shown: it holds '=', like a --set argument)".to_string()
                } else {
                    s.clone()
                };
                return Err(Failure::input(format!(
                    "could not find template {shown} in the chart"
                ))
                .hint(format!(
                    "templates: {}",
                    render::template_names().join(", ")
                )));
            }
            if !docs.iter().any(|d| names.contains(&d.template)) {
                let why = if names.iter().any(|n| left_out.contains(n)) {
                    "its objects are hooks, which --no-hooks or --skip-tests leaves out"
                } else {
                    "the objects it holds are switched off; see docs/values.md"
                };
                return Err(Failure::input(format!(
                    "{s} rendered nothing for these values ({why})"
                )));
            }
            for (i, d) in docs.iter().enumerate() {
                if names.contains(&d.template) && !order.contains(&i) {
                    order.push(i);
                }
            }
        }
        if !yaml.is_empty() {
            let mut texts: Vec<Option<String>> = yaml.into_iter().map(Some).collect();
            yaml = order.iter().filter_map(|&i| texts[i].take()).collect();
        }
        let mut all: Vec<Option<Document>> = docs.into_iter().map(Some).collect();
        order.iter().filter_map(|&i| all[i].take()).collect()
    };
    // emit
    if let Some(dir) = args.output_dir() {
        let dir = if args.release_name {
            dir.join(&args.release)
        } else {
            dir.clone()
        };
        let written = emit::write_dir(&dir, &docs)?;
        let listing = written.iter().map(|p| format!("wrote {p}\n")).collect();
        return Ok(Output {
            stdout: listing,
            stderr,
            code: 0,
        });
    }
    let stdout = match args.output {
        Format::Yaml => yaml.concat(),
        Format::Json => emit::json_list(&docs)?,
    };
    // Only `main` runs this, and the process ends once stdout is written: freeing every
    // node of every document one by one would cost more than the exit does (1.4 % of a
    // render's instructions).
    std::mem::forget(docs);
    Ok(Output {
        stdout,
        stderr,
        code: 0,
    })
}

fn run_values(
    args: &ValuesArgs,
    skip_schema_validation: bool,
    show_secrets: bool,
) -> Result<Output, Failure> {
    let no_flags = args.files.is_empty()
        && args.set.is_empty()
        && args.set_string.is_empty()
        && args.set_json.is_empty()
        && args.set_file.is_empty()
        && args.set_literal.is_empty();
    if no_flags {
        return Ok(Output {
            stdout: values::DEFAULT_VALUES.to_string(),
            stderr: vec![],
            code: 0,
        });
    }
    // The merge as Helm has it: a null deletes, even a value the chart needs (`render`
    // reports those).
    let computed = values::compute(args)?;
    if !skip_schema_validation {
        schema::check(&computed)?;
    }
    let shown = if show_secrets {
        std::borrow::Cow::Borrowed(&computed.values)
    } else {
        std::borrow::Cow::Owned(values::masked(&computed.values))
    };
    let text = emit::to_yaml(&values::sorted(&shown))?;
    Ok(Output {
        stdout: text,
        stderr: vec![],
        code: 0,
    })
}

fn run_validate(args: &ValidateArgs) -> Result<Output, Failure> {
    pipeline::check_kube_version(&args.kube_version)?;
    let files: Vec<String> = if args.files.is_empty() {
        vec!["-".into()]
    } else {
        args.files.clone()
    };
    let docs = read_manifests(&files)?;
    let known = Known {
        secrets: args
            .external_secrets
            .iter()
            .cloned()
            .chain(validate::declared_outside(&docs))
            .collect(),
        configmaps: validate::declared(&docs, validate::CONFIGMAPS_OUTSIDE_ANNOTATION)
            .into_iter()
            .collect(),
        serviceaccounts: Default::default(),
        claims: Default::default(),
        crds: read_crds(&args.crds)?,
    };
    let cross = if args.strict {
        validate::Severity::Error
    } else {
        validate::Severity::Warning
    };
    let (mut report, mut records) = validate::validate(&docs, &known, cross);
    // Fields the target version does not serve by default.
    let minor = render::parse_kube_version(&args.kube_version).map_or(33, |(_, m)| m);
    let items = validate::expand_lists(&docs);
    // Resource claims: dropped by 1.33 (DynamicResourceAllocation off by default),
    // checked from 1.34.
    let claims = if minor >= 34 {
        validate::rules::resource_claims(&items)
    } else {
        Vec::new()
    };
    for p in validate::rules::gated_fields(&items, minor)
        .into_iter()
        .chain(claims)
    {
        let d = &items[p.doc];
        let record = validate::ProblemRecord {
            source: d.template.clone(),
            object: d.id(),
            path: p.path,
            message: p.message,
            severity: validate::Severity::Error,
        };
        report.problems.push(record.line());
        records.push(record);
    }
    if args.strict {
        // Under --strict an unvalidated kind is an error: listed with the others.
        records.extend(report.not_validated.iter().map(|n| validate::ProblemRecord {
            source: n.split(": ").next().unwrap_or("").to_string(),
            object: n.rsplit_once(": ").map_or(n.as_str(), |(_, o)| o).to_string(),
            path: "kind".into(),
            message: "not validated: no typed schema and no CustomResourceDefinition for this kind (give one with --crd)".into(),
            severity: validate::Severity::Error,
        }));
    }
    // Under --strict an unvalidated kind is an error too, and counts as one.
    let errors = report.problems.len()
        + if args.strict {
            report.not_validated.len()
        } else {
            0
        };
    let ok = errors == 0;
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let structure = || {
        serde_json::json!({
            "valid": ok,
            "documents": docs.len(),
            "errors": errors,
            "warnings": report.warnings.len(),
            "problems": records,
            "notValidated": report.not_validated,
        })
    };
    let stdout = match args.output {
        ReportFormat::Json => serde_json::to_string_pretty(&structure()).unwrap_or_default() + "\n",
        ReportFormat::Yaml => emit::to_yaml(&structure())?,
        ReportFormat::Text => {
            let mut s = String::new();
            if docs.is_empty() {
                s.push_str(
                    "the stream holds no Kubernetes object (it is empty or only comments)\n",
                );
            }
            let listed = crate::schema::MAX_LISTED;
            for p in report.problems.iter().take(listed) {
                s.push_str(&format!("error: {p}\n"));
            }
            if report.problems.len() > listed {
                s.push_str(&format!(
                    "… and {} more problems (only the first {listed} are listed; -o json lists all)\n",
                    report.problems.len() - listed
                ));
            }
            for w in report.warnings.iter().take(listed) {
                let why = if w.contains(validate::semantic::DROPPED_DATA_SOURCE) {
                    "Kubernetes accepts it without a word"
                } else if validate::semantic::is_api_warning(w) {
                    "Kubernetes accepts it and warns"
                } else {
                    "the other object may live outside this stream"
                };
                s.push_str(&format!(
                    "warning: {w} ({why}; --strict makes this an error)\n"
                ));
            }
            for n in &report.not_validated {
                if args.strict {
                    s.push_str(&format!(
                        "error: {n}: kind: not validated: no typed schema and no CustomResourceDefinition for this kind (give one with --crd)\n"
                    ));
                } else {
                    s.push_str(&format!(
                        "not validated: {n} (no typed schema for this kind; --crd FILE validates custom resources)\n"
                    ));
                }
            }
            s.push_str(&format!(
                "{}, {}, {}, {} not validated\n",
                plural(docs.len(), "document"),
                plural(errors, "error"),
                plural(report.warnings.len(), "warning"),
                report.not_validated.len()
            ));
            s
        }
    };
    // A path's key written `NAME=value` (`stringData["DB_PASSWORD=x"]`) and URI
    // credentials are masked, as in every other message.
    let stdout = crate::redact::message(&stdout).into_owned();
    Ok(Output {
        stdout,
        stderr: vec![],
        code: if ok { 0 } else { 1 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::Shell;

    /// `-s` patterns as Go's filepath.Match reads them, case by case.
    #[test]
    fn arguments_that_are_not_text_are_named_by_place() {
        use std::os::unix::ffi::OsStringExt;
        let bad = || std::ffi::OsString::from_vec(b"a\xffb".to_vec());
        let argv = |words: Vec<std::ffi::OsString>| {
            let mut a = vec!["mlflow-chart".into(), "render".into()];
            a.extend(words);
            a
        };
        let said = |a: Vec<std::ffi::OsString>| check_text_args(&a).map_err(|f| f.to_string());
        assert_eq!(said(argv(vec!["-f".into(), "v.yaml".into()])), Ok(()));
        for (words, which) in [
            (
                vec!["-f".into(), bad()],
                "argument 3, the argument after -f,",
            ),
            (
                vec!["-q".into(), {
                    let mut s = std::ffi::OsString::from("-f");
                    s.push(bad());
                    s
                }],
                "argument 3, the value of -f,",
            ),
            (
                vec![{
                    let mut s = std::ffi::OsString::from("--set=");
                    s.push(bad());
                    s
                }],
                "argument 2, the value of --set,",
            ),
            (vec![bad()], "argument 2, a word"),
            (vec!["--".into(), bad()], "argument 3, a word"),
        ] {
            let e = said(argv(words)).unwrap_err();
            assert!(e.contains(which), "{e}");
            assert!(!e.contains('\u{fffd}'), "{e}");
        }
    }

    #[test]
    fn show_only_patterns_match_as_go_does() {
        let t = "templates/service.yaml";
        for (pattern, name, want) in [
            ("templates/service.yaml", t, true),
            ("templates/*.yaml", t, true),
            ("templates/s?rvice.yaml", t, true),
            ("*", t, false),
            ("*/*", t, true),
            ("templates/*", "templates/a/b.yaml", false),
            ("templates?service.yaml", t, false),
            ("templates/service\\.yaml", t, true),
            ("templates\\/service.yaml", t, true),
            ("templates/\\*.yaml", t, false),
            ("templates/\\*.yaml", "templates/*.yaml", true),
            ("templates/service.yaml\\", t, false),
            ("", "", true),
            ("**", t, false),
            ("templates/**", t, true),
            // Classes: ranges, negation, escapes; they may match '/'.
            ("templates/[a-t]ervice.yaml", t, true),
            ("templates/[^s]ervice.yaml", t, false),
            ("templates/[^a-c]ervice.yaml", t, true),
            ("templates/[xs]*", t, true),
            ("templates[/]service.yaml", t, true),
            ("templates/[\\s]ervice.yaml", t, true),
            ("templates/[\\]]x", "templates/]x", true),
            // Malformed classes match nothing.
            ("templates/[]ervice.yaml", t, false),
            ("templates/[s", t, false),
            ("templates/[-s]ervice.yaml", t, false),
            ("templates/[a-]ervice.yaml", t, false),
        ] {
            assert_eq!(glob_match(pattern, name), want, "{pattern} {name}");
        }
        // Many stars against a name they nearly match: quick, not exponential.
        let stars = format!("{}b", "*a".repeat(40));
        let start = std::time::Instant::now();
        assert!(!glob_match(&stars, &"a".repeat(60)));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }

    /// pflag's string-slice reading (Go's encoding/csv, one record), case by case.
    #[test]
    fn string_slice_reads_one_csv_record() {
        assert_eq!(string_slice("a.yaml\r"), Ok(vec!["a.yaml".to_string()]));
        assert_eq!(
            string_slice("a,b\r"),
            Ok(vec!["a".to_string(), "b".to_string()])
        );
        let ok: &[(&str, &[&str])] = &[
            ("", &[]),
            ("a.yaml", &["a.yaml"]),
            ("a.yaml,b.yaml", &["a.yaml", "b.yaml"]),
            ("a,", &["a", ""]),
            (",", &["", ""]),
            ("\"a,b.yaml\"", &["a,b.yaml"]),
            ("\"say \"\"hi\"\"\",x", &["say \"hi\"", "x"]),
            ("\"multi\nline\",x", &["multi\nline", "x"]),
            ("a\nb", &["a"]),
            ("\n\na,b\nc", &["a", "b"]),
            ("a\r\nb", &["a"]),
            (" a, b", &[" a", " b"]),
            ("-", &["-"]),
        ];
        for (input, want) in ok {
            let got = string_slice(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(got, *want, "{input:?}");
        }
        for bad in ["a\"b", "\"a", "\"a\"b", "x,\"y"] {
            assert!(string_slice(bad).is_err(), "{bad:?}");
        }
    }

    /// Every state the bash dispatch loop can reach (`cmd="..."`) has its own `case` arm.
    #[test]
    fn bash_states_have_arms() {
        let s = crate::completions::script(<Cli as clap::CommandFactory>::command(), Shell::Bash);
        let states: Vec<&str> = s
            .lines()
            .filter_map(|l| l.trim().strip_prefix("cmd=\"")?.strip_suffix('"'))
            .filter(|c| !c.is_empty())
            .collect();
        assert!(states.len() > 6, "too few states: {states:?}");
        for state in states {
            assert!(
                s.lines().any(|l| l.trim() == format!("{state})")),
                "no case arm for bash state {state}"
            );
        }
    }
}
