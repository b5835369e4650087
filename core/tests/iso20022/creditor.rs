//! `<Cdtr>` and its `<Nm>` are optional in pain.001.001.03 and .09 (a Swiss ISR/QR payment or a
//! KID names its creditor only through the reference): such payments are read without a name,
//! where the schema allows it, and every other check still applies to them.

use ap_core::iso20022::{
    read_pain001, write_pain001_v03, PaymentFileToWrite, Reason, CREDITOR_IDENTIFIED_BY_REFERENCE,
};

use crate::support::{fixture, sample, validate_with_xmllint};

const SEPA_KING: &str = "sepa_king_pain.001.001.03_EUR_2tx.xml";
const SWISS_NAMESPACE: &str = "http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd";

/// The SEPA King sample (pain.001.001.03) with its first creditor replaced by `creditor`.
fn sepa_king_with_first_creditor(creditor: &str) -> String {
    let xml = String::from_utf8(sample(SEPA_KING)).unwrap();
    let original = "<Cdtr>\n          <Nm>Creditor Name</Nm>\n        </Cdtr>";
    assert!(xml.contains(original));
    xml.replacen(original, creditor, 1)
}

#[test]
fn a_payment_without_a_creditor_is_read_with_no_name_and_shown_as_identified_by_reference() {
    let xml = sepa_king_with_first_creditor("");
    validate_with_xmllint(&xml, "pain.001.001.03.xsd", "no-cdtr-v03.xml");

    let file = read_pain001(xml.as_bytes()).expect("the schema allows a payment without <Cdtr>");
    let transactions: Vec<_> = file.transactions().map(|(_, t)| t).collect();
    assert_eq!(transactions[0].creditor_name, None);
    assert_eq!(
        transactions[0].creditor_label(),
        CREDITOR_IDENTIFIED_BY_REFERENCE
    );
    assert_eq!(
        CREDITOR_IDENTIFIED_BY_REFERENCE,
        "(identified by reference)"
    );
    // The rest of the payment is read as before, and the other payment keeps its name.
    assert_eq!(transactions[0].end_to_end_id.as_str(), "OriginatorID1234");
    assert_eq!(transactions[0].amount.minor(), 654_314);
    assert_eq!(
        transactions[0].creditor_iban().unwrap().as_str(),
        "DE21500500009876543210"
    );
    assert_eq!(
        transactions[1].creditor_name.as_ref().unwrap().as_str(),
        "Other Creditor Name"
    );
    assert_eq!(transactions[1].creditor_label(), "Other Creditor Name");
}

#[test]
fn a_creditor_without_a_name_is_read_with_no_name() {
    let xml = sepa_king_with_first_creditor("<Cdtr><PstlAdr><Ctry>CH</Ctry></PstlAdr></Cdtr>");
    validate_with_xmllint(&xml, "pain.001.001.03.xsd", "cdtr-without-nm-v03.xml");
    let file = read_pain001(xml.as_bytes()).expect("the schema allows <Cdtr> without <Nm>");
    let first = file.transactions().next().unwrap().1;
    assert_eq!(first.creditor_name, None);
    assert_eq!(first.creditor_label(), CREDITOR_IDENTIFIED_BY_REFERENCE);

    let empty = sepa_king_with_first_creditor("<Cdtr/>");
    validate_with_xmllint(&empty, "pain.001.001.03.xsd", "empty-cdtr-v03.xml");
    let file = read_pain001(empty.as_bytes()).unwrap();
    assert_eq!(file.transactions().next().unwrap().1.creditor_name, None);
}

