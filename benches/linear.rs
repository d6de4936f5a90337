//! Linear-time benchmarks for the inputs an attack found super-linear: schema errors,
//! unknown keys, a large `--set` list index, and `validate` of many documents, each at
//! 1k, 5k and 20k items. Criterion reports throughput (items/s): flat per-item cost from
//! 1k to 20k means linear. Run: `cargo bench --bench linear`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mlflow_chart::validate::{self, Known};
use mlflow_chart::values::{self, ValuesArgs};
use mlflow_chart::{parse, schema};
use std::hint::black_box;
use std::path::PathBuf;

const SIZES: [usize; 3] = [1_000, 5_000, 20_000];

fn values_file(name: &str, text: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bench-{}-{name}", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p
}

/// The values stage with its schema check, which must fail: every problem is counted.
fn check(args: &ValuesArgs) -> bool {
    let computed = values::compute(args).unwrap();
    schema::check(&computed).is_err()
}

fn linear(c: &mut Criterion) {
    let mut g = c.benchmark_group("schema_errors");
    g.sample_size(10);
    for n in SIZES {
        let mut text = String::from("podAnnotations:\n");
        for i in 0..n {
            text.push_str(&format!("  k{i}: {i}\n"));
        }
        let p = values_file(&format!("errors-{n}.yaml"), &text);
        let args = ValuesArgs {
            files: vec![p.to_string_lossy().into_owned()],
            ..Default::default()
        };
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &args, |b, a| {
            b.iter(|| black_box(check(a)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("unknown_keys");
    g.sample_size(10);
    for n in SIZES {
        let text: String = (0..n).map(|i| format!("unknownKey{i}: 1\n")).collect();
        let p = values_file(&format!("unknown-{n}.yaml"), &text);
        let args = ValuesArgs {
            files: vec![p.to_string_lossy().into_owned()],
            ..Default::default()
        };
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &args, |b, a| {
            b.iter(|| black_box(check(a)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("list_index");
    g.sample_size(10);
    for n in SIZES {
        let args = ValuesArgs {
            set: vec![format!("tolerations[{n}]=x")],
            ..Default::default()
        };
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &args, |b, a| {
            b.iter(|| black_box(check(a)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("validate_documents");
    g.sample_size(10);
    for n in SIZES {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: ns}}\nspec:\n  selector: {{app: a{i}}}\n  ports: [{{port: 80, targetPort: 8080}}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}, namespace: ns}}\nspec:\n  selector: {{matchLabels: {{app: a{i}}}}}\n  template:\n    metadata: {{labels: {{app: a{i}}}}}\n    spec:\n      containers: [{{name: c, image: nginx, ports: [{{containerPort: 8080}}]}}]\n"
            ));
        }
        g.throughput(Throughput::Elements(2 * n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(2 * n), &text, |b, t| {
            b.iter(|| {
                let docs = parse::parse_stream("bench.yaml", t).unwrap();
                black_box(
                    validate::validate(&docs, &Known::default(), validate::Severity::Warning)
                        .0
                        .problems
                        .len(),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, linear);
criterion_main!(benches);
