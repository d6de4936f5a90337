//! Shell completions, driven through the real shells: each test sources the script the
//! binary prints and asks the shell what it would offer for a partial command line. bash is
//! always needed; zsh and fish are installed by scripts/test.sh and, like the other
//! oracles, make their test fail (not skip) when missing.

use crate::common::run;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `mlflow-chart completions <shell>` in a file of a directory of its own, removed on drop.
struct Script(PathBuf);

impl Script {
    fn new(shell: &str) -> Self {
        let r = run(&["completions", shell], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let dir = crate::common::scratch_root().join(format!("completions-{shell}"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("mlflow-chart.{shell}"));
        std::fs::write(&path, r.stdout).unwrap();
        Script(path)
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn require(shell: &str) {
    let found = Command::new(shell)
        .arg("-c")
        .arg("exit 0")
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "{shell} is missing: run scripts/test.sh, which installs it with apt"
    );
}

/// Partial command lines and words each shell must offer for them.
const CASES: &[(&str, &[&str])] = &[
    ("mlflow-chart ", &["render", "completions"]),
    (
        "mlflow-chart render --",
        &[
            "--set",
            "--namespace",
            "--values",
            "--output",
            "--show-only",
        ],
    ),
    ("mlflow-chart render -o ", &["yaml", "json"]),
    (
        "mlflow-chart validate --",
        &["--external-secret", "--strict"],
    ),
    ("mlflow-chart completions ", &["bash", "zsh", "fish"]),
];

/// Runs `cmd` and returns its stdout lines, first field (before a tab) only.
fn candidates(mut cmd: Command, what: &str) -> Vec<String> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{what} failed ({}): {stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| {
            l.trim_end_matches('\r')
                .split('\t')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn assert_offers(shell: &str, line: &str, got: &[String], want: &[&str]) {
    for w in want {
        assert!(
            got.iter().any(|g| g == w),
            "{shell}: `{line}<TAB>` should offer {w}; it offered {got:?}"
        );
    }
}

/// Sources the bash script like bash-completion does, sets COMP_* for `line` and calls the
/// function `complete -p` registered for mlflow-chart; prints COMPREPLY one per line.
const BASH_DRIVER: &str = r#"
source "$1" || exit 1
line=$2
read -ra COMP_WORDS <<< "$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line
COMP_POINT=${#line}
spec=$(complete -p mlflow-chart) || exit 1
[[ $spec =~ -F\ ([^ ]+) ]] || exit 1
COMPREPLY=()
"${BASH_REMATCH[1]}" mlflow-chart "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

fn bash_complete(script: &Path, line: &str) -> Vec<String> {
    let mut cmd = Command::new("bash");
    cmd.args(["--norc", "--noprofile", "-c", BASH_DRIVER, "bash"])
        .arg(script)
        .arg(line);
    candidates(cmd, &format!("bash completing `{line}`"))
}

#[test]
fn bash_completes_after_the_subcommand() {
    let script = Script::new("bash");
    for (line, want) in CASES {
        assert_offers("bash", line, &bash_complete(&script.0, line), want);
    }
}

/// Run by `zsh -f -i` in a pseudo-terminal: compinit, the script, a `compadd` that also
/// prints each match it adds as `MATCH:word`, and a TAB widget that ends with a marker.
const ZSH_INIT: &str = r#"
PS1='' PROMPT='' RPROMPT=''
autoload -Uz compinit && compinit -u -D
source "$MC_SCRIPT"
compadd() {
  if [[ " ${@[1,(i)(-|--)]} " == *\ -[OAD]\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits
  builtin compadd -O hits "$@"
  (( $#hits )) && print -rl -- "" "${hits[@]/#/MATCH:}"
  builtin compadd "$@"
}
_mc_capture() { _main_complete; print -r -- "<<""DONE>>"; }
zle -C mc-capture complete-word _mc_capture
bindkey '^I' mc-capture
"#;

/// Types `$1` and TAB into an interactive zsh on a zpty and prints what it matched.
const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty || exit 3
zpty mc zsh -f -i
zpty -w mc "source ${(q)MC_INIT}"
zpty -w -n mc "$1"$'\t'
out=''
zpty -r mc out '*<<DONE>>*' || exit 4
zpty -d mc
print -r -- "${out//$'\r'/}" | sed -n 's/^MATCH://p'
"#;

fn zsh_complete(script: &Path, line: &str) -> Vec<String> {
    let init = script.with_file_name("init.zsh");
    std::fs::write(&init, ZSH_INIT).unwrap();
    let mut cmd = Command::new("timeout");
    cmd.args(["60", "zsh", "-f", "-c", ZSH_DRIVER, "zsh", line])
        .env("MC_SCRIPT", script)
        .env("MC_INIT", &init)
        .env("TERM", "xterm");
    candidates(cmd, &format!("zsh completing `{line}`"))
}

#[test]
fn zsh_completes_after_the_subcommand() {
    require("zsh");
    let script = Script::new("zsh");
    for (line, want) in CASES {
        assert_offers("zsh", line, &zsh_complete(&script.0, line), want);
    }
}

fn fish_complete(script: &Path, line: &str) -> Vec<String> {
    let mut cmd = Command::new("fish");
    cmd.args([
        "--no-config",
        "-c",
        "source $argv[1]; or exit 1; complete -C $argv[2]",
    ])
    .arg(script)
    .arg(line);
    candidates(cmd, &format!("fish completing `{line}`"))
}

#[test]
fn fish_completes_after_the_subcommand() {
    require("fish");
    let script = Script::new("fish");
    for (line, want) in CASES {
        assert_offers("fish", line, &fish_complete(&script.0, line), want);
    }
}
