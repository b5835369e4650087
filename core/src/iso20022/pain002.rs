//! Reading payment status reports: pain.002.001.03 and pain.002.001.10.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{Problem, ReadError, Reason};
use super::text::{IsoDateTime, Text};
use super::xml::{walk, Content, Handler, StartTag, Tag};
use super::{Max105Text, Max35Text, MAX_PROBLEMS};

/// The pain.002 versions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Pain002Version {
    #[serde(rename = "pain.002.001.03")]
    V03,
    #[serde(rename = "pain.002.001.10")]
    V10,
}

/// The namespace of each version read.
pub const PAIN002_NAMESPACES: [(&str, Pain002Version); 2] = [
    (
        "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03",
        Pain002Version::V03,
    ),
    (
        "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10",
        Pain002Version::V10,
    ),
];

/// A status as reported by the bank (ISO 20022 external code set `ExternalPaymentTransactionStatus1Code`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StatusCode {
    /// ACTC: the file passed the bank's technical validation.
    AcceptedTechnicalValidation,
    /// ACCP: customer profile checks passed.
    AcceptedCustomerProfile,
    /// ACSP: settlement in process.
    AcceptedSettlementInProcess,
    /// ACSC: settlement completed on the debtor's account.
    AcceptedSettlementCompleted,
    /// ACCC: settlement completed on the creditor's account.
    AcceptedCreditSettlementCompleted,
    /// ACWC: accepted with change (e.g. execution date).
    AcceptedWithChange,
    /// ACWP: accepted without posting.
    AcceptedWithoutPosting,
    /// ACFC: funds checked.
    AcceptedFundsChecked,
    /// RCVD: received, not yet checked.
    Received,
    /// PART: some transactions accepted, some rejected.
    PartiallyAccepted,
    /// PDNG: pending further checks.
    Pending,
    /// RJCT: rejected.
    Rejected,
    /// Any other code of 1 to 4 characters, kept as written.
    Other(String),
}

const STATUS_CODES: [(&str, StatusCode); 12] = [
    ("ACTC", StatusCode::AcceptedTechnicalValidation),
    ("ACCP", StatusCode::AcceptedCustomerProfile),
    ("ACSP", StatusCode::AcceptedSettlementInProcess),
    ("ACSC", StatusCode::AcceptedSettlementCompleted),
    ("ACCC", StatusCode::AcceptedCreditSettlementCompleted),
    ("ACWC", StatusCode::AcceptedWithChange),
    ("ACWP", StatusCode::AcceptedWithoutPosting),
    ("ACFC", StatusCode::AcceptedFundsChecked),
    ("RCVD", StatusCode::Received),
    ("PART", StatusCode::PartiallyAccepted),
    ("PDNG", StatusCode::Pending),
    ("RJCT", StatusCode::Rejected),
];

impl StatusCode {
    /// Parses a code of 1 to 4 letters or digits; unknown codes become [`StatusCode::Other`].
    pub fn parse(code: &str) -> Option<StatusCode> {
        if code.is_empty() || code.len() > 4 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        Some(
            STATUS_CODES
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, s)| s.clone())
                .unwrap_or_else(|| StatusCode::Other(code.to_owned())),
        )
    }

    /// The four-letter code, e.g. `"RJCT"`.
    pub fn code(&self) -> &str {
        match self {
            StatusCode::Other(code) => code,
            known => STATUS_CODES
                .iter()
                .find(|(_, s)| s == known)
                .map_or("", |(c, _)| c),
        }
    }

    pub fn is_rejected(&self) -> bool {
        *self == StatusCode::Rejected
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for StatusCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for StatusCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        StatusCode::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("{code:?} is not a status code")))
    }
}

/// Why a status was given: a reason code (e.g. `AC04`, closed account) and free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReason {
    /// `<Rsn><Cd>` or, failing that, `<Rsn><Prtry>`.
    pub code: Option<String>,
    pub additional_info: Vec<Max105Text>,
}

/// A pain.002 status report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    pub version: Pain002Version,
    pub msg_id: Max35Text,
    pub creation_date_time: IsoDateTime,
    /// `MsgId` of the pain.001 reported on.
    pub original_msg_id: Max35Text,
    /// Its message name, e.g. `pain.001.001.03`.
    pub original_msg_name_id: Max35Text,
    pub group_status: Option<StatusCode>,
    pub group_reasons: Vec<StatusReason>,
    pub payment_infos: Vec<PaymentInfoStatus>,
}

