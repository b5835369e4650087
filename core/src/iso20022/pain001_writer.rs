//! Writing pain.001.001.03 files, e.g. the ERP reference exporter's payment suggestions.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::pain001::Account;
use super::text::{ControlSum, IsoDateTime};
use super::{Max140Text, Max35Text};
use crate::dates::Date;
use crate::iban::Bic;
use crate::money::Money;

const NAMESPACE_V03: &str = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

/// A payment file to write. Counts and control sums are computed, never given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFileToWrite {
    pub msg_id: Max35Text,
    /// Passed in: the core reads no clock.
    pub creation_date_time: IsoDateTime,
    pub initiating_party_name: Option<Max140Text>,
    pub payment_infos: Vec<PaymentInfoToWrite>,
}

/// One `<PmtInf>` to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInfoToWrite {
    pub pmt_inf_id: Max35Text,
    pub requested_execution_date: Date,
    pub debtor_name: Max140Text,
    pub debtor_account: Account,
    /// Without a BIC the debtor agent is written as `NOTPROVIDED`, as the EPC rules ask.
    pub debtor_bic: Option<Bic>,
    pub transactions: Vec<TransactionToWrite>,
}

/// One `<CdtTrfTxInf>` to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionToWrite {
    /// Written as `<InstrId>`: the approval token of a pre-approved payment.
    pub instr_id: Option<Max35Text>,
    pub end_to_end_id: Max35Text,
    pub amount: Money,
    pub creditor_name: Max140Text,
    pub creditor_account: Account,
    pub creditor_bic: Option<Bic>,
    pub remittance_unstructured: Vec<Max140Text>,
    pub creditor_reference: Option<Max35Text>,
    pub referred_documents: Vec<Max35Text>,
}

/// Why a file could not be written; the result would not be a valid pain.001.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error("a payment file needs at least one payment information")]
    NoPaymentInformation,
    #[error("payment information {0:?} has no transactions")]
    NoTransactions(String),
    #[error(
        "BIC {0} has digits in its bank code or location, which the pain.001.001.03 schema does not allow"
    )]
    BicNotAllowedInV03(String),
    #[error("transaction {end_to_end_id:?}: amount {amount} is not positive")]
    NotPositive {
        end_to_end_id: String,
        amount: String,
    },
}

