//! AutoPay's rules: what an `InstrId` presents, how bank status codes move a payment, normal
//! approval by different people, and the reference ERP's payment-suggestion file.
//!
//! The due-date rule: a token is bound to the invoice's due date, and a payment presents its
//! `ReqdExctnDt` as that date. They must be equal; the reference export writes the due date as
//! the requested execution date of pre-approved payments, so a file that moves the date was
//! changed after approval and the payment needs normal approval.

use std::collections::BTreeMap;

use data_encoding::HEXLOWER;
use sha2::{Digest, Sha256};

use crate::api::BankAgreementView;
use crate::api_autopay::{PaymentRow, PaymentStatus};
use crate::dates::Date;
use crate::document::{DocumentSummary, SupplierAccount};
use crate::iban::{Bic, Iban};
use crate::iso20022::{
    Account, IsoDateTime, Max140Text, Max35Text, PaymentFileToWrite, PaymentInfoToWrite,
    StatusCode, TransactionToWrite,
};
use crate::token::{ApprovalToken, TokenHash};

/// What a payment's `PmtId/InstrId` presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresentedToken {
    /// No `InstrId`: a regular payment.
    None,
    /// An `InstrId` in the form of an approval token.
    Token(TokenHash),
    /// An `InstrId` that cannot be an approval token; the sentence says why.
    NotAToken(String),
}

/// Reads an `InstrId` as an approval token, if it is one.
pub fn presented_token(instr_id: Option<&str>) -> PresentedToken {
    match instr_id {
        None => PresentedToken::None,
        Some(text) => match ApprovalToken::parse(text.trim()) {
            Ok(token) => PresentedToken::Token(token.hash()),
            Err(e) => PresentedToken::NotAToken(crate::sentence!(
                "The InstrId is not an approval token ({}); the payment was not pre-approved.",
                e.to_string().trim_end_matches('.')
            )),
        },
    }
}

/// SHA-256 (hex) of an `InstrId` as written, so a status report can find its payment without
/// the token being stored in plain text.
pub fn instr_id_hash(instr_id: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(instr_id.trim().as_bytes()))
}

/// What approving one AutoPay payment with a passkey binds (`passkey::Binding::AutoPayPayment`):
/// SHA-256 over the payment's id, debtor account, creditor name and account, amount, currency
/// and requested execution date, each length-prefixed. An assertion made for one payment never
/// approves another, nor the same payment with any of these changed.
pub fn payment_digest(row: &PaymentRow) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"approve-and-pay/autopay-payment/v1");
    for field in [
        row.id.as_str(),
        row.company_id.as_str(),
        row.debtor_account.as_str(),
        row.creditor_name.as_str(),
        row.creditor_account.as_str(),
        &row.amount.minor.to_string(),
        row.amount.currency.as_str(),
        row.requested_execution_date.as_str(),
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().into()
}

/// The SHA-256 of an uploaded file as [`content_hash`] wrote it (hex), as bytes: what signing
/// the upload with a passkey binds (`passkey::Binding::Upload`).
pub fn content_hash_bytes(hex: &str) -> Option<[u8; 32]> {
    HEXLOWER.decode(hex.as_bytes()).ok()?.try_into().ok()
}

/// SHA-256 (hex) of an uploaded file's bytes: the same content is the same upload.
pub fn content_hash(bytes: &[u8]) -> String {
    HEXLOWER.encode(&Sha256::digest(bytes))
}

/// Whether an upload through these agreements must be signed with a code first.
pub fn upload_needs_signing<'a>(
    agreements: impl IntoIterator<Item = &'a BankAgreementView>,
) -> bool {
    agreements
        .into_iter()
        .any(|a| a.two_step_level.includes_upload())
}

/// The status a bank status code moves a payment to; `None` for codes that change nothing
/// (received, pending, partially accepted, unknown codes).
pub fn bank_status_target(code: &StatusCode) -> Option<PaymentStatus> {
    use StatusCode as C;
    match code {
        C::AcceptedTechnicalValidation
        | C::AcceptedCustomerProfile
        | C::AcceptedSettlementInProcess
        | C::AcceptedWithChange
        | C::AcceptedWithoutPosting
        | C::AcceptedFundsChecked => Some(PaymentStatus::AcceptedByBank),
        C::AcceptedSettlementCompleted | C::AcceptedCreditSettlementCompleted => {
            Some(PaymentStatus::Paid)
        }
        C::Rejected => Some(PaymentStatus::RejectedInBank),
        C::Received | C::PartiallyAccepted | C::Pending | C::Other(_) => None,
    }
}

