//! Reading customer credit transfer initiations: pain.001.001.03 and pain.001.001.09.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::error::{Problem, ReadError, Reason, Scope};
use super::text::{AmountSum, ControlSum, IsoDateTime, Text};
use super::xml::{walk, Content, Handler, StartTag, Tag};
use super::{Max140Text, Max34Text, Max35Text, MAX_PAYMENTS, MAX_PROBLEMS};
use crate::dates::Date;
use crate::iban::{Bic, Iban};
use crate::money::{Currency, Money};

/// The pain.001 versions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Pain001Version {
    /// `pain.001.001.03` (ISO 20022 2009, the SEPA and most ERPs' version).
    #[serde(rename = "pain.001.001.03")]
    V03,
    /// `pain.001.001.03.ch.02`, the Swiss banks' variant of .03 with its own namespace.
    #[serde(rename = "pain.001.001.03.ch.02")]
    V03Ch02,
    /// `pain.001.001.09` (ISO 20022 2019, SEPA rulebook 2023 onwards).
    #[serde(rename = "pain.001.001.09")]
    V09,
}

/// The namespace of each version read, in the order versions are listed in error messages.
pub const PAIN001_NAMESPACES: [(&str, Pain001Version); 3] = [
    (
        "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03",
        Pain001Version::V03,
    ),
    (
        "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09",
        Pain001Version::V09,
    ),
    (
        "http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd",
        Pain001Version::V03Ch02,
    ),
];

/// An account: an IBAN, or another identifier (`<Othr><Id>`) for countries without IBANs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    Iban(Iban),
    Other(Max34Text),
}

impl Account {
    pub fn iban(&self) -> Option<&Iban> {
        match self {
            Account::Iban(iban) => Some(iban),
            Account::Other(_) => None,
        }
    }

    /// The IBAN in electronic form or the other identifier, as written in the file.
    pub fn as_str(&self) -> &str {
        match self {
            Account::Iban(iban) => iban.as_str(),
            Account::Other(id) => id.as_str(),
        }
    }
}

/// A pain.001 file that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFile {
    pub version: Pain001Version,
    pub msg_id: Max35Text,
    pub creation_date_time: IsoDateTime,
    /// Number of transactions in the file, as declared and counted.
    pub nb_of_txs: u64,
    /// Declared control sum, when the file has one (it then matches the amounts).
    pub ctrl_sum: Option<ControlSum>,
    pub initiating_party_name: Option<Max140Text>,
    pub payment_infos: Vec<PaymentInfo>,
}

impl PaymentFile {
    pub fn transactions(&self) -> impl Iterator<Item = (&PaymentInfo, &Transaction)> {
        self.payment_infos
            .iter()
            .flat_map(|p| p.transactions.iter().map(move |t| (p, t)))
    }
}

/// One `<PmtInf>`: a debtor account, an execution date and its transactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInfo {
    pub pmt_inf_id: Max35Text,
    pub requested_execution_date: Date,
    pub debtor_name: Max140Text,
    pub debtor_account: Account,
    pub debtor_bic: Option<Bic>,
    pub transactions: Vec<Transaction>,
    /// Line of `<PmtInf>` in the file.
    pub line: u32,
}

/// One `<CdtTrfTxInf>`: a payment to a creditor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// `<PmtId><InstrId>`: where a pre-approved payment carries its approval token.
    pub instr_id: Option<Max35Text>,
    pub end_to_end_id: Max35Text,
    /// Positive, with no more decimals than its currency allows.
    pub amount: Money,
    /// `<Cdtr><Nm>`. Both are optional in pain.001.001.03 and .09: a payment may name its
    /// creditor only through its reference (a Swiss ISR/QR reference, a KID), which callers show
    /// as [`CREDITOR_IDENTIFIED_BY_REFERENCE`] ([`Transaction::creditor_label`]).
    pub creditor_name: Option<Max140Text>,
    pub creditor_account: Option<Account>,
    pub creditor_bic: Option<Bic>,
    /// `<RmtInf><Ustrd>` lines.
    pub remittance_unstructured: Vec<Max140Text>,
    /// `<RmtInf><Strd><CdtrRefInf><Ref>`: a structured creditor reference (e.g. RF or KID).
    pub creditor_reference: Option<Max35Text>,
    /// `<RmtInf><Strd><RfrdDocInf><Nb>`: numbers of the invoices paid.
    pub referred_documents: Vec<Max35Text>,
    /// Line of `<CdtTrfTxInf>` in the file.
    pub line: u32,
}

