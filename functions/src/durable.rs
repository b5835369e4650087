//! What every Durable Object shares: reading a command exactly, and running it all or nothing.

use serde::de::DeserializeOwned;
use wasm_bindgen::closure::ScopedClosure;
use wasm_bindgen::{JsCast, JsValue};
use worker::Response;
use worker::{Error, Request, Result, State};

/// Reads a command from its JSON text with serde_json, never through a JavaScript value: an
/// integer above 2^53 (an amount in minor units, say) would come back rounded, or as a float
/// that no longer reads as an integer.
pub async fn read_command<C: DeserializeOwned>(req: &mut Request) -> Result<C> {
    let text = req.text().await?;
    serde_json::from_str(&text).map_err(|e| Error::RustError(format!("command: {e}")))
}

/// The object's synchronous storage transaction (`storage.transactionSync`): a command run
/// through it either writes everything or, when it fails anywhere, nothing.
pub struct Transactions {
    storage: JsValue,
    transaction_sync: js_sys::Function,
}

impl Transactions {
    /// The transactions of the object whose `state` this is.
    pub fn of(state: &State) -> Result<Self> {
        let storage: JsValue = state
            .as_raw()
            .storage()
            .map_err(|e| Error::RustError(format!("storage: {e:?}")))?
            .into();
        let transaction_sync =
            js_sys::Reflect::get(&storage, &JsValue::from_str("transactionSync"))
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                .ok_or_else(|| Error::RustError("storage.transactionSync is missing".into()))?;
        Ok(Self {
            storage,
            transaction_sync,
        })
    }

    /// Runs `command` inside one storage transaction: when it answers an error (or a storage
    /// call inside it throws), every write it made is rolled back and the error answered.
    pub fn run<T>(&self, command: impl FnOnce() -> Result<T>) -> Result<T> {
        let mut command = Some(command);
        let mut outcome: Option<Result<T>> = None;
        {
            let mut body = || -> std::result::Result<JsValue, JsValue> {
                let Some(command) = command.take() else {
                    return Err(JsValue::from_str("the transaction ran twice"));
                };
                match command() {
                    Ok(value) => {
                        outcome = Some(Ok(value));
                        Ok(JsValue::UNDEFINED)
                    }
                    Err(e) => {
                        let message = e.to_string();
                        outcome = Some(Err(e));
                        // Thrown, so the transaction rolls back.
                        Err(JsValue::from_str(&message))
                    }
                }
            };
            let closure =
                ScopedClosure::<dyn FnMut() -> std::result::Result<JsValue, JsValue>>::borrow_mut_aborting(
                    &mut body,
                );
            let called = self
                .transaction_sync
                .call1(&self.storage, closure.as_js_value());
            drop(closure);
            if let Err(e) = called {
                if !matches!(outcome, Some(Err(_))) {
                    // Committing failed after the command succeeded: nothing was written.
                    return Err(Error::RustError(format!("transaction: {e:?}")));
                }
            }
        }
        outcome.unwrap_or_else(|| Err(Error::RustError("the transaction did not run".into())))
    }
}

/// Answers one command of a Durable Object: reads it exactly, runs `dispatch` (which answers the
/// JSON text) inside one storage transaction, and answers that JSON. `object` names the object in
/// the error when its storage has no transactions (an outage: nothing is run).
pub async fn answer_command<C: DeserializeOwned>(
    req: &mut Request,
    transactions: &Result<Transactions>,
    object: &str,
    dispatch: impl FnOnce(C) -> Result<String>,
) -> Result<Response> {
    let command: C = read_command(req).await?;
    // No await below this line: the command is one atomic step of the object, and it runs in one
    // storage transaction, so an error anywhere leaves nothing behind.
    let transactions = transactions
        .as_ref()
        .map_err(|e| Error::RustError(format!("{object} storage: {e}")))?;
    let answer = transactions.run(|| dispatch(command))?;
    let mut resp = Response::ok(answer)?;
    resp.headers_mut().set("content-type", "application/json")?;
    Ok(resp)
}