/// The status after a bank reports `code` on a payment now in `current`; `None` when nothing
/// changes: the bank only reports on payments sent to it, a duplicate or older report never
/// moves a payment back, and Paid and Rejected in bank are final.
pub fn after_bank_report(current: PaymentStatus, code: &StatusCode) -> Option<PaymentStatus> {
    use PaymentStatus as S;
    let target = bank_status_target(code)?;
    let allowed = matches!(
        (current, target),
        (
            S::SentToBank,
            S::AcceptedByBank | S::Paid | S::RejectedInBank
        ) | (S::AcceptedByBank, S::Paid | S::RejectedInBank)
    );
    allowed.then_some(target)
}

/// One approved invoice to export.
#[derive(Debug, Clone)]
pub struct SuggestionItem<'a> {
    pub summary: &'a DocumentSummary,
    /// The approval token (pre-approved file) or `None` (regular file).
    pub token: Option<ApprovalToken>,
    /// The debtor bank agreement to pay from.
    pub agreement: &'a BankAgreementView,
}

/// Why a payment-suggestion file could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuggestionError {
    #[error("The bank agreement's debtor account {0} is not a valid IBAN.")]
    DebtorAccount(String),
    #[error("The bank agreement's BIC {0} is not valid.")]
    DebtorBic(String),
    #[error("{0}")]
    Text(String),
}

/// The requested execution date of an exported payment: the due date for a pre-approved
/// payment (the token is bound to it), else the due date or today when it has passed.
pub fn execution_date(due: Date, today: Date, pre_approved: bool) -> Date {
    if pre_approved || due >= today {
        due
    } else {
        today
    }
}

fn text<const N: usize>(value: &str) -> Result<crate::iso20022::Text<N>, SuggestionError> {
    crate::iso20022::Text::<N>::parse(value).map_err(|e| SuggestionError::Text(e.to_string()))
}

/// Cuts `value` to at most `n` characters.
fn cut(value: &str, n: usize) -> String {
    value.chars().take(n).collect()
}