/// What stands for the creditor of a payment whose file gives no creditor name.
pub const CREDITOR_IDENTIFIED_BY_REFERENCE: &str = "(identified by reference)";

impl Transaction {
    /// The creditor's name, or [`CREDITOR_IDENTIFIED_BY_REFERENCE`] when the file gives none.
    pub fn creditor_label(&self) -> &str {
        self.creditor_name
            .as_ref()
            .map_or(CREDITOR_IDENTIFIED_BY_REFERENCE, Text::as_str)
    }

    /// The IBAN of the creditor account, when it is one.
    pub fn creditor_iban(&self) -> Option<&Iban> {
        self.creditor_account.as_ref().and_then(Account::iban)
    }
}

/// Reads and checks a pain.001.001.03 or .09 file.
///
/// Either every payment is valid and returned, or the file is refused with all its problems.
pub fn read_pain001(input: &[u8]) -> Result<PaymentFile, ReadError> {
    let namespaces = PAIN001_NAMESPACES.map(|(ns, _)| ns);
    let mut reader = Pain001Reader::default();
    let index = match walk(input, &namespaces, &mut reader) {
        Ok(index) => index,
        Err(fatal) => {
            reader.problems.push(fatal);
            return Err(reader.into_error());
        }
    };
    reader.finish(PAIN001_NAMESPACES[index].1)
}

/// A value as found in the file (borrowed from it unless it had to be put together), with its
/// line.
#[derive(Debug, Clone, Default)]
struct Raw<'i> {
    value: Cow<'i, str>,
    line: u32,
}

#[derive(Default)]
struct GroupHeader<'i> {
    line: u32,
    msg_id: Option<Raw<'i>>,
    cre_dt_tm: Option<Raw<'i>>,
    nb_of_txs: Option<Raw<'i>>,
    ctrl_sum: Option<Raw<'i>>,
    initiating_party_name: Option<Raw<'i>>,
}

#[derive(Default)]
struct PaymentInfoDraft<'i> {
    line: u32,
    pmt_inf_id: Option<Raw<'i>>,
    pmt_mtd: Option<Raw<'i>>,
    nb_of_txs: Option<Raw<'i>>,
    ctrl_sum: Option<Raw<'i>>,
    execution_date: Option<Raw<'i>>,
    debtor_name: Option<Raw<'i>>,
    debtor_iban: Option<Raw<'i>>,
    debtor_other_id: Option<Raw<'i>>,
    debtor_bic: Option<Raw<'i>>,
    transactions: Vec<Transaction>,
    count: u64,
    sum: AmountSum,
    all_amounts_valid: bool,
    problems_before: usize,
}

/// The transaction being read. One draft serves every transaction of a file, so its lists keep
/// their memory from one to the next.
#[derive(Default)]
struct TransactionDraft<'i> {
    line: u32,
    instr_id: Option<Raw<'i>>,
    end_to_end_id: Option<Raw<'i>>,
    amount: Option<Raw<'i>>,
    amount_currency: Option<Cow<'i, str>>,
    equivalent_amount: bool,
    /// Line of `<Cdtr>`, when the transaction has one.
    creditor: Option<u32>,
    creditor_name: Option<Raw<'i>>,
    creditor_iban: Option<Raw<'i>>,
    creditor_other_id: Option<Raw<'i>>,
    creditor_bic: Option<Raw<'i>>,
    remittance_unstructured: Vec<Raw<'i>>,
    creditor_reference: Option<Raw<'i>>,
    referred_documents: Vec<Raw<'i>>,
}

impl TransactionDraft<'_> {
    /// Empties the draft for the transaction whose start tag is on `line`. Every field is named,
    /// so a field added later cannot be forgotten here.
    fn begin(&mut self, line: u32) {
        let TransactionDraft {
            line: draft_line,
            instr_id,
            end_to_end_id,
            amount,
            amount_currency,
            equivalent_amount,
            creditor,
            creditor_name,
            creditor_iban,
            creditor_other_id,
            creditor_bic,
            remittance_unstructured,
            creditor_reference,
            referred_documents,
        } = self;
        *draft_line = line;
        *instr_id = None;
        *end_to_end_id = None;
        *amount = None;
        *amount_currency = None;
        *equivalent_amount = false;
        *creditor = None;
        *creditor_name = None;
        *creditor_iban = None;
        *creditor_other_id = None;
        *creditor_bic = None;
        remittance_unstructured.clear();
        *creditor_reference = None;
        referred_documents.clear();
    }
}