/// Writes a pain.001.001.03 document that validates against the ISO 20022 schema.
///
/// Text is XML-escaped, amounts carry exactly their currency's decimals, `NbOfTxs` and
/// `CtrlSum` are computed for the file and for each payment information.
pub fn write_pain001_v03(file: &PaymentFileToWrite) -> Result<String, WriteError> {
    if file.payment_infos.is_empty() {
        return Err(WriteError::NoPaymentInformation);
    }
    for p in &file.payment_infos {
        if p.transactions.is_empty() {
            return Err(WriteError::NoTransactions(p.pmt_inf_id.to_string()));
        }
        let bics = p
            .debtor_bic
            .iter()
            .chain(p.transactions.iter().flat_map(|t| &t.creditor_bic));
        if let Some(bic) = bics.into_iter().find(|b| !b.fits_iso9362_2009()) {
            return Err(WriteError::BicNotAllowedInV03(bic.to_string()));
        }
        if let Some(t) = p.transactions.iter().find(|t| !t.amount.is_positive()) {
            return Err(WriteError::NotPositive {
                end_to_end_id: t.end_to_end_id.to_string(),
                amount: t.amount.to_string(),
            });
        }
    }
    let all_amounts = file
        .payment_infos
        .iter()
        .flat_map(|p| p.transactions.iter().map(|t| &t.amount));
    let count: usize = file
        .payment_infos
        .iter()
        .map(|p| p.transactions.len())
        .sum();

    let mut w = Xml::default();
    w.line(0, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    w.line(0, &format!(r#"<Document xmlns="{NAMESPACE_V03}">"#));
    w.open(1, "CstmrCdtTrfInitn");
    w.open(2, "GrpHdr");
    w.text(3, "MsgId", file.msg_id.as_str());
    w.text(3, "CreDtTm", file.creation_date_time.as_str());
    w.text(3, "NbOfTxs", &count.to_string());
    w.control_sum(3, ControlSum::of(all_amounts));
    match &file.initiating_party_name {
        Some(name) => {
            w.open(3, "InitgPty");
            w.text(4, "Nm", name.as_str());
            w.close(3, "InitgPty");
        }
        None => w.line(3, "<InitgPty/>"),
    }
    w.close(2, "GrpHdr");
    for p in &file.payment_infos {
        write_payment_info(&mut w, p);
    }
    w.close(1, "CstmrCdtTrfInitn");
    w.line(0, "</Document>");
    Ok(w.out)
}

fn write_payment_info(w: &mut Xml, p: &PaymentInfoToWrite) {
    w.open(2, "PmtInf");
    w.text(3, "PmtInfId", p.pmt_inf_id.as_str());
    w.text(3, "PmtMtd", "TRF");
    w.text(3, "NbOfTxs", &p.transactions.len().to_string());
    w.control_sum(3, ControlSum::of(p.transactions.iter().map(|t| &t.amount)));
    w.text(3, "ReqdExctnDt", &p.requested_execution_date.to_string());
    w.open(3, "Dbtr");
    w.text(4, "Nm", p.debtor_name.as_str());
    w.close(3, "Dbtr");
    w.account(3, "DbtrAcct", &p.debtor_account);
    w.open(3, "DbtrAgt");
    w.open(4, "FinInstnId");
    match &p.debtor_bic {
        Some(bic) => w.text(5, "BIC", bic.as_str()),
        None => {
            w.open(5, "Othr");
            w.text(6, "Id", "NOTPROVIDED");
            w.close(5, "Othr");
        }
    }
    w.close(4, "FinInstnId");
    w.close(3, "DbtrAgt");
    for t in &p.transactions {
        write_transaction(w, t);
    }
    w.close(2, "PmtInf");
}

fn write_transaction(w: &mut Xml, t: &TransactionToWrite) {
    w.open(3, "CdtTrfTxInf");
    w.open(4, "PmtId");
    if let Some(instr_id) = &t.instr_id {
        w.text(5, "InstrId", instr_id.as_str());
    }
    w.text(5, "EndToEndId", t.end_to_end_id.as_str());
    w.close(4, "PmtId");
    w.open(4, "Amt");
    w.line(
        5,
        &format!(
            r#"<InstdAmt Ccy="{}">{}</InstdAmt>"#,
            t.amount.currency(),
            t.amount.to_decimal_string()
        ),
    );
    w.close(4, "Amt");
    if let Some(bic) = &t.creditor_bic {
        w.open(4, "CdtrAgt");
        w.open(5, "FinInstnId");
        w.text(6, "BIC", bic.as_str());
        w.close(5, "FinInstnId");
        w.close(4, "CdtrAgt");
    }
    w.open(4, "Cdtr");
    w.text(5, "Nm", t.creditor_name.as_str());
    w.close(4, "Cdtr");
    w.account(4, "CdtrAcct", &t.creditor_account);
    let structured = t.creditor_reference.is_some() || !t.referred_documents.is_empty();
    if structured || !t.remittance_unstructured.is_empty() {
        w.open(4, "RmtInf");
        for line in &t.remittance_unstructured {
            w.text(5, "Ustrd", line.as_str());
        }
        if structured {
            w.open(5, "Strd");
            for number in &t.referred_documents {
                w.open(6, "RfrdDocInf");
                w.text(7, "Nb", number.as_str());
                w.close(6, "RfrdDocInf");
            }
            if let Some(reference) = &t.creditor_reference {
                w.open(6, "CdtrRefInf");
                w.open(7, "Tp");
                w.open(8, "CdOrPrtry");
                w.text(9, "Cd", "SCOR");
                w.close(8, "CdOrPrtry");
                w.close(7, "Tp");
                w.text(7, "Ref", reference.as_str());
                w.close(6, "CdtrRefInf");
            }
            w.close(5, "Strd");
        }
        w.close(4, "RmtInf");
    }
    w.close(3, "CdtTrfTxInf");
}

/// An indented XML text being written.
#[derive(Default)]
struct Xml {
    out: String,
}

impl Xml {
    fn line(&mut self, depth: usize, content: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(content);
        self.out.push('\n');
    }

    fn open(&mut self, depth: usize, name: &str) {
        self.line(depth, &format!("<{name}>"));
    }

    fn close(&mut self, depth: usize, name: &str) {
        self.line(depth, &format!("</{name}>"));
    }

    fn text(&mut self, depth: usize, name: &str, text: &str) {
        let mut element = String::with_capacity(text.len() + 2 * name.len() + 5);
        let _ = write!(element, "<{name}>");
        escape_into(&mut element, text);
        let _ = write!(element, "</{name}>");
        self.line(depth, &element);
    }

    fn account(&mut self, depth: usize, name: &str, account: &Account) {
        self.open(depth, name);
        self.open(depth + 1, "Id");
        match account {
            Account::Iban(iban) => self.text(depth + 2, "IBAN", iban.as_str()),
            Account::Other(id) => {
                self.open(depth + 2, "Othr");
                self.text(depth + 3, "Id", id.as_str());
                self.close(depth + 2, "Othr");
            }
        }
        self.close(depth + 1, "Id");
        self.close(depth, name);
    }

    /// `CtrlSum` is optional: left out in the (unreal) case that it exceeds the schema's 18 digits.
    fn control_sum(&mut self, depth: usize, sum: Option<ControlSum>) {
        if let Some(sum) = sum.filter(|s| s.total_digits() <= 18) {
            self.text(depth, "CtrlSum", &sum.to_string());
        }
    }
}

/// Escapes text for element content and attribute values. Tabs and line breaks become character
/// references so a reader gets them back exactly (a bare CR would be normalised away).
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_in_text_are_escaped() {
        let mut out = String::new();
        escape_into(&mut out, "A&B <Ltd> \"quoted\" it's\r\n");
        assert_eq!(
            out,
            "A&amp;B &lt;Ltd&gt; &quot;quoted&quot; it&apos;s&#13;&#10;"
        );
    }
}