/// The payment-suggestion file of `items`: one `PmtInf` per bank agreement and execution date,
/// in that order; `EndToEndId` is the invoice number (cut to 35 characters).
pub fn suggestion_file(
    msg_id: &str,
    created: IsoDateTime,
    company_name: &str,
    items: &[SuggestionItem<'_>],
    today: Date,
) -> Result<PaymentFileToWrite, SuggestionError> {
    let mut groups: BTreeMap<(String, Date), Vec<&SuggestionItem<'_>>> = BTreeMap::new();
    for item in items {
        let date = execution_date(item.summary.due_date, today, item.token.is_some());
        groups
            .entry((item.agreement.id.clone(), date))
            .or_default()
            .push(item);
    }
    let mut payment_infos = Vec::new();
    for (index, ((_, date), group)) in groups.into_iter().enumerate() {
        let agreement = group[0].agreement;
        let debtor = Iban::parse(&agreement.debtor_account)
            .map_err(|_| SuggestionError::DebtorAccount(agreement.debtor_account.clone()))?;
        let bic = Bic::parse(&agreement.bic)
            .map_err(|_| SuggestionError::DebtorBic(agreement.bic.clone()))?;
        let mut transactions = Vec::new();
        for item in group {
            let doc = item.summary;
            let creditor_account = match &doc.supplier.account {
                SupplierAccount::Iban { iban, .. } => Account::Iban(iban.clone()),
                SupplierAccount::National { number, .. } => {
                    Account::Other(text::<34>(number.as_str())?)
                }
            };
            let reference = doc.payment_reference.as_str();
            transactions.push(TransactionToWrite {
                instr_id: item
                    .token
                    .as_ref()
                    .map(|t| text::<35>(t.as_str()))
                    .transpose()?,
                end_to_end_id: text::<35>(&cut(doc.invoice_number.as_str(), 35))?,
                amount: doc.amount,
                creditor_name: text::<140>(&cut(doc.supplier.name.as_str(), 140))?,
                creditor_account,
                creditor_bic: doc
                    .supplier
                    .account
                    .bic()
                    .filter(|b| b.fits_iso9362_2009())
                    .cloned(),
                remittance_unstructured: vec![text::<140>(&cut(
                    &format!("Invoice {} ref {reference}", doc.invoice_number.as_str()),
                    140,
                ))?],
                // A KID or RF reference goes where the bank and the approval token look for it.
                creditor_reference: doc
                    .payment_reference
                    .is_structured()
                    .then(|| text::<35>(reference))
                    .transpose()?,
                referred_documents: Vec::new(),
            });
        }
        let pmt_inf_id: Max35Text = text(&cut(&format!("{msg_id}-{}", index + 1), 35))?;
        let debtor_name: Max140Text = text(&cut(company_name, 140))?;
        payment_infos.push(PaymentInfoToWrite {
            pmt_inf_id,
            requested_execution_date: date,
            debtor_name,
            debtor_account: Account::Iban(debtor),
            debtor_bic: Some(bic).filter(|b| b.fits_iso9362_2009()),
            transactions,
        });
    }
    Ok(PaymentFileToWrite {
        msg_id: text(&cut(msg_id, 35))?,
        creation_date_time: created,
        initiating_party_name: Some(text(&cut(company_name, 140))?),
        payment_infos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::BankAgreementView;
    use crate::iso20022::{read_pain001, write_pain001_v03};
    use crate::roles::TwoStepLevel;

    fn agreement(level: TwoStepLevel) -> BankAgreementView {
        BankAgreementView {
            id: "ag1".into(),
            bank_name: "DNB".into(),
            bic: "DNBANOKK".into(),
            debtor_account: "NO9386011117947".into(),
            two_step_level: level,
            approvers_required: 1,
        }
    }

    fn summary(due: &str, invoice: &str) -> DocumentSummary {
        use crate::document::{Document, DocumentRequest, SupplierRequest};
        let req = DocumentRequest {
            document_id: format!("dc-{invoice}"),
            company_id: "c1".into(),
            supplier: SupplierRequest {
                name: "Kontorrekvisita AS".into(),
                organisation_number: "923609016".into(),
                iban: Some("NO8330001234567".into()),
                ..SupplierRequest::default()
            },
            invoice_number: invoice.into(),
            invoice_date: "2030-03-01".into(),
            due_date: due.into(),
            amount: "1250.50".into(),
            currency: "NOK".into(),
            payment_reference: "1234567897".into(),
            pdf_base64: None,
        };
        Document::parse(&req).unwrap().summary
    }

    #[test]
    fn no_instr_id_presents_no_token() {
        assert_eq!(presented_token(None), PresentedToken::None);
    }

    #[test]
    fn an_instr_id_in_token_form_presents_its_hash() {
        let token = ApprovalToken::from_random_bytes([7; 17]);
        assert_eq!(
            presented_token(Some(&token.as_str().to_ascii_lowercase())),
            PresentedToken::Token(token.hash())
        );
    }

    #[test]
    fn an_instr_id_that_is_not_a_token_says_why() {
        let PresentedToken::NotAToken(why) = presented_token(Some("ERP-INSTR-1")) else {
            panic!("should not be a token");
        };
        assert!(why.contains("not an approval token"), "{why}");
    }

    #[test]
    fn the_same_bytes_have_the_same_content_hash() {
        assert_eq!(content_hash(b"abc"), content_hash(b"abc"));
        assert_ne!(content_hash(b"abc"), content_hash(b"abd"));
        assert_eq!(content_hash(b"abc").len(), 64);
    }

    #[test]
    fn only_upload_levels_need_a_signed_upload() {
        assert!(!upload_needs_signing(&[agreement(
            TwoStepLevel::OnApproval
        )]));
        assert!(upload_needs_signing(&[agreement(TwoStepLevel::OnUpload)]));
        assert!(upload_needs_signing(&[
            agreement(TwoStepLevel::None),
            agreement(TwoStepLevel::OnUploadAndApproval)
        ]));
    }

    #[test]
    fn bank_codes_move_sent_payments_forward_only() {
        use PaymentStatus as S;
        let code = |c: &str| StatusCode::parse(c).unwrap();
        assert_eq!(
            after_bank_report(S::SentToBank, &code("ACTC")),
            Some(S::AcceptedByBank)
        );
        assert_eq!(
            after_bank_report(S::SentToBank, &code("ACCP")),
            Some(S::AcceptedByBank)
        );
        assert_eq!(
            after_bank_report(S::AcceptedByBank, &code("ACSC")),
            Some(S::Paid)
        );
        assert_eq!(
            after_bank_report(S::SentToBank, &code("RJCT")),
            Some(S::RejectedInBank)
        );
        assert_eq!(after_bank_report(S::SentToBank, &code("PDNG")), None);
    }

    #[test]
    fn a_duplicate_or_late_report_changes_nothing() {
        use PaymentStatus as S;
        let code = |c: &str| StatusCode::parse(c).unwrap();
        assert_eq!(after_bank_report(S::AcceptedByBank, &code("ACTC")), None);
        assert_eq!(after_bank_report(S::Paid, &code("ACTC")), None);
        assert_eq!(after_bank_report(S::RejectedInBank, &code("ACSC")), None);
        assert_eq!(after_bank_report(S::Paid, &code("RJCT")), None);
    }

    #[test]
    fn the_bank_cannot_report_on_a_payment_never_sent() {
        let code = StatusCode::parse("ACSC").unwrap();
        assert_eq!(
            after_bank_report(PaymentStatus::PendingApproval, &code),
            None
        );
        assert_eq!(
            after_bank_report(PaymentStatus::PendingSigning, &code),
            None
        );
    }

    #[test]
    fn a_pre_approved_payment_keeps_its_due_date_even_when_passed() {
        let due = Date::parse("2030-01-10").unwrap();
        let today = Date::parse("2030-02-01").unwrap();
        assert_eq!(execution_date(due, today, true), due);
        assert_eq!(execution_date(due, today, false), today);
        assert_eq!(execution_date(today, due, false), today);
    }

    #[test]
    fn the_suggestion_file_reads_back_with_its_tokens() {
        let agreement = agreement(TwoStepLevel::OnApproval);
        let a = summary("2030-03-31", "INV-1");
        let b = summary("2030-04-30", "INV-2");
        let token = ApprovalToken::from_random_bytes([9; 17]);
        let items = [
            SuggestionItem {
                summary: &a,
                token: Some(token.clone()),
                agreement: &agreement,
            },
            SuggestionItem {
                summary: &b,
                token: None,
                agreement: &agreement,
            },
        ];
        let file = suggestion_file(
            "AP-PRE-1",
            IsoDateTime::parse("2030-03-01T10:00:00Z").unwrap(),
            "Acme AS",
            &items,
            Date::parse("2030-03-01").unwrap(),
        )
        .unwrap();
        let xml = write_pain001_v03(&file).unwrap();
        let read = read_pain001(xml.as_bytes()).unwrap();
        assert_eq!(read.payment_infos.len(), 2, "one PmtInf per execution date");
        let txs: Vec<_> = read.transactions().collect();
        assert_eq!(txs[0].1.instr_id.as_ref().unwrap().as_str(), token.as_str());
        assert!(txs[1].1.instr_id.is_none());
        assert_eq!(txs[0].0.requested_execution_date, a.due_date);
        assert_eq!(txs[0].1.amount, a.amount);
        assert_eq!(txs[0].0.debtor_account.as_str(), "NO9386011117947");
    }

    fn payment_row() -> PaymentRow {
        serde_json::from_value(serde_json::json!({
            "id": "acme:pay-1", "company_id": "acme", "file_id": "f1", "pmt_inf_id": "P1",
            "end_to_end_id": "E1", "instr_id_present": true, "debtor_name": "Acme AS",
            "debtor_account": "NO9386011117947", "bank_agreement_id": "ba1",
            "creditor_name": "Kontorrekvisita AS", "creditor_account": "NO8330001234567",
            "amount": {"minor": 125050, "value": "1250.50", "currency": "NOK", "display": "1 250,50"},
            "requested_execution_date": "2030-03-31", "status": "pending_approval",
            "status_label": "pending_approval", "pre_approved": false, "process_id": null,
            "approvals_required": 1, "approvals": [], "warning": null, "bank_reason": null,
            "created_at": "2030-03-01T10:00:00Z", "updated_at": "2030-03-01T10:00:00Z"
        }))
        .unwrap()
    }

    #[test]
    fn a_payment_digest_changes_with_every_field_it_binds_and_nothing_else() {
        let row = payment_row();
        let digest = payment_digest(&row);
        assert_eq!(digest, payment_digest(&row.clone()));
        let changes: [fn(&mut PaymentRow); 8] = [
            |r| r.id.push('x'),
            |r| r.company_id.push('x'),
            |r| r.debtor_account.push('1'),
            |r| r.creditor_name.push('x'),
            |r| r.creditor_account.push('1'),
            |r| r.amount.minor += 1,
            |r| r.amount.currency = "EUR".into(),
            |r| r.requested_execution_date = "2030-04-01".into(),
        ];
        for change in changes {
            let mut changed = row.clone();
            change(&mut changed);
            assert_ne!(payment_digest(&changed), digest);
        }
        // The status and approvals change as the payment moves on; the digest does not.
        let mut moved = row.clone();
        moved.approvals.push("Kari".into());
        moved.status_label = "approved".into();
        assert_eq!(payment_digest(&moved), digest);
        // Fields are length-prefixed: moving text between two fields changes the digest.
        let mut shifted = row.clone();
        shifted.creditor_name = "Kontorrekvisita ASNO".into();
        shifted.creditor_account = "8330001234567".into();
        assert_ne!(payment_digest(&shifted), digest);
    }

    #[test]
    fn a_content_hash_reads_back_as_bytes() {
        let hex = content_hash(b"<Document/>");
        let bytes = content_hash_bytes(&hex).unwrap();
        assert_eq!(HEXLOWER.encode(&bytes), hex);
        assert_eq!(content_hash_bytes("zz"), None);
        assert_eq!(content_hash_bytes(&hex[..62]), None);
    }
}
