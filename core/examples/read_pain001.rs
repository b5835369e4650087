//! Reads one pain.001 file with the core reader and prints what it found and how long it took
//! (used by `benches/payment-upload/run.sh` under `/usr/bin/time -v`).

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: read_pain001 FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    match ap_core::iso20022::read_pain001(&bytes) {
        Ok(file) => println!(
            "{} payments in {} bytes read in {:.1} ms",
            file.nb_of_txs,
            bytes.len(),
            start.elapsed().as_secs_f64() * 1000.0
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
