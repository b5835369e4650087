//! Rate limits on failed sign-ins, per e-mail address and per client address (rules in
//! `ap_core::throttle`, counters in the `Throttle` Durable Object). A closed gate answers 429
//! with `Retry-After` before anything is verified; only a limit being reached writes an audit
//! event, so a flood of failures cannot push the audit trail away.

use ap_core::autopay::content_hash;
use ap_core::throttle::{Gate, Limit, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_EMAIL};
use worker::{Env, Request};

use crate::do_throttle;
use crate::events;
use crate::problem::ApiError;

/// The keys one sign-in attempt is counted under, and which of them this attempt spent the
/// last of.
pub struct SignInKeys {
    keys: Vec<(String, Limit, String)>,
    reached: Vec<bool>,
}

fn object_name(purpose: &str, key: &str) -> String {
    format!("{purpose}:{}", content_hash(key.as_bytes()))
}

/// The client's address as the platform reports it (`CF-Connecting-IP`).
fn client_address(req: &Request) -> Option<String> {
    req.headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
}

impl SignInKeys {
    pub fn of(req: &Request, typed_email: &str) -> Self {
        let email = typed_email.trim().to_lowercase();
        let mut keys = vec![(
            object_name("sign-in-email", &email),
            SIGN_IN_PER_EMAIL,
            format!("e-mail address {email}"),
        )];
        // Without an address (only possible off the Cloudflare edge) every such client shares one
        // budget: fail closed, never unlimited.
        let address = client_address(req).unwrap_or_else(|| "unknown".to_owned());
        keys.push((
            object_name("sign-in-address", &address),
            SIGN_IN_PER_ADDRESS,
            format!("client address {address}"),
        ));
        Self {
            reached: vec![false; keys.len()],
            keys,
        }
    }

    /// Starts the attempt under every key: 429 when any budget is spent (nothing is verified
    /// or recorded then). The attempt counts as a failure until [`SignInKeys::succeeded`].
    pub async fn begin(&mut self, env: &Env, now: u64) -> Result<(), ApiError> {
        for (i, (name, limit, _)) in self.keys.iter().enumerate() {
            let answer = do_throttle::attempt(env, name, *limit, now).await?;
            if let Gate::Closed { retry_after } = answer.gate {
                // Give back what the keys before this one counted.
                for (earlier, limit, _) in &self.keys[..i] {
                    do_throttle::refund(env, earlier, *limit, now).await?;
                }
                return Err(Throttled { retry_after }.into());
            }
            self.reached[i] = answer.reached;
        }
        Ok(())
    }

    /// The attempt succeeded: it does not count.
    pub async fn succeeded(&self, env: &Env, now: u64) -> Result<(), ApiError> {
        for (name, limit, _) in &self.keys {
            do_throttle::refund(env, name, *limit, now).await?;
        }
        Ok(())
    }

    /// The attempt failed: a budget it spent to the end is one audit event.
    pub async fn failed(&self, env: &Env, actor: &str) -> Result<(), ApiError> {
        for ((_, limit, what), reached) in self.keys.iter().zip(&self.reached) {
            if *reached {
                events::record(
                    env,
                    actor,
                    "sign_in_rate_limited",
                    None,
                    ap_core::sentence!(
                        "{} failed sign-ins from {what} within {} minutes: further attempts are \
                         refused until the window ends.",
                        limit.max_failures,
                        limit.window_secs / 60
                    ),
                )
                .await?;
            }
        }
        Ok(())
    }
}

/// A spent sign-in budget (429 with `Retry-After`, in `problem.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "Too many failed sign-ins. Wait {} before you try again.",
    wait_text(*retry_after)
)]
pub struct Throttled {
    pub retry_after: u64,
}

fn wait_text(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} seconds"),
        60..=119 => "a minute".to_owned(),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}
