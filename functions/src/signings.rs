//! "Signed by me" (`GET /api/v1/me/signings`): the bundles the signed-in user signed, newest
//! first, a page at a time, each invoice with where it is on its way to the bank. Every
//! company's ledger answers its parts of the user's first `limit + 1` signings after the
//! cursor (`LedgerCommand::Signings`, only the user's own rows), and
//! `ap_core::signings::merged_signings` joins the parts of one signing across companies: one
//! ledger call per company per page, all made at once. Every company is asked, not only those where the user
//! approves today: a signing stays the signer's after a role is taken away.

use std::rc::Rc;

use ap_core::api::Page;
use ap_core::approval::amount_view;
use futures_util::future::try_join_all;

use ap_core::signings::{
    merged_signings, path_of, signing_totals, PathFacts, SignedInvoiceView, SigningCompany,
    SigningKey, SigningView,
};
use worker::{Env, Request, Response};

use crate::auth::require_session;
use crate::http::{json, keyed_page_params};
use crate::ledger::{ask_ledger, LedgerCommand, SignedPart};
use crate::platform::now_secs;
use crate::problem::ApiError;
use crate::records::{all_companies, rfc3339, CompanyRecord};
use crate::store::Kv;

/// `GET /api/v1/me/signings?cursor=&limit=`.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let (limit, after) = keyed_page_params::<SigningKey>(req)?;
    let kv = Kv::open(env)?;
    let companies: Vec<Rc<CompanyRecord>> =
        all_companies(&kv).await?.into_iter().map(Rc::new).collect();
    let command = LedgerCommand::Signings {
        user: ctx.user.id.clone(),
        after: after.clone(),
        limit: limit + 1,
    };
    // The ledgers are asked at once, so the answer waits for the slowest, not for their sum.
    let answers = try_join_all(
        companies
            .iter()
            .map(|company| ask_ledger::<Vec<SignedPart>>(env, &company.id, &command)),
    )
    .await?;
    let mut parts = Vec::new();
    for (company, answered) in companies.iter().zip(answers) {
        for part in answered {
            parts.push((part.key.clone(), (part, Rc::clone(company))));
        }
    }
    let page = merged_signings(parts, after.as_ref(), limit);
    let now = now_secs();
    let items = page
        .items
        .into_iter()
        .map(|(key, parts)| signing_view(&key, &parts, now))
        .collect();
    json(
        200,
        &Page {
            items,
            next_cursor: page.next_cursor,
        },
    )
}

fn signing_view(
    key: &SigningKey,
    parts: &[(SignedPart, Rc<CompanyRecord>)],
    now: u64,
) -> SigningView {
    let mut invoices = Vec::new();
    let mut amounts = Vec::new();
    for (part, company) in parts {
        for facts in &part.invoices {
            let record = &facts.record;
            let doc = record.process.document();
            amounts.push(doc.amount);
            let (stage, note) = path_of(PathFacts::of(
                record.token.as_ref(),
                facts.exported,
                facts.payment.as_ref().map(|(_, status)| *status),
                now,
            ));
            invoices.push(SignedInvoiceView {
                id: record.process.id().to_string(),
                company_id: company.id.to_string(),
                company_name: company.name.clone(),
                supplier_name: doc.supplier.name.as_str().to_owned(),
                invoice_number: doc.invoice_number.as_str().to_owned(),
                amount: amount_view(doc.amount),
                due_date: doc.due_date.to_string(),
                token_last_four: record.process.token_last_four().unwrap_or("").to_owned(),
                stage,
                note,
                payment_id: facts.payment.as_ref().map(|(id, _)| id.to_string()),
            });
        }
    }
    // A signing's invoices were one bundle whose totals were summed without overflow; were it
    // ever to overflow, the signing shows no total rather than a wrong one.
    let totals = signing_totals(amounts)
        .map_or_else(|_| Vec::new(), |t| t.iter().map(amount_view).collect());
    SigningView {
        bundle_id: key.bundle.to_string(),
        signed_at: rfc3339(key.signed_at),
        companies: parts
            .iter()
            .map(|(_, c)| SigningCompany {
                id: c.id.to_string(),
                name: c.name.clone(),
            })
            .collect(),
        count: invoices.len(),
        totals,
        invoices,
    }
}
