//! Criterion benchmarks of the evaluator on the inputs in `benches/nix/` (function calls,
//! attribute sets, lists, strings) and of parsing + lowering a large generated file.
//! `cargo test --all-targets` runs each once in test mode, so they are also kept working.

use criterion::{criterion_group, Criterion, Throughput};
use nixeval::eval::io::RealIo;
use nixeval::{EvalOptions, Evaluator};
use std::path::{Path, PathBuf};

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/nix")
}

fn eval_file(path: &Path) {
    let options = EvalOptions { max_stack_bytes: 200 << 20, ..EvalOptions::default() };
    let mut ev = Evaluator::new(options, Box::new(RealIo));
    ev.reset_stack_base();
    let v = ev.eval_file(path.to_str().unwrap()).expect("benchmark input evaluates");
    ev.force_deep(&v).expect("benchmark input evaluates deeply");
}

/// Runs the benchmarks on a thread with a large stack, as the CLI evaluates.
fn main() {
    nixeval::eval::with_big_stack(256 << 20, || {
        benches();
        Criterion::default().configure_from_args().final_summary();
    });
}

fn evaluation(c: &mut Criterion) {
    for group in ["calls", "attrs", "lists", "strings"] {
        let mut g = c.benchmark_group(group);
        g.sample_size(10);
        let mut files: Vec<PathBuf> = std::fs::read_dir(bench_dir().join(group))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "nix"))
            .collect();
        files.sort();
        for file in files {
            let name = file.file_stem().unwrap().to_string_lossy().into_owned();
            g.bench_function(name, |b| b.iter(|| eval_file(&file)));
        }
        g.finish();
    }
}

fn parsing(c: &mut Criterion) {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("parse-bench.nix");
    if !out.exists() {
        let status = std::process::Command::new("sh")
            .arg(bench_dir().join("parse/gen.sh"))
            .arg(&out)
            .arg("1000")
            .status()
            .expect("running gen.sh");
        assert!(status.success());
    }
    let text = std::fs::read_to_string(&out).unwrap();
    let mut g = c.benchmark_group("parse");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("generated", |b| {
        b.iter(|| {
            let mut ev = Evaluator::new(EvalOptions::default(), Box::new(RealIo));
            ev.reset_stack_base();
            let mut map = nixeval::syntax::source::SourceMap::new();
            let file = map.add(nixeval::syntax::source::Origin::String, text.as_str().into());
            nixeval::syntax::check_syntax(&text, file, &mut map).unwrap();
        })
    });
    g.finish();
}

criterion_group!(benches, evaluation, parsing);
