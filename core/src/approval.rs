//! Small rules of the approval function that sit between the process, the bundle, the tokens
//! and the wire types: process ids that name their company, the ERP cursor, which bank agreement
//! a token is bound to, the warnings shown at a given moment, task sorting and overview filters.

use std::cmp::Ordering;

use crate::api::BankAgreementView;
use crate::api_approval::{AmountView, ProcessFilter};
use crate::dates::Date;
use crate::document::DocumentSummary;
use crate::iban::Iban;
use crate::ids::{BankAgreementId, CompanyId, InvoiceId};
use crate::money::Money;
use crate::token::{TokenBinding, TokenRecord};
use crate::warnings::Warning;

/// The separator between the company id and the random part of a process id. Company ids are
/// drawn from the lowercase base32 alphabet, so they never contain it.
const PROCESS_ID_SEPARATOR: char = '_';

/// A process id that names its company (`{company}_{random}`), so a request for
/// `/api/v1/tasks/{id}` finds the company's ledger without another lookup.
pub fn process_id(company: &CompanyId, random: &str) -> Option<InvoiceId> {
    if company.as_str().contains(PROCESS_ID_SEPARATOR) {
        return None;
    }
    InvoiceId::parse(&format!("{company}{PROCESS_ID_SEPARATOR}{random}")).ok()
}

/// The company a process id names; `None` for text that is not a process id.
pub fn company_of_process(id: &str) -> Option<(CompanyId, InvoiceId)> {
    let process = InvoiceId::parse(id).ok()?;
    let (company, random) = id.split_once(PROCESS_ID_SEPARATOR)?;
    if random.is_empty() {
        return None;
    }
    Some((CompanyId::parse(company).ok()?, process))
}

/// The ERP's position in a company's approvals: the sequence number of the last approval it
/// has seen. Opaque on the wire (`a.{hex}`), so clients do not compute with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErpCursor(pub u64);

impl ErpCursor {
    pub fn encode(self) -> String {
        format!("a.{:x}", self.0)
    }

    /// An empty cursor starts at the beginning.
    pub fn parse(text: &str) -> Option<ErpCursor> {
        if text.is_empty() {
            return Some(ErpCursor(0));
        }
        let hex = text.strip_prefix("a.")?;
        if hex.is_empty() || hex.len() > 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok().map(ErpCursor)
    }
}

/// Default and largest page sizes of the ERP endpoint.
pub const ERP_DEFAULT_LIMIT: usize = 100;
pub const ERP_MAX_LIMIT: usize = 500;

/// The page size asked for, bounded; `None` when it is not a positive whole number. A number
/// above the largest page is served as the largest page, however many digits it has.
pub fn erp_limit(text: Option<&str>) -> Option<usize> {
    match text {
        None | Some("") => Some(ERP_DEFAULT_LIMIT),
        Some(t) if t.bytes().all(|b| b.is_ascii_digit()) => {
            let n = t.parse::<usize>().unwrap_or(usize::MAX);
            (n > 0).then(|| n.min(ERP_MAX_LIMIT))
        }
        Some(_) => None,
    }
}

/// The bank agreement a pre-approval is bound to: the first whose two-step level includes
/// approval (readiness guarantees one exists when "Approve and pay" was offered).
pub fn debtor_agreement(agreements: &[BankAgreementView]) -> Option<&BankAgreementView> {
    agreements
        .iter()
        .find(|a| a.two_step_level.includes_approval())
}

/// What a token issued for the invoice `summary` is bound to, paid from `debtor_iban` under
/// `bank_agreement_id`: everything the signing dialog showed of the payment.
pub fn token_binding(
    summary: &DocumentSummary,
    bank_agreement_id: BankAgreementId,
    debtor_iban: Iban,
) -> TokenBinding {
    TokenBinding {
        company_id: summary.company_id.clone(),
        bank_agreement_id,
        debtor_iban,
        creditor_account: summary.supplier.account.creditor_account(),
        amount: summary.amount,
        due_date: summary.due_date,
        creditor_bic: summary.supplier.account.bic().cloned(),
        payment_reference: summary
            .payment_reference
            .is_structured()
            .then(|| summary.payment_reference.as_str().to_owned()),
    }
}

/// When a token issued `now` expires, after `days` days (at least one).
pub fn token_expiry(now: u64, days: u32) -> u64 {
    now.saturating_add(u64::from(days.max(1)) * 86_400)
}

/// Whether a new document makes an earlier pre-approved invoice's token invalid: same supplier,
/// another account, and the token neither used nor already revoked.
pub fn revokes_on_account_change(
    new: &DocumentSummary,
    pre_approved: &DocumentSummary,
    token: &TokenRecord,
) -> bool {
    new.document_id != pre_approved.document_id
        && new.supplier.organisation_number == pre_approved.supplier.organisation_number
        && !new
            .supplier
            .account
            .same_account_as(&pre_approved.supplier.account)
        && !token.revoked
        && token.consumed.is_none()
}

