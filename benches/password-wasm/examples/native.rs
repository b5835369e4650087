//! The same verification as `verify_once`, native, for comparison with the wasm numbers.
//! `cargo run --release --example native [runs]` (Linux: CPU time from /proc/thread-self).

use std::time::Instant;

/// CPU time this thread has used, in nanoseconds (first field of schedstat).
fn thread_cpu_nanos() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux only)")
}

fn summary(mut millis: Vec<f64>) -> String {
    millis.sort_by(f64::total_cmp);
    let n = millis.len();
    let median = (millis[(n - 1) / 2] + millis[n / 2]) / 2.0;
    format!(
        "min {:.1}, median {:.1}, max {:.1}",
        millis[0],
        median,
        millis[n - 1]
    )
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(20);
    // Warm-up: first allocation of the 19 MiB, page faults, caches.
    for _ in 0..3 {
        assert!(password_wasm_bench::verify_once());
    }
    let (mut cpu, mut wall) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (cpu_start, wall_start) = (thread_cpu_nanos(), Instant::now());
        assert!(password_wasm_bench::verify_once());
        cpu.push((thread_cpu_nanos() - cpu_start) as f64 / 1e6);
        wall.push(wall_start.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "native, {runs} runs, CPU ms per verification:  {}",
        summary(cpu)
    );
    println!(
        "native, {runs} runs, wall ms per verification: {}",
        summary(wall)
    );
}
