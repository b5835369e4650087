//! What the platform gives the Worker: the clock and cryptographic randomness. The core never
//! reads either; handlers pass time and random bytes in.

use crate::problem::ApiError;

/// Unix seconds now, from the Workers clock (never `SystemTime::now`, which panics in wasm32).
pub fn now_secs() -> u64 {
    worker::Date::now().as_millis() / 1000
}

/// `N` bytes from the platform CSPRNG (`crypto.getRandomValues`).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal("random", e))?;
    Ok(bytes)
}

/// A random identifier: 16 random bytes in lowercase base32 (26 characters).
pub fn random_id() -> Result<String, ApiError> {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let bytes = random_bytes::<16>()?;
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out = String::with_capacity(26);
    for b in bytes {
        bits = (bits << 8) | u32::from(b);
        nbits += 8;
        while nbits >= 5 {
            nbits -= 5;
            out.push(ALPHABET[((bits >> nbits) & 31) as usize] as char);
        }
    }
    if nbits > 0 {
        out.push(ALPHABET[((bits << (5 - nbits)) & 31) as usize] as char);
    }
    Ok(out)
}
