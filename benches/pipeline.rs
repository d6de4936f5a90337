//! Benchmarks of each pipeline stage with every component on (PostgreSQL, MinIO, proxy,
//! ingress with TLS, autoscaling), of compiling every template at once (the values schema
//! is compiled at build time), and a scaling benchmark: the full pipeline with 1, 10,
//! 100, 1000 and 10,000 extra objects (`extraObjects`), to read the per-object cost.
//! The stage benchmarks run each stage alone on one thread; the full pipeline and the
//! scaling runs do what `render` does (the crew's two threads, the YAML stream).
//! Run: `cargo bench --bench pipeline`.

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mlflow_chart::cli::RenderArgs;
use mlflow_chart::render::{self, Capabilities, wiring::Release};
use mlflow_chart::validate::{self, Known};
use mlflow_chart::values::{self, ValuesArgs};
use mlflow_chart::{emit, parse, sort};
use std::hint::black_box;

fn all_components(extra_objects: usize) -> ValuesArgs {
    let extra: Vec<String> = (0..extra_objects)
        .map(|i| {
            format!(
                r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"extra-{i}","namespace":"mlflow"}},"data":{{"k":"v{i}"}}}}"#
            )
        })
        .collect();
    ValuesArgs {
        set: vec![
            "oauth2Proxy.clientID=mlflow,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/ml".into(),
            "ingress.enabled=true,ingress.hosts[0].host=mlflow.example.org,ingress.tls[0].hosts[0]=mlflow.example.org,ingress.tls[0].secretName=tls".into(),
            "autoscaling.enabled=true,autoscaling.minReplicas=2".into(),
        ],
        set_json: vec![format!("extraObjects=[{}]", extra.join(","))],
        ..Default::default()
    }
}

fn args(values: ValuesArgs) -> RenderArgs {
    RenderArgs::new("mlflow", "mlflow", values)
}

fn stages(c: &mut Criterion) {
    let release = Release {
        name: "mlflow".into(),
        namespace: "mlflow".into(),
    };
    let caps = Capabilities {
        kube_version: "1.33".into(),
        api_versions: vec![],
    };
    let va = all_components(0);
    let computed = values::compute(&va).unwrap();
    let model = mlflow_chart::schema::decode(&computed).unwrap();
    let out = render::render(&model, &release, &caps).unwrap();
    let docs = parse::parse(out.files.clone()).unwrap();
    let w = &out.wiring;
    let known = Known {
        secrets: w.secrets_generated.iter().map(|g| g.name.clone()).collect(),
        ..Known::default()
    };

    let mut g = c.benchmark_group("stage");
    // What a process builds once, on first use. (The values schema is compiled at build
    // time; only the regular expressions it reaches are compiled at run time, once, so the
    // warmed check below leaves them out.)
    g.bench_function("once_compile_templates", |b| b.iter(render::env));
    g.bench_function("values_load_merge_check", |b| {
        b.iter(|| {
            let c = values::compute(black_box(&va)).unwrap();
            mlflow_chart::schema::check(&c).unwrap();
        })
    });
    g.bench_function("render", |b| {
        b.iter(|| render::render(black_box(&model), &release, &caps).unwrap())
    });
    // The rendered texts with the values held beside them (see render::held).
    g.bench_function("parse", |b| {
        b.iter_batched(
            || out.files.clone(),
            |files| parse::parse(black_box(files)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("validate", |b| {
        b.iter(|| validate::check(black_box(&docs), &known).unwrap())
    });
    g.bench_function("sort_emit", |b| {
        b.iter(|| {
            let mut d = docs.clone();
            sort::sort(&mut d);
            emit::stream(&d).unwrap()
        })
    });
    let full = args(all_components(0));
    g.bench_function("full_pipeline", |b| b.iter(|| stream(black_box(&full))));
    g.finish();
}

/// What `render` does for these flags: the pipeline on the crew, the YAML emitted by it.
fn stream(args: &RenderArgs) -> String {
    let mut request = args.request();
    request.yaml = true;
    let rendered = mlflow_chart::pipeline::run(&request).unwrap();
    rendered.yaml.unwrap().concat()
}

fn scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaling");
    g.sample_size(10);
    for n in [1usize, 10, 100, 1000, 10_000] {
        let a = args(all_components(n));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("extra_objects", n), &a, |b, a| {
            b.iter(|| stream(black_box(a)))
        });
    }
    g.finish();
}

criterion_group!(benches, stages, scaling);
criterion_main!(benches);