impl StatusReport {
    pub fn transactions(&self) -> impl Iterator<Item = (&PaymentInfoStatus, &TransactionStatus)> {
        self.payment_infos
            .iter()
            .flat_map(|p| p.transactions.iter().map(move |t| (p, t)))
    }
}

/// The status of one original payment information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInfoStatus {
    pub original_pmt_inf_id: Max35Text,
    pub status: Option<StatusCode>,
    pub reasons: Vec<StatusReason>,
    pub transactions: Vec<TransactionStatus>,
    pub line: u32,
}

/// The status of one original transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionStatus {
    pub status_id: Option<Max35Text>,
    /// The original `InstrId`: the approval token of a pre-approved payment.
    pub original_instr_id: Option<Max35Text>,
    pub original_end_to_end_id: Option<Max35Text>,
    pub status: Option<StatusCode>,
    pub reasons: Vec<StatusReason>,
    pub line: u32,
}

/// Reads a pain.002.001.03 or .10 status report.
pub fn read_pain002(input: &[u8]) -> Result<StatusReport, ReadError> {
    let namespaces = PAIN002_NAMESPACES.map(|(ns, _)| ns);
    let mut reader = Pain002Reader::default();
    match walk(input, &namespaces, &mut reader) {
        Ok(index) => reader.finish(PAIN002_NAMESPACES[index].1),
        Err(fatal) => {
            reader.problems.push(fatal);
            Err(reader.into_error())
        }
    }
}

#[derive(Default)]
struct ReasonDraft {
    code: Option<String>,
    additional_info: Vec<Max105Text>,
}

#[derive(Default)]
struct TransactionDraft {
    line: u32,
    status_id: Option<Max35Text>,
    original_instr_id: Option<Max35Text>,
    original_end_to_end_id: Option<Max35Text>,
    status: Option<StatusCode>,
    reasons: Vec<StatusReason>,
}

#[derive(Default)]
struct PaymentInfoDraft {
    line: u32,
    original_pmt_inf_id: Option<Max35Text>,
    status: Option<StatusCode>,
    reasons: Vec<StatusReason>,
    transactions: Vec<TransactionStatus>,
}

#[derive(Default)]
struct Pain002Reader {
    line: u32,
    msg_id: Option<Max35Text>,
    creation_date_time: Option<IsoDateTime>,
    original_msg_id: Option<Max35Text>,
    original_msg_name_id: Option<Max35Text>,
    group_status: Option<StatusCode>,
    group_reasons: Vec<StatusReason>,
    payment_infos: Vec<PaymentInfoStatus>,
    payment_info: Option<PaymentInfoDraft>,
    transaction: Option<TransactionDraft>,
    reason: Option<ReasonDraft>,
    seen_report: bool,
    transaction_count: usize,
    problems: Vec<Problem>,
}

impl<'i> Handler<'i> for Pain002Reader {
    fn namespace(&mut self, _index: usize) {}

