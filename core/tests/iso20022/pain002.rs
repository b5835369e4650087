//! Status reports: hand-made pain.002 files, checked against their schemas.

use ap_core::iso20022::{read_pain002, Pain002Version, Reason, StatusCode};

use crate::support::{fixture, validate_with_xmllint};

#[test]
fn a_pain_002_001_10_report_gives_the_status_of_each_payment() {
    let bytes = fixture("pain002_v10_partially_accepted.xml");
    validate_with_xmllint(
        std::str::from_utf8(&bytes).unwrap(),
        "pain.002.001.10.xsd",
        "pain002_v10_partially_accepted.xml",
    );
    let report = read_pain002(&bytes).unwrap();
    assert_eq!(report.version, Pain002Version::V10);
    assert_eq!(report.msg_id.as_str(), "STS-20240301-0042");
    assert_eq!(
        report.creation_date_time.as_str(),
        "2024-03-01T09:02:11+01:00"
    );
    assert_eq!(report.original_msg_id.as_str(), "ERP-2024-03-01-0001");
    assert_eq!(report.original_msg_name_id.as_str(), "pain.001.001.09");
    assert_eq!(report.group_status, Some(StatusCode::PartiallyAccepted));
    assert!(report.group_reasons.is_empty());
    assert_eq!(report.payment_infos.len(), 2);
    assert_eq!(
        report.payment_infos[0].status,
        Some(StatusCode::AcceptedCustomerProfile)
    );
    let statuses: Vec<(Option<&str>, Option<&str>, Option<&StatusCode>)> = report
        .transactions()
        .map(|(_, t)| {
            (
                t.original_instr_id.as_ref().map(|i| i.as_str()),
                t.original_end_to_end_id.as_ref().map(|i| i.as_str()),
                t.status.as_ref(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            (
                Some("AP1-7F3A9C2E"),
                Some("E2E-1"),
                Some(&StatusCode::AcceptedSettlementCompleted)
            ),
            (None, Some("E2E-2"), Some(&StatusCode::Pending)),
            (
                Some("AP1-0B44D1E9"),
                Some("E2E-3"),
                Some(&StatusCode::Rejected)
            ),
        ]
    );
    let (payment_info, rejected) = report.transactions().last().unwrap();
    assert_eq!(payment_info.original_pmt_inf_id.as_str(), "PMT-2024-002");
    assert!(rejected.status.as_ref().unwrap().is_rejected());
    assert_eq!(rejected.status_id.as_ref().unwrap().as_str(), "S-3");
    assert_eq!(rejected.reasons.len(), 1);
    assert_eq!(rejected.reasons[0].code.as_deref(), Some("AC04"));
    let info: Vec<&str> = rejected.reasons[0]
        .additional_info
        .iter()
        .map(|i| i.as_str())
        .collect();
    assert_eq!(
        info,
        [
            "Konto avsluttet / account closed",
            "Kontakt mottaker for nytt kontonummer"
        ]
    );
}

#[test]
fn a_pain_002_001_03_rejection_is_read() {
    let bytes = fixture("pain002_v03_rejected.xml");
    validate_with_xmllint(
        std::str::from_utf8(&bytes).unwrap(),
        "pain.002.001.03.DK-variant.xsd",
        "pain002_v03_rejected.xml",
    );
    let report = read_pain002(&bytes).unwrap();
    assert_eq!(report.version, Pain002Version::V03);
    assert_eq!(report.original_msg_id.as_str(), "Message-ID-4711");
    assert_eq!(report.group_status, None);
    let (p, t) = report.transactions().next().unwrap();
    assert_eq!(
        p.original_pmt_inf_id.as_str(),
        "Payment-Information-ID-4711"
    );
    assert_eq!(p.status, None);
    assert_eq!(
        t.original_instr_id.as_ref().unwrap().as_str(),
        "AP1-TOKEN-1"
    );
    assert_eq!(
        t.original_end_to_end_id.as_ref().unwrap().as_str(),
        "OriginatorID1235"
    );
    assert_eq!(t.status, Some(StatusCode::Rejected));
    assert_eq!(t.reasons[0].code.as_deref(), Some("AC01"));
    assert!(t.reasons[0].additional_info.is_empty());
}

#[test]
fn a_group_rejection_with_a_proprietary_reason_is_read() {
    let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
<CstmrPmtStsRpt>
<GrpHdr><MsgId>S1</MsgId><CreDtTm>2024-03-01T09:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>M1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Prtry>DUPL-FILE</Prtry></Rsn><AddtlInf>Duplicate file</AddtlInf></StsRsnInf>
</OrgnlGrpInfAndSts>
</CstmrPmtStsRpt>
</Document>"#;
    let report = read_pain002(xml.as_bytes()).unwrap();
    assert_eq!(report.group_status, Some(StatusCode::Rejected));
    assert_eq!(report.group_reasons[0].code.as_deref(), Some("DUPL-FILE"));
    assert_eq!(
        report.group_reasons[0].additional_info[0].as_str(),
        "Duplicate file"
    );
    assert!(report.payment_infos.is_empty());
}

#[test]
fn a_payment_file_is_not_read_as_a_status_report() {
    let error = read_pain002(&crate::support::sample(
        "sepa_king_pain.001.001.03_EUR_2tx.xml",
    ))
    .unwrap_err();
    assert!(
        matches!(
            error.problems[0].reason,
            Reason::UnsupportedNamespace { .. }
        ),
        "{error}"
    );
    assert!(error
        .to_string()
        .contains("supported namespaces are urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"));
}

#[test]
fn a_report_without_its_original_message_id_is_refused() {
    let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>S1</MsgId><CreDtTm>2024-03-01T09:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>TOOLONG</GrpSts></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>"#;
    let error = read_pain002(xml.as_bytes()).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("<GrpSts> is \"TOOLONG\""), "{text}");
    assert!(
        text.contains("the required element <OrgnlGrpInfAndSts/OrgnlMsgId> is missing"),
        "{text}"
    );
}

#[test]
fn a_status_report_with_a_dtd_is_refused() {
    let xml = r#"<!DOCTYPE x [<!ENTITY a "b">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"/>"#;
    let error = read_pain002(xml.as_bytes()).unwrap_err();
    assert_eq!(error.problems[0].reason, Reason::DocumentTypeDeclaration);
}
