//! Helpers shared by the integration tests: run the built binary, find the oracle venv,
//! list the golden scenarios.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `mlflow-chart` with `args` (and optional stdin) from the repository root.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_in(args, stdin, &root())
}

/// Runs `mlflow-chart` with `args` (and optional stdin) in directory `dir`.
pub fn run_in(args: &[&str], stdin: Option<&[u8]>, dir: &Path) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlflow-chart"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(data) = stdin {
            let _ = input.write_all(data);
        }
    }
    let out = child.wait_with_output().expect("binary finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The directory this test process writes its files under: `it-<pid>` in Cargo's
/// `CARGO_TARGET_TMPDIR` (under `target/`), never the system's temporary directory. Made on
/// first use, when the directories of earlier runs whose process has ended are removed
/// (a process cannot remove its own at exit: statics are never dropped).
pub fn scratch_root() -> &'static Path {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(base).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ended = name
                .strip_prefix("it-")
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if ended {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let root = base.join(format!("it-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("CARGO_TARGET_TMPDIR is writable");
        root
    })
}

/// Writes `content` to `name` in the scratch directory `dir` ([`scratch_root`]), made if
/// need be, and gives the file's path.
pub fn scratch_file(dir: &str, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let dir = scratch_root().join(dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let p = dir.join(name);
    std::fs::write(&p, content).expect("scratch file");
    p
}

/// The Python venv with the independent oracles (made by scripts/test.sh). Tests that
/// need it fail, rather than skip, when it is missing.
pub fn venv_bin(tool: &str) -> PathBuf {
    let venv = std::env::var("MLFLOW_CHART_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join(".venv"));
    let p = venv.join("bin").join(tool);
    assert!(
        p.exists(),
        "{} is missing: run scripts/test.sh, which installs the oracle tools into .venv",
        p.display()
    );
    p
}

/// Golden scenarios: tests/scenarios/<name>.yaml, rendered as release `mlflow` in
/// namespace `mlflow`.
pub fn scenarios() -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("tests/scenarios"))
        .expect("scenarios dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    v.sort();
    v
}

/// Renders a scenario; a line `# args: …` in it adds render flags (e.g. `--api-versions`).
pub fn render_scenario(path: &Path) -> Run {
    let p = path.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).expect("scenario");
    let extra: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# args: "))
        .flat_map(str::split_whitespace)
        .collect();
    let mut args = vec!["render", "mlflow", "-n", "mlflow", "-f", &p];
    args.extend(extra);
    run(&args, None)
}

pub fn golden_path(name: &str) -> PathBuf {
    root().join("tests/golden").join(format!("{name}.yaml"))
}

/// The documents of a successful render (null documents dropped).
pub fn documents(r: &Run) -> Vec<serde_json::Value> {
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_saphyr::from_multiple::<serde_json::Value>(&r.stdout)
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}