    fn start(&mut self, path: &[Tag], _tag: &StartTag<'_, 'i>, line: u32) -> Result<(), Problem> {
        use Tag::*;
        match path {
            [Document] => self.line = line,
            [Document, CstmrPmtStsRpt] => self.seen_report = true,
            [Document, other] => {
                return Err(Problem::at(
                    line,
                    Reason::WrongMessage {
                        found: format!("{other:?}"),
                        expected: "CstmrPmtStsRpt",
                        message: "pain.002",
                    },
                ));
            }
            [Document, CstmrPmtStsRpt, OrgnlPmtInfAndSts] => {
                self.payment_info = Some(PaymentInfoDraft {
                    line,
                    ..PaymentInfoDraft::default()
                });
            }
            [Document, CstmrPmtStsRpt, OrgnlPmtInfAndSts, TxInfAndSts] => {
                if self.transaction_count >= super::MAX_PAYMENTS {
                    return Err(Problem::at(
                        line,
                        Reason::TooManyPayments(super::MAX_PAYMENTS),
                    ));
                }
                self.transaction_count += 1;
                self.transaction = Some(TransactionDraft {
                    line,
                    ..TransactionDraft::default()
                });
            }
            [Document, CstmrPmtStsRpt, .., StsRsnInf] => self.reason = Some(ReasonDraft::default()),
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, path: &[Tag], text: &mut Content<'i>, line: u32) -> Result<(), Problem> {
        use Tag::*;
        let [Document, CstmrPmtStsRpt, rest @ ..] = path else {
            return Ok(());
        };
        let text = text.take();
        let text: &str = &text;
        match rest {
            [GrpHdr, MsgId] => self.msg_id = self.text(text, line, "GrpHdr/MsgId"),
            [GrpHdr, CreDtTm] => {
                self.creation_date_time = match IsoDateTime::parse(text.trim()) {
                    Ok(d) => Some(d),
                    Err(error) => {
                        self.report(
                            line,
                            Reason::InvalidDateTime {
                                element: "GrpHdr/CreDtTm",
                                error,
                            },
                        );
                        None
                    }
                }
            }
            [OrgnlGrpInfAndSts, OrgnlMsgId] => {
                self.original_msg_id = self.text(text, line, "OrgnlMsgId")
            }
            [OrgnlGrpInfAndSts, OrgnlMsgNmId] => {
                self.original_msg_name_id = self.text(text, line, "OrgnlMsgNmId")
            }
            [OrgnlGrpInfAndSts, GrpSts] => self.group_status = self.status(text, line, "GrpSts"),
            [OrgnlGrpInfAndSts, StsRsnInf] => {
                let reason = self.take_reason();
                self.group_reasons.extend(reason);
            }
            [OrgnlPmtInfAndSts, OrgnlPmtInfId] => {
                let id = self.text(text, line, "OrgnlPmtInfId");
                if let Some(p) = &mut self.payment_info {
                    p.original_pmt_inf_id = id;
                }
            }
            [OrgnlPmtInfAndSts, PmtInfSts] => {
                let status = self.status(text, line, "PmtInfSts");
                if let Some(p) = &mut self.payment_info {
                    p.status = status;
                }
            }
            [OrgnlPmtInfAndSts, StsRsnInf] => {
                let reason = self.take_reason();
                if let Some(p) = &mut self.payment_info {
                    p.reasons.extend(reason);
                }
            }
            [OrgnlPmtInfAndSts, TxInfAndSts, field] => {
                let value = match field {
                    StsId => Some(self.text(text, line, "StsId")),
                    OrgnlInstrId => Some(self.text(text, line, "OrgnlInstrId")),
                    OrgnlEndToEndId => Some(self.text(text, line, "OrgnlEndToEndId")),
                    _ => None,
                };
                let status = match field {
                    TxSts => self.status(text, line, "TxSts"),
                    _ => None,
                };
                let reason = match field {
                    StsRsnInf => self.take_reason(),
                    _ => None,
                };
                if let Some(t) = &mut self.transaction {
                    match field {
                        StsId => t.status_id = value.flatten(),
                        OrgnlInstrId => t.original_instr_id = value.flatten(),
                        OrgnlEndToEndId => t.original_end_to_end_id = value.flatten(),
                        TxSts => t.status = status,
                        StsRsnInf => t.reasons.extend(reason),
                        _ => {}
                    }
                }
            }
            [OrgnlPmtInfAndSts, TxInfAndSts] => {
                if let (Some(t), Some(p)) = (self.transaction.take(), &mut self.payment_info) {
                    p.transactions.push(TransactionStatus {
                        status_id: t.status_id,
                        original_instr_id: t.original_instr_id,
                        original_end_to_end_id: t.original_end_to_end_id,
                        status: t.status,
                        reasons: t.reasons,
                        line: t.line,
                    });
                }
            }
            [OrgnlPmtInfAndSts] => {
                if let Some(p) = self.payment_info.take() {
                    match p.original_pmt_inf_id {
                        Some(original_pmt_inf_id) => self.payment_infos.push(PaymentInfoStatus {
                            original_pmt_inf_id,
                            status: p.status,
                            reasons: p.reasons,
                            transactions: p.transactions,
                            line: p.line,
                        }),
                        None => self.report(p.line, Reason::Missing("OrgnlPmtInfId")),
                    }
                }
            }
            [.., StsRsnInf, Rsn, Cd | Prtry] => {
                let code = text.trim().to_owned();
                if let Some(r) = &mut self.reason {
                    if r.code.is_none() || path.last() == Some(&Cd) {
                        r.code = Some(code);
                    }
                }
            }
            [.., StsRsnInf, AddtlInf] => {
                if let Some(info) = self.text::<105>(text, line, "StsRsnInf/AddtlInf") {
                    if let Some(r) = &mut self.reason {
                        r.additional_info.push(info);
                    }
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

impl Pain002Reader {
    fn report(&mut self, line: u32, reason: Reason) {
        let mut problem = Problem::at(line, reason);
        if let Some(p) = &self.payment_info {
            problem.payment_information = p.original_pmt_inf_id.as_ref().map(|id| id.to_string());
        }
        if let Some(t) = &self.transaction {
            problem.transaction = t.original_end_to_end_id.as_ref().map(|id| id.to_string());
        }
        self.problems.push(problem);
    }

    fn text<const MAX: usize>(
        &mut self,
        text: &str,
        line: u32,
        element: &'static str,
    ) -> Option<Text<MAX>> {
        Text::parse(text)
            .map_err(|error| self.report(line, Reason::InvalidText { element, error }))
            .ok()
    }

    fn status(&mut self, text: &str, line: u32, element: &'static str) -> Option<StatusCode> {
        let status = StatusCode::parse(text.trim());
        if status.is_none() {
            self.report(
                line,
                Reason::InvalidCode {
                    element,
                    value: text.to_owned(),
                    expected: "a status code of 1 to 4 letters, such as ACTC or RJCT",
                },
            );
        }
        status
    }

    fn take_reason(&mut self) -> Option<StatusReason> {
        self.reason.take().map(|r| StatusReason {
            code: r.code,
            additional_info: r.additional_info,
        })
    }

    fn finish(mut self, version: Pain002Version) -> Result<StatusReport, ReadError> {
        let line = self.line.max(1);
        if !self.seen_report {
            self.report(line, Reason::Missing("CstmrPmtStsRpt"));
        }
        for (missing, element) in [
            (self.msg_id.is_none(), "GrpHdr/MsgId"),
            (self.creation_date_time.is_none(), "GrpHdr/CreDtTm"),
            (
                self.original_msg_id.is_none(),
                "OrgnlGrpInfAndSts/OrgnlMsgId",
            ),
            (
                self.original_msg_name_id.is_none(),
                "OrgnlGrpInfAndSts/OrgnlMsgNmId",
            ),
        ] {
            // Values that were present but invalid are already reported.
            if missing
                && !self
                    .problems
                    .iter()
                    .any(|p| reason_element(&p.reason) == Some(element))
            {
                self.report(line, Reason::Missing(element));
            }
        }
        if !self.problems.is_empty() {
            return Err(self.into_error());
        }
        match (
            self.msg_id,
            self.creation_date_time,
            self.original_msg_id,
            self.original_msg_name_id,
        ) {
            (
                Some(msg_id),
                Some(creation_date_time),
                Some(original_msg_id),
                Some(original_msg_name_id),
            ) => Ok(StatusReport {
                version,
                msg_id,
                creation_date_time,
                original_msg_id,
                original_msg_name_id,
                group_status: self.group_status,
                group_reasons: self.group_reasons,
                payment_infos: self.payment_infos,
            }),
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

fn reason_element(reason: &Reason) -> Option<&'static str> {
    match reason {
        Reason::InvalidText { element, .. } | Reason::InvalidDateTime { element, .. } => {
            let short = element.rsplit('/').next().unwrap_or(element);
            Some(match short {
                "MsgId" => "GrpHdr/MsgId",
                "CreDtTm" => "GrpHdr/CreDtTm",
                "OrgnlMsgId" => "OrgnlGrpInfAndSts/OrgnlMsgId",
                "OrgnlMsgNmId" => "OrgnlGrpInfAndSts/OrgnlMsgNmId",
                _ => return None,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_status_codes_parse_to_their_meaning_and_others_are_kept() {
        assert_eq!(StatusCode::parse("RJCT"), Some(StatusCode::Rejected));
        assert_eq!(
            StatusCode::parse("ACSC"),
            Some(StatusCode::AcceptedSettlementCompleted)
        );
        assert_eq!(
            StatusCode::parse("BLCK"),
            Some(StatusCode::Other("BLCK".into()))
        );
        assert_eq!(StatusCode::parse("TOOLONG"), None);
        assert_eq!(StatusCode::parse(""), None);
        for (code, status) in STATUS_CODES {
            assert_eq!(status.code(), code);
        }
        assert_eq!(
            serde_json::to_string(&StatusCode::Pending).unwrap(),
            "\"PDNG\""
        );
    }
}