#[test]
fn a_pain_001_001_09_payment_without_a_creditor_or_its_name_is_read() {
    let xml = String::from_utf8(fixture("pain001_v09_nordic.xml")).unwrap();
    let named = "<Cdtr>\n          <Nm>Bjørn Ødegård</Nm>\n        </Cdtr>";
    assert!(xml.contains(named));
    for (creditor, name) in [
        ("", "no-cdtr-v09.xml"),
        (
            "<Cdtr><Id><OrgId><AnyBIC>DNBANOKK</AnyBIC></OrgId></Id></Cdtr>",
            "cdtr-id-v09.xml",
        ),
    ] {
        let without = xml.replacen(named, creditor, 1);
        validate_with_xmllint(&without, "pain.001.001.09.xsd", name);
        let file = read_pain001(without.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let names: Vec<_> = file
            .transactions()
            .map(|(_, t)| t.creditor_label())
            .collect();
        assert_eq!(
            names,
            [
                "Müller & Söhne GmbH",
                "(identified by reference)",
                "Åsa Ström AB"
            ],
            "{name}"
        );
    }
}

#[test]
fn a_swiss_creditor_must_have_its_name_but_may_be_left_out() {
    // In pain.001.001.03.ch.02, <Cdtr> is optional but its <Nm> is required.
    let swiss = |creditor: &str| {
        sepa_king_with_first_creditor(creditor).replace(
            "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03",
            SWISS_NAMESPACE,
        )
    };
    let file = read_pain001(swiss("").as_bytes()).expect("<Cdtr> is optional in ch.02");
    assert_eq!(file.transactions().next().unwrap().1.creditor_name, None);

    let xml = swiss("<Cdtr>\n          <PstlAdr><Ctry>CH</Ctry></PstlAdr>\n        </Cdtr>");
    let error = read_pain001(xml.as_bytes()).unwrap_err();
    assert_eq!(error.problems.len(), 1, "{error}");
    let problem = &error.problems[0];
    assert_eq!(problem.reason, Reason::Missing("Cdtr/Nm"));
    assert_eq!(problem.transaction.as_deref(), Some("OriginatorID1234"));
    let cdtr_line = xml[..xml.find("<Cdtr>").unwrap()].lines().count() as u32;
    assert_eq!(problem.line, cdtr_line, "{error}");
}

#[test]
fn a_payment_without_a_creditor_name_is_still_checked_in_every_other_way() {
    let xml = sepa_king_with_first_creditor("<Cdtr/>")
        .replace("DE21500500009876543210", "DE21500500009876543211")
        .replace("<EndToEndId>OriginatorID1234</EndToEndId>", "");
    let error = read_pain001(xml.as_bytes()).unwrap_err();
    let reasons: Vec<_> = error.reasons().collect();
    assert!(
        matches!(
            reasons[..],
            [Reason::Missing("PmtId/EndToEndId"), Reason::InvalidIban(_)]
        ),
        "{error}"
    );

    // A name that is there must still be a valid text.
    let blank = sepa_king_with_first_creditor("<Cdtr><Nm> </Nm></Cdtr>");
    let error = read_pain001(blank.as_bytes()).unwrap_err();
    assert!(
        matches!(
            error.reasons().collect::<Vec<_>>()[..],
            [Reason::InvalidText {
                element: "Cdtr/Nm",
                ..
            }]
        ),
        "{error}"
    );
}

#[test]
fn the_writer_still_names_every_creditor_and_its_files_read_back_with_the_name() {
    let file = read_pain001(sample(SEPA_KING).as_slice()).unwrap();
    let payment_infos = crate::writer::as_written(&file);
    let xml = write_pain001_v03(&PaymentFileToWrite {
        msg_id: file.msg_id.clone(),
        creation_date_time: file.creation_date_time.clone(),
        initiating_party_name: file.initiating_party_name.clone(),
        payment_infos,
    })
    .unwrap();
    assert_eq!(xml.matches("<Cdtr>").count(), 2);
    let again = read_pain001(xml.as_bytes()).unwrap();
    let names: Vec<_> = again
        .transactions()
        .map(|(_, t)| t.creditor_name.as_ref().map(|n| n.as_str().to_owned()))
        .collect();
    assert_eq!(
        names,
        [
            Some("Creditor Name".to_owned()),
            Some("Other Creditor Name".to_owned())
        ]
    );
}