#[derive(Default)]
struct Pain001Reader<'i> {
    version: Option<Pain001Version>,
    group: GroupHeader<'i>,
    payment_info: Option<PaymentInfoDraft<'i>>,
    transaction: TransactionDraft<'i>,
    /// Whether `transaction` is open (between `<CdtTrfTxInf>` and its end).
    in_transaction: bool,
    payment_infos: Vec<PaymentInfo>,
    count: u64,
    sum: AmountSum,
    all_amounts_valid: bool,
    seen_initiation: bool,
    problems: Vec<Problem>,
}

impl<'i> Handler<'i> for Pain001Reader<'i> {
    fn namespace(&mut self, index: usize) {
        self.version = Some(PAIN001_NAMESPACES[index].1);
    }

    fn start(&mut self, path: &[Tag], tag: &StartTag<'_, 'i>, line: u32) -> Result<(), Problem> {
        use Tag::*;
        match path {
            [Document] => {
                self.all_amounts_valid = true;
            }
            [Document, CstmrCdtTrfInitn] => self.seen_initiation = true,
            [Document, other] => {
                let found = tag_name(*other);
                return Err(Problem::at(
                    line,
                    Reason::WrongMessage {
                        found,
                        expected: "CstmrCdtTrfInitn",
                        message: "pain.001",
                    },
                ));
            }
            [Document, CstmrCdtTrfInitn, GrpHdr] => self.group.line = line,
            [Document, CstmrCdtTrfInitn, PmtInf] => {
                self.payment_info = Some(PaymentInfoDraft {
                    line,
                    all_amounts_valid: true,
                    problems_before: self.problems.len(),
                    ..PaymentInfoDraft::default()
                });
            }
            [Document, CstmrCdtTrfInitn, PmtInf, CdtTrfTxInf] => {
                if self.count >= MAX_PAYMENTS as u64 {
                    return Err(Problem::at(line, Reason::TooManyPayments(MAX_PAYMENTS)));
                }
                if let Some(p) = &mut self.payment_info {
                    if p.transactions.capacity() == 0 {
                        // Room for the transactions the payment information says it has (its
                        // NbOfTxs comes first), within the file's limit; if it says more than
                        // it has, the count is refused and the list dropped.
                        let declared = p
                            .nb_of_txs
                            .as_ref()
                            .and_then(|n| n.value.trim().parse().ok());
                        let room = MAX_PAYMENTS - self.count as usize;
                        p.transactions.reserve(declared.unwrap_or(0).min(room));
                    }
                }
                self.transaction.begin(line);
                self.in_transaction = true;
            }
            [Document, CstmrCdtTrfInitn, PmtInf, CdtTrfTxInf, Amt, InstdAmt] => {
                let currency = tag.attribute("Ccy").map_err(|r| Problem::at(line, r))?;
                if self.in_transaction {
                    self.transaction.amount_currency = currency;
                }
            }
            [Document, CstmrCdtTrfInitn, PmtInf, CdtTrfTxInf, Cdtr] if self.in_transaction => {
                self.transaction.creditor = Some(line);
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, path: &[Tag], text: &mut Content<'i>, line: u32) -> Result<(), Problem> {
        use Tag::*;
        let [Document, CstmrCdtTrfInitn, rest @ ..] = path else {
            return Ok(());
        };
        let raw = |text: &mut Content<'i>| {
            Some(Raw {
                value: text.take(),
                line,
            })
        };
        let v09 = self.version == Some(Pain001Version::V09);
        match rest {
            [GrpHdr, MsgId] => self.group.msg_id = raw(text),
            [GrpHdr, CreDtTm] => self.group.cre_dt_tm = raw(text),
            [GrpHdr, NbOfTxs] => self.group.nb_of_txs = raw(text),
            [GrpHdr, CtrlSum] => self.group.ctrl_sum = raw(text),
            [GrpHdr, InitgPty, Nm] => self.group.initiating_party_name = raw(text),
            [PmtInf] => self.finish_payment_info(),
            [PmtInf, CdtTrfTxInf] => self.finish_transaction(),
            [PmtInf, field @ ..] => {
                let Some(p) = &mut self.payment_info else {
                    return Ok(());
                };
                match field {
                    [PmtInfId] => p.pmt_inf_id = raw(text),
                    [PmtMtd] => p.pmt_mtd = raw(text),
                    [NbOfTxs] => p.nb_of_txs = raw(text),
                    [CtrlSum] => p.ctrl_sum = raw(text),
                    [ReqdExctnDt] if !v09 => p.execution_date = raw(text),
                    [ReqdExctnDt, Dt] if v09 => p.execution_date = raw(text),
                    [ReqdExctnDt, DtTm] if v09 => {
                        // A date-time asks for execution on its day.
                        let value = match text.take() {
                            Cow::Borrowed(value) => {
                                Cow::Borrowed(value.split_once('T').map_or(value, |(day, _)| day))
                            }
                            Cow::Owned(mut value) => {
                                value.truncate(value.find('T').unwrap_or(value.len()));
                                Cow::Owned(value)
                            }
                        };
                        p.execution_date = Some(Raw { value, line });
                    }
                    [Dbtr, Nm] => p.debtor_name = raw(text),
                    [DbtrAcct, Id, IBAN] => p.debtor_iban = raw(text),
                    [DbtrAcct, Id, Othr, Id] => p.debtor_other_id = raw(text),
                    [DbtrAgt, FinInstnId, BIC | BICFI] => p.debtor_bic = raw(text),
                    [CdtTrfTxInf, tx_field @ ..] => {
                        if !self.in_transaction {
                            return Ok(());
                        }
                        let t = &mut self.transaction;
                        match tx_field {
                            [PmtId, InstrId] => t.instr_id = raw(text),
                            [PmtId, EndToEndId] => t.end_to_end_id = raw(text),
                            [Amt, InstdAmt] => t.amount = raw(text),
                            [Amt, EqvtAmt] => t.equivalent_amount = true,
                            [Cdtr, Nm] => t.creditor_name = raw(text),
                            [CdtrAcct, Id, IBAN] => t.creditor_iban = raw(text),
                            [CdtrAcct, Id, Othr, Id] => t.creditor_other_id = raw(text),
                            [CdtrAgt, FinInstnId, BIC | BICFI] => t.creditor_bic = raw(text),
                            [RmtInf, Ustrd] => t.remittance_unstructured.extend(raw(text)),
                            [RmtInf, Strd, CdtrRefInf, Ref] => t.creditor_reference = raw(text),
                            [RmtInf, Strd, RfrdDocInf, Nb] => {
                                t.referred_documents.extend(raw(text))
                            }
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        if self.problems.len() > MAX_PROBLEMS {
            self.problems.truncate(MAX_PROBLEMS);
            return Err(Problem::at(line, Reason::TooManyProblems(MAX_PROBLEMS)));
        }
        Ok(())
    }
}

fn tag_name(tag: Tag) -> String {
    match tag {
        Tag::Other => "an element not of this message".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Where problems are reported: the payment information and transaction, when known. Quoted
/// only when a problem is reported.
#[derive(Clone, Copy, Default)]
struct Context<'a> {
    payment_information: Option<&'a str>,
    transaction: Option<&'a str>,
}

impl Context<'_> {
    fn problem(&self, line: u32, reason: Reason) -> Problem {
        Problem {
            line,
            payment_information: self.payment_information.map(quoted_id),
            transaction: self.transaction.map(quoted_id),
            reason,
        }
    }
}

/// Shortens an identifier quoted in messages so a hostile file cannot make them huge.
fn quoted_id(id: &str) -> String {
    id.chars().take(70).collect()
}

/// The value of an optional element, for a [`Context`].
fn value_of<'a>(raw: &'a Option<Raw<'_>>) -> Option<&'a str> {
    raw.as_ref().map(|r| &*r.value)
}

/// Checks the values of one scope, collecting problems in it.
struct Checker<'a> {
    context: Context<'a>,
    problems: &'a mut Vec<Problem>,
    /// Line of the enclosing element, for missing values.
    line: u32,
}

impl Checker<'_> {
    fn report(&mut self, line: u32, reason: Reason) {
        if self.problems.len() <= MAX_PROBLEMS {
            self.problems.push(self.context.problem(line, reason));
        }
    }

    fn required<'r, T>(
        &mut self,
        raw: Option<&'r Raw<'r>>,
        element: &'static str,
        parse: impl FnOnce(&mut Self, &'r Raw<'r>) -> Option<T>,
    ) -> Option<T> {
        match raw {
            Some(raw) => parse(self, raw),
            None => {
                self.report(self.line, Reason::Missing(element));
                None
            }
        }
    }

    fn text<const MAX: usize>(
        &mut self,
        raw: &Raw<'_>,
        element: &'static str,
    ) -> Option<Text<MAX>> {
        Text::parse(&raw.value)
            .map_err(|error| self.report(raw.line, Reason::InvalidText { element, error }))
            .ok()
    }

    fn required_text<const MAX: usize>(
        &mut self,
        raw: Option<&Raw<'_>>,
        element: &'static str,
    ) -> Option<Text<MAX>> {
        self.required(raw, element, |c, raw| c.text(raw, element))
    }

    fn optional_text<const MAX: usize>(
        &mut self,
        raw: Option<&Raw<'_>>,
        element: &'static str,
    ) -> Result<Option<Text<MAX>>, ()> {
        match raw {
            None => Ok(None),
            Some(raw) => self.text(raw, element).map(Some).ok_or(()),
        }
    }

    fn iban(&mut self, raw: &Raw<'_>) -> Option<Iban> {
        Iban::parse(raw.value.trim())
            .map_err(|e| self.report(raw.line, Reason::InvalidIban(e)))
            .ok()
    }

    fn bic(&mut self, raw: Option<&Raw<'_>>) -> Result<Option<Bic>, ()> {
        match raw {
            None => Ok(None),
            Some(raw) => Bic::parse(&raw.value)
                .map(Some)
                .map_err(|e| self.report(raw.line, Reason::InvalidBic(e))),
        }
    }

    fn account(
        &mut self,
        iban: Option<&Raw<'_>>,
        other: Option<&Raw<'_>>,
        element: &'static str,
    ) -> Option<Option<Account>> {
        match (iban, other) {
            (Some(iban), _) => self.iban(iban).map(|i| Some(Account::Iban(i))),
            (None, Some(other)) => self.text(other, element).map(|id| Some(Account::Other(id))),
            (None, None) => Some(None),
        }
    }

    fn count(&mut self, raw: &Raw<'_>, element: &'static str) -> Option<u64> {
        let value = raw.value.trim();
        let valid =
            !value.is_empty() && value.len() <= 15 && value.bytes().all(|b| b.is_ascii_digit());
        match value.parse::<u64>() {
            Ok(n) if valid => Some(n),
            _ => {
                self.report(
                    raw.line,
                    Reason::InvalidCount {
                        element,
                        value: raw.value.clone().into_owned(),
                    },
                );
                None
            }
        }
    }

    /// Compares the declared NbOfTxs and CtrlSum with what was counted.
    fn totals(
        &mut self,
        scope: Scope,
        nb_of_txs: Option<&Raw<'_>>,
        ctrl_sum: Option<&Raw<'_>>,
        counted: u64,
        sum: Option<AmountSum>,
    ) -> Option<ControlSum> {
        if let Some(raw) = nb_of_txs {
            let element = match scope {
                Scope::File => "GrpHdr/NbOfTxs",
                Scope::PaymentInformation => "PmtInf/NbOfTxs",
            };
            if let Some(declared) = self.count(raw, element) {
                if declared != counted {
                    self.report(
                        raw.line,
                        Reason::NbOfTxsMismatch {
                            scope,
                            declared,
                            actual: counted,
                        },
                    );
                }
            }
        }
        let raw = ctrl_sum?;
        let element = match scope {
            Scope::File => "GrpHdr/CtrlSum",
            Scope::PaymentInformation => "PmtInf/CtrlSum",
        };
        let declared = ControlSum::parse(raw.value.trim())
            .map_err(|error| self.report(raw.line, Reason::InvalidControlSum { element, error }))
            .ok()?;
        // With an invalid amount the sum means nothing; that amount is reported instead.
        if let Some(actual) = sum.and_then(AmountSum::finish) {
            if actual != declared {
                self.report(
                    raw.line,
                    Reason::CtrlSumMismatch {
                        scope,
                        declared: raw.value.trim().to_owned(),
                        actual: actual.to_string(),
                    },
                );
            }
        }
        Some(declared)
    }
}

impl Pain001Reader<'_> {
    fn finish_transaction(&mut self) {
        let (true, Some(p)) = (self.in_transaction, self.payment_info.as_mut()) else {
            return;
        };
        self.in_transaction = false;
        let t = &self.transaction;
        self.count += 1;
        p.count += 1;
        let before = self.problems.len();
        let mut c = Checker {
            context: Context {
                payment_information: value_of(&p.pmt_inf_id),
                transaction: value_of(&t.end_to_end_id),
            },
            problems: &mut self.problems,
            line: t.line,
        };
        let end_to_end_id = c.required_text(t.end_to_end_id.as_ref(), "PmtId/EndToEndId");
        let instr_id = c.optional_text(t.instr_id.as_ref(), "PmtId/InstrId");
        let amount = if t.equivalent_amount {
            c.report(t.line, Reason::EquivalentAmount);
            None
        } else {
            c.required(t.amount.as_ref(), "Amt/InstdAmt", |c, raw| {
                amount(c, raw, t.amount_currency.as_deref())
            })
        };
        match amount {
            Some(amount) => {
                self.sum.add(amount);
                p.sum.add(amount);
            }
            None => {
                self.all_amounts_valid = false;
                p.all_amounts_valid = false;
            }
        }
        let creditor_name = match (t.creditor_name.as_ref(), t.creditor) {
            // The Swiss variant's <Cdtr>, when present, must have a name; elsewhere both are
            // optional.
            (None, Some(line)) if self.version == Some(Pain001Version::V03Ch02) => {
                c.report(line, Reason::Missing("Cdtr/Nm"));
                Err(())
            }
            (name, _) => c.optional_text(name, "Cdtr/Nm"),
        };
        let creditor_account = c.account(
            t.creditor_iban.as_ref(),
            t.creditor_other_id.as_ref(),
            "CdtrAcct/Id/Othr/Id",
        );
        let creditor_bic = c.bic(t.creditor_bic.as_ref());
        let remittance_unstructured: Vec<Max140Text> = t
            .remittance_unstructured
            .iter()
            .filter_map(|raw| c.text(raw, "RmtInf/Ustrd"))
            .collect();
        let creditor_reference = c.optional_text(t.creditor_reference.as_ref(), "CdtrRefInf/Ref");
        let referred_documents: Vec<Max35Text> = t
            .referred_documents
            .iter()
            .filter_map(|raw| c.text(raw, "RfrdDocInf/Nb"))
            .collect();
        if self.problems.len() != before {
            return;
        }
        if let (
            Some(end_to_end_id),
            Ok(instr_id),
            Some(amount),
            Ok(creditor_name),
            Some(creditor_account),
            Ok(creditor_bic),
            Ok(creditor_reference),
        ) = (
            end_to_end_id,
            instr_id,
            amount,
            creditor_name,
            creditor_account,
            creditor_bic,
            creditor_reference,
        ) {
            p.transactions.push(Transaction {
                instr_id,
                end_to_end_id,
                amount,
                creditor_name,
                creditor_account,
                creditor_bic,
                remittance_unstructured,
                creditor_reference,
                referred_documents,
                line: t.line,
            });
        }
    }

    fn finish_payment_info(&mut self) {
        let Some(p) = self.payment_info.take() else {
            return;
        };
        let mut c = Checker {
            context: Context {
                payment_information: value_of(&p.pmt_inf_id),
                transaction: None,
            },
            problems: &mut self.problems,
            line: p.line,
        };
        let pmt_inf_id = c.required_text(p.pmt_inf_id.as_ref(), "PmtInfId");
        if p.pmt_mtd.is_none() {
            c.report(p.line, Reason::Missing("PmtMtd"));
        }
        let date_element = if self.version == Some(Pain001Version::V09) {
            "ReqdExctnDt/Dt"
        } else {
            "ReqdExctnDt"
        };
        let requested_execution_date =
            c.required(p.execution_date.as_ref(), date_element, |c, raw| {
                Date::parse(raw.value.trim())
                    .map_err(|error| {
                        c.report(
                            raw.line,
                            Reason::InvalidDate {
                                element: date_element,
                                error,
                            },
                        )
                    })
                    .ok()
            });
        let debtor_name = c.required_text(p.debtor_name.as_ref(), "Dbtr/Nm");
        let debtor_account = match (&p.debtor_iban, &p.debtor_other_id) {
            (None, None) => {
                c.report(p.line, Reason::Missing("DbtrAcct/Id/IBAN"));
                None
            }
            (iban, other) => c
                .account(iban.as_ref(), other.as_ref(), "DbtrAcct/Id/Othr/Id")
                .flatten(),
        };
        let debtor_bic = c.bic(p.debtor_bic.as_ref());
        if p.count == 0 {
            c.report(p.line, Reason::NoTransactions);
        }
        let sum = p.all_amounts_valid.then_some(p.sum);
        c.totals(
            Scope::PaymentInformation,
            p.nb_of_txs.as_ref(),
            p.ctrl_sum.as_ref(),
            p.count,
            sum,
        );
        if self.problems.len() != p.problems_before {
            return;
        }
        if let (
            Some(pmt_inf_id),
            Some(requested_execution_date),
            Some(debtor_name),
            Some(debtor_account),
            Ok(debtor_bic),
        ) = (
            pmt_inf_id,
            requested_execution_date,
            debtor_name,
            debtor_account,
            debtor_bic,
        ) {
            self.payment_infos.push(PaymentInfo {
                pmt_inf_id,
                requested_execution_date,
                debtor_name,
                debtor_account,
                debtor_bic,
                transactions: p.transactions,
                line: p.line,
            });
        }
    }

    fn finish(mut self, version: Pain001Version) -> Result<PaymentFile, ReadError> {
        let group = std::mem::take(&mut self.group);
        let line = if group.line == 0 { 1 } else { group.line };
        let mut c = Checker {
            context: Context::default(),
            problems: &mut self.problems,
            line,
        };
        if !self.seen_initiation {
            c.report(line, Reason::Missing("CstmrCdtTrfInitn"));
            return Err(self.into_error());
        }
        let msg_id = c.required_text(group.msg_id.as_ref(), "GrpHdr/MsgId");
        let creation_date_time =
            c.required(group.cre_dt_tm.as_ref(), "GrpHdr/CreDtTm", |c, raw| {
                IsoDateTime::parse(raw.value.trim())
                    .map_err(|error| {
                        c.report(
                            raw.line,
                            Reason::InvalidDateTime {
                                element: "GrpHdr/CreDtTm",
                                error,
                            },
                        )
                    })
                    .ok()
            });
        if group.nb_of_txs.is_none() {
            c.report(line, Reason::Missing("GrpHdr/NbOfTxs"));
        }
        let initiating_party_name =
            c.optional_text(group.initiating_party_name.as_ref(), "InitgPty/Nm");
        if self.payment_infos.is_empty() && self.count == 0 {
            c.report(line, Reason::NoPaymentInformation);
        }
        let sum = self.all_amounts_valid.then_some(self.sum);
        let ctrl_sum = c.totals(
            Scope::File,
            group.nb_of_txs.as_ref(),
            group.ctrl_sum.as_ref(),
            self.count,
            sum,
        );
        if !self.problems.is_empty() {
            return Err(self.into_error());
        }
        match (msg_id, creation_date_time, initiating_party_name) {
            (Some(msg_id), Some(creation_date_time), Ok(initiating_party_name)) => {
                Ok(PaymentFile {
                    version,
                    msg_id,
                    creation_date_time,
                    nb_of_txs: self.count,
                    ctrl_sum,
                    initiating_party_name,
                    payment_infos: self.payment_infos,
                })
            }
            // Every `None` above was reported, so this is unreachable; refuse rather than panic.
            _ => Err(ReadError::single(Problem::at(
                line,
                Reason::Missing("GrpHdr"),
            ))),
        }
    }

    fn into_error(mut self) -> ReadError {
        self.problems.sort_by_key(|p| p.line);
        ReadError {
            problems: self.problems,
        }
    }
}

/// Parses `<InstdAmt Ccy="EUR">12.34</InstdAmt>`.
fn amount(c: &mut Checker<'_>, raw: &Raw<'_>, currency: Option<&str>) -> Option<Money> {
    let Some(code) = currency else {
        c.report(
            raw.line,
            Reason::MissingAttribute {
                element: "InstdAmt",
                attribute: "Ccy",
            },
        );
        return None;
    };
    let value = raw.value.trim();
    let currency = Currency::parse(code)
        .map_err(|e| {
            c.report(
                raw.line,
                Reason::InvalidCurrency(format!("{value} {code}"), e),
            )
        })
        .ok()?;
    let money = Money::parse_decimal(value, currency)
        .map_err(|e| c.report(raw.line, Reason::InvalidAmount(e)))
        .ok()?;
    if !money.is_positive() {
        c.report(raw.line, Reason::NotPositive(money.to_string()));
        return None;
    }
    Some(money)
}
