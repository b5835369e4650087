//! Normal approval in AutoPay: an AutoPay Approver approves a payment pending approval (the
//! approvals and two-step code fixed in its `PaymentNeeds`) or rejects it with a reason.

use ap_core::api_autopay::PaymentStatus;
use ap_core::ids::{CompanyId, PaymentId};
use ap_core::settlement::{approve_payment, check_warning_confirmed, reject_payment};
use worker::Result;

use super::payment_store::{payment_row, NewEvent};
use super::{ApprovePaymentAnswer, Ledger, PaymentApproval};

impl Ledger {
    /// An AutoPay Approver approves a payment pending approval; the last approval it needs
    /// sends it to the bank.
    pub(super) fn approve(&self, approval: PaymentApproval) -> Result<ApprovePaymentAnswer> {
        let PaymentApproval {
            company,
            payment_id,
            user,
            actor,
            method,
            confirm_warning,
            now,
        } = approval;
        let (company, id, user, actor) = (&company, &payment_id, &user, actor.as_str());
        let Some(mut p) = self.load_payment(id)? else {
            return Ok(ApprovePaymentAnswer::NotFound);
        };
        if let Err(unconfirmed) = check_warning_confirmed(p.warning.as_deref(), confirm_warning) {
            return Ok(ApprovePaymentAnswer::Refused {
                refusal: unconfirmed.into(),
            });
        }
        let needs = p.payment.needs();
        let complete =
            match approve_payment(p.status, &mut p.approver_ids, user, needs, method.is_some()) {
                Ok(complete) => complete,
                Err(refusal) => {
                    return Ok(ApprovePaymentAnswer::Refused {
                        refusal: refusal.into(),
                    })
                }
            };
        p.approver_names.push(actor.to_owned());
        p.updated_at = now;
        let mut detail = ap_core::sentence!(
            "Approved ({} of {} approvals).",
            p.approver_names.len(),
            needs.approvals_required
        );
        if let Some(warning) = &p.warning {
            detail.push(' ');
            detail.push_str(&ap_core::sentence!(
                "Approved despite the warning: {warning}"
            ));
        }
        self.payment_event(
            id,
            now,
            NewEvent::new("approved", actor, detail).method(method),
        )?;
        if complete {
            let from = p.status;
            p.status = PaymentStatus::SentToBank;
            self.payment_event(
                id,
                now,
                NewEvent::status(
                    actor,
                    "Approved in AutoPay and sent to the bank.".to_owned(),
                    from,
                    PaymentStatus::SentToBank,
                ),
            )?;
        }
        self.save_payment(&p)?;
        Ok(ApprovePaymentAnswer::Done {
            row: Box::new(payment_row(company, &p)),
        })
    }

    /// An AutoPay Approver stops a payment pending approval: it is never sent.
    pub(super) fn reject(
        &self,
        company: &CompanyId,
        id: &PaymentId,
        actor: &str,
        reason: &str,
        now: u64,
    ) -> Result<ApprovePaymentAnswer> {
        let Some(mut p) = self.load_payment(id)? else {
            return Ok(ApprovePaymentAnswer::NotFound);
        };
        let reason = match reject_payment(p.status, reason) {
            Ok(reason) => reason,
            Err(refusal) => {
                return Ok(ApprovePaymentAnswer::Refused {
                    refusal: refusal.into(),
                })
            }
        };
        let from = p.status;
        p.status = PaymentStatus::Rejected;
        p.updated_at = now;
        self.payment_event(
            id,
            now,
            NewEvent::status(
                actor,
                ap_core::sentence!("Rejected in AutoPay: {reason}. The payment will not be sent."),
                from,
                PaymentStatus::Rejected,
            ),
        )?;
        self.save_payment(&p)?;
        Ok(ApprovePaymentAnswer::Done {
            row: Box::new(payment_row(company, &p)),
        })
    }
}
