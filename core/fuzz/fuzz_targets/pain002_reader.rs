//! Any bytes given to the pain.002 reader give a report or a refusal, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ap_core::iso20022::read_pain002(data);
});
