//! The storage calls of one request, answered in its `Server-Timing` header: how many KV reads,
//! KV writes and Durable Object calls it made and how long they took in all, e.g.
//! `kv-read;count=2;dur=3, kv-write;count=0;dur=0, do;count=1;dur=5, total;dur=11`.
//!
//! A Worker isolate serves many requests at once, interleaved at every `await`, so a global
//! tally would mix them. [`Metered`] wraps one request's future and makes its [`Meter`] the
//! current one only while that future is being polled (the way a task-local works): a storage
//! call started in a poll of this request is counted for this request, whichever others are in
//! flight. `store.rs` reports every call through [`measured`]; a call made outside a metered
//! request (a Durable Object's own work) counts nowhere.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// What kind of storage call.
#[derive(Debug, Clone, Copy)]
pub enum Call {
    KvRead,
    KvWrite,
    Object,
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    count: u32,
    millis: u64,
}

/// The tallies of one request.
#[derive(Debug, Default)]
pub struct Meter {
    kv_read: Cell<Tally>,
    kv_write: Cell<Tally>,
    object: Cell<Tally>,
}

impl Meter {
    fn add(&self, call: Call, millis: u64) {
        let cell = match call {
            Call::KvRead => &self.kv_read,
            Call::KvWrite => &self.kv_write,
            Call::Object => &self.object,
        };
        let t = cell.get();
        cell.set(Tally {
            count: t.count + 1,
            millis: t.millis + millis,
        });
    }

    /// The `Server-Timing` value, with the request's whole time as `total`.
    pub fn header(&self, total_millis: u64) -> String {
        let part = |name: &str, t: Tally| format!("{name};count={};dur={}", t.count, t.millis);
        format!(
            "{}, {}, {}, total;dur={total_millis}",
            part("kv-read", self.kv_read.get()),
            part("kv-write", self.kv_write.get()),
            part("do", self.object.get()),
        )
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Meter>>> = const { RefCell::new(None) };
}

fn now_millis() -> u64 {
    worker::Date::now().as_millis()
}

/// Runs one storage call, counting it and its time for the request being served.
pub async fn measured<T>(call: Call, work: impl Future<Output = T>) -> T {
    let meter = CURRENT.with(|c| c.borrow().clone());
    let start = now_millis();
    let out = work.await;
    if let Some(meter) = meter {
        meter.add(call, now_millis().saturating_sub(start));
    }
    out
}

/// One request's future, with its meter current while it runs.
pub struct Metered<F> {
    inner: Pin<Box<F>>,
    meter: Rc<Meter>,
    start: u64,
    discreet: bool,
}

impl<F: Future> Metered<F> {
    /// A `discreet` request answers only its total time, not its storage calls.
    pub fn new(inner: F, discreet: bool) -> Self {
        Self {
            inner: Box::pin(inner),
            meter: Rc::default(),
            start: now_millis(),
            discreet,
        }
    }
}

impl<F: Future> Future for Metered<F> {
    /// The request's answer and its `Server-Timing` value.
    type Output = (F::Output, String);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let outer = CURRENT.with(|c| c.replace(Some(this.meter.clone())));
        let polled = this.inner.as_mut().poll(cx);
        CURRENT.with(|c| *c.borrow_mut() = outer);
        polled.map(|out| {
            let total = now_millis().saturating_sub(this.start);
            let header = if this.discreet {
                format!("total;dur={total}")
            } else {
                this.meter.header(total)
            };
            (out, header)
        })
    }
}