/// The warnings of a process as shown at `now`: the stored ones (duplicates, account changed,
/// revocations), plus those that depend on the moment: a passed due date while the invoice is
/// still unpaid, and an expired token that was never used.
pub fn warnings_now(
    stored: &[Warning],
    due_date: Date,
    unpaid: bool,
    token: Option<&TokenRecord>,
    now: u64,
) -> Vec<Warning> {
    let mut out = stored.to_vec();
    if unpaid {
        if let Ok(today) = Date::from_unix_secs(now) {
            out.extend(crate::warnings::due_date_passed(due_date, today));
        }
    }
    if let Some(token) = token {
        let expired = now >= token.expires_at && token.consumed.is_none() && !token.revoked;
        if expired && !out.contains(&Warning::TokenExpired) {
            out.push(Warning::TokenExpired);
        }
    }
    out
}

/// How the task list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskSort {
    #[default]
    DueDate,
    Amount,
}

impl TaskSort {
    pub fn parse(text: Option<&str>) -> Option<TaskSort> {
        match text {
            None | Some("") | Some("due_date") => Some(TaskSort::DueDate),
            Some("amount") => Some(TaskSort::Amount),
            Some(_) => None,
        }
    }

    /// Due date: earliest first. Amount: largest first, grouped by currency (amounts in
    /// different currencies are not comparable without a rate). Ties by due date.
    pub fn compare(self, a: (Date, Money), b: (Date, Money)) -> Ordering {
        match self {
            TaskSort::DueDate => a.0.cmp(&b.0).then(b.1.minor().cmp(&a.1.minor())),
            TaskSort::Amount => {
                a.1.currency()
                    .code()
                    .cmp(b.1.currency().code())
                    .then(b.1.minor().cmp(&a.1.minor()))
                    .then(a.0.cmp(&b.0))
            }
        }
    }
}

/// What the overview's filters look at in one process.
pub struct FilterFacts<'a> {
    pub company_id: &'a str,
    pub status: &'a str,
    pub payment_approved: bool,
    pub warnings: &'a [Warning],
}

/// Whether a process passes every filter given.
pub fn matches_filter(filter: &ProcessFilter, facts: &FilterFacts<'_>) -> bool {
    filter
        .company
        .as_deref()
        .is_none_or(|c| c == facts.company_id)
        && filter.status.as_deref().is_none_or(|s| s == facts.status)
        && filter
            .payment_approved
            .is_none_or(|p| p == facts.payment_approved)
        && filter
            .warning
            .as_deref()
            .is_none_or(|w| facts.warnings.iter().any(|x| x.kind() == w))
}

/// An amount for the SPA: exact minor units and the display text.
pub fn amount_view(money: Money) -> AmountView {
    AmountView {
        minor: money.minor(),
        value: money.to_decimal_string(),
        currency: money.currency().code().to_owned(),
        display: money.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, DocumentRequest, SupplierRequest};
    use crate::ids::BankAgreementId;
    use crate::money::Currency;
    use crate::roles::TwoStepLevel;
    use crate::token::ApprovalToken;

    fn company(id: &str) -> CompanyId {
        CompanyId::parse(id).unwrap()
    }

    fn doc(id: &str, iban: &str) -> DocumentSummary {
        let req = DocumentRequest {
            document_id: id.into(),
            company_id: "acme".into(),
            supplier: SupplierRequest {
                name: "Kontorrekvisita AS".into(),
                organisation_number: "923609016".into(),
                iban: Some(iban.into()),
                ..SupplierRequest::default()
            },
            invoice_number: format!("INV-{id}"),
            invoice_date: "2026-03-01".into(),
            due_date: "2026-03-31".into(),
            amount: "100.00".into(),
            currency: "NOK".into(),
            payment_reference: "1234567897".into(),
            pdf_base64: None,
        };
        Document::parse(&req).unwrap().summary
    }

    fn token_record(summary: &DocumentSummary, expires_at: u64) -> TokenRecord {
        let binding = token_binding(
            summary,
            BankAgreementId::parse("dnb").unwrap(),
            crate::iban::Iban::parse("NO9386011117947").unwrap(),
        );
        let mut record = TokenRecord::issue(&ApprovalToken::from_random_bytes([7; 17]), binding, 0);
        record.expires_at = expires_at;
        record
    }

    #[test]
    fn a_process_id_names_its_company() {
        let id = process_id(&company("abc"), "xyz").unwrap();
        assert_eq!(id.as_str(), "abc_xyz");
        let (c, p) = company_of_process("abc_xyz").unwrap();
        assert_eq!((c.as_str(), p.as_str()), ("abc", "abc_xyz"));
    }

    #[test]
    fn text_that_is_not_a_process_id_names_no_company() {
        assert!(company_of_process("abc").is_none());
        assert!(company_of_process("abc_").is_none());
        assert!(company_of_process("a/b_c").is_none());
        assert!(process_id(&company("a_b"), "x").is_none());
    }

    #[test]
    fn the_erp_cursor_round_trips_and_refuses_garbage() {
        assert_eq!(
            ErpCursor::parse(&ErpCursor(255).encode()),
            Some(ErpCursor(255))
        );
        assert_eq!(ErpCursor::parse(""), Some(ErpCursor(0)));
        assert_eq!(ErpCursor::parse("255"), None);
        assert_eq!(ErpCursor::parse("a.zz"), None);
        assert_eq!(ErpCursor::parse("a.11111111111111111"), None);
    }

    #[test]
    fn the_erp_page_size_is_bounded() {
        assert_eq!(erp_limit(None), Some(ERP_DEFAULT_LIMIT));
        assert_eq!(erp_limit(Some("2")), Some(2));
        assert_eq!(erp_limit(Some("100000")), Some(ERP_MAX_LIMIT));
        assert_eq!(erp_limit(Some("0")), None);
        assert_eq!(erp_limit(Some("-1")), None);
        assert_eq!(erp_limit(Some("1.5")), None);
        assert_eq!(erp_limit(Some("000")), None);
    }

    #[test]
    fn an_erp_page_size_of_any_length_is_served_as_the_largest_page() {
        assert_eq!(erp_limit(Some("18446744073709551616")), Some(ERP_MAX_LIMIT));
        assert_eq!(
            erp_limit(Some("99999999999999999999999999999999")),
            Some(ERP_MAX_LIMIT)
        );
    }

    #[test]
    fn the_token_is_bound_to_the_first_agreement_with_two_step_on_approval() {
        let agreement = |id: &str, level| BankAgreementView {
            id: id.into(),
            bank_name: "DNB".into(),
            bic: "DNBANOKK".into(),
            debtor_account: "NO9386011117947".into(),
            two_step_level: level,
            approvers_required: 1,
        };
        let list = [
            agreement("a", TwoStepLevel::OnUpload),
            agreement("b", TwoStepLevel::OnUploadAndApproval),
            agreement("c", TwoStepLevel::OnApproval),
        ];
        assert_eq!(debtor_agreement(&list).unwrap().id, "b");
        assert!(debtor_agreement(&list[..1]).is_none());
    }

    #[test]
    fn a_new_account_of_the_same_supplier_revokes_an_unused_token() {
        let approved = doc("d1", "NO9386011117947");
        let token = token_record(&approved, u64::MAX);
        assert!(revokes_on_account_change(
            &doc("d2", "DE89370400440532013000"),
            &approved,
            &token
        ));
        assert!(!revokes_on_account_change(
            &doc("d2", "NO9386011117947"),
            &approved,
            &token
        ));
        let mut revoked = token.clone();
        revoked.revoke();
        assert!(!revokes_on_account_change(
            &doc("d2", "DE89370400440532013000"),
            &approved,
            &revoked
        ));
    }

    #[test]
    fn the_due_date_warning_shows_only_while_unpaid_and_expiry_only_when_unused() {
        let d = doc("d1", "NO9386011117947");
        let after_due = Date::parse("2026-04-02")
            .unwrap()
            .start_unix_secs()
            .unwrap();
        let kinds = |w: Vec<Warning>| w.iter().map(Warning::kind).collect::<Vec<_>>();
        assert_eq!(
            kinds(warnings_now(&[], d.due_date, true, None, after_due)),
            ["due_date_passed"]
        );
        assert!(warnings_now(&[], d.due_date, false, None, after_due).is_empty());
        let token = token_record(&d, after_due - 1);
        assert_eq!(
            kinds(warnings_now(
                &[],
                d.due_date,
                false,
                Some(&token),
                after_due
            )),
            ["token_expired"]
        );
        let mut revoked = token.clone();
        revoked.revoke();
        assert!(warnings_now(&[], d.due_date, false, Some(&revoked), after_due).is_empty());
    }

    #[test]
    fn tasks_sort_by_due_date_or_by_amount_within_a_currency() {
        let early = Date::parse("2026-01-01").unwrap();
        let late = Date::parse("2026-02-01").unwrap();
        let nok = |m| Money::from_minor(m, Currency::NOK);
        let due = TaskSort::parse(None).unwrap();
        assert_eq!(due.compare((early, nok(1)), (late, nok(9))), Ordering::Less);
        let amount = TaskSort::parse(Some("amount")).unwrap();
        assert_eq!(
            amount.compare((late, nok(9)), (early, nok(1))),
            Ordering::Less
        );
        assert!(TaskSort::parse(Some("name")).is_none());
    }

    #[test]
    fn the_overview_filter_checks_every_given_field() {
        let warnings = [Warning::TokenRevoked];
        let facts = FilterFacts {
            company_id: "acme",
            status: "payment_approved",
            payment_approved: true,
            warnings: &warnings,
        };
        assert!(matches_filter(&ProcessFilter::default(), &facts));
        let f = |company: Option<&str>, warning: Option<&str>, paid: Option<bool>| ProcessFilter {
            company: company.map(Into::into),
            status: None,
            payment_approved: paid,
            warning: warning.map(Into::into),
        };
        assert!(matches_filter(
            &f(Some("acme"), Some("token_revoked"), Some(true)),
            &facts
        ));
        assert!(!matches_filter(&f(Some("other"), None, None), &facts));
        assert!(!matches_filter(
            &f(None, Some("possible_duplicate"), None),
            &facts
        ));
        assert!(!matches_filter(&f(None, None, Some(false)), &facts));
    }
}
