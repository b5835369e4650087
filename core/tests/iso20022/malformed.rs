//! Broken and hostile files: each refused quickly with a message that says what is wrong.

use std::time::{Duration, Instant};

use ap_core::iso20022::{read_pain001, ReadError, Reason, MAX_DEPTH, MAX_FILE_BYTES, MAX_PAYMENTS};

use crate::support::{generated_pain001, sample};

const SEPA_KING: &str = "sepa_king_pain.001.001.03_EUR_2tx.xml";

fn valid() -> String {
    String::from_utf8(sample(SEPA_KING)).unwrap()
}

fn refused(xml: &str) -> ReadError {
    match read_pain001(xml.as_bytes()) {
        Ok(file) => panic!("accepted: {file:?}"),
        Err(e) => e,
    }
}

fn only_reason(error: &ReadError) -> &Reason {
    assert_eq!(error.problems.len(), 1, "{error}");
    &error.problems[0].reason
}

#[test]
fn a_truncated_file_is_refused_as_truncated() {
    let xml = valid();
    let cut = &xml[..xml.find("<Cdtr>").unwrap()];
    let error = refused(cut);
    assert!(
        matches!(only_reason(&error), Reason::Truncated(open) if open == "CdtTrfTxInf"),
        "{error}"
    );
    assert!(error.to_string().contains("it looks truncated"), "{error}");

    let inside_a_tag = &xml[..xml.find("<Cdtr>").unwrap() + 3];
    let error = refused(inside_a_tag);
    assert!(
        matches!(only_reason(&error), Reason::Truncated(_)),
        "{error}"
    );
}

#[test]
fn a_file_in_an_unsupported_namespace_is_refused_naming_the_supported_ones() {
    let xml = valid().replace("pain.001.001.03", "pain.001.001.02");
    let error = refused(&xml);
    assert_eq!(
        error.to_string(),
        "line 3: the document's namespace is urn:iso:std:iso:20022:tech:xsd:pain.001.001.02; \
         supported namespaces are urn:iso:std:iso:20022:tech:xsd:pain.001.001.03, \
         urn:iso:std:iso:20022:tech:xsd:pain.001.001.09, \
         http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd"
    );
    let without = valid().replace(
        r#"xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" "#,
        "",
    );
    assert!(refused(&without)
        .to_string()
        .contains("namespace is (no namespace)"));
}

#[test]
fn a_status_report_is_not_read_as_a_payment_file() {
    let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrPmtStsRpt/></Document>"#;
    assert!(refused(xml)
        .to_string()
        .contains("a pain.001 message must contain <CstmrCdtTrfInitn>"));
}

#[test]
fn a_transaction_without_an_amount_is_refused_naming_it() {
    let xml = valid().replacen(
        r#"<Amt>
          <InstdAmt Ccy="EUR">112.72</InstdAmt>
        </Amt>"#,
        "",
        1,
    );
    let error = refused(&xml);
    assert_eq!(
        error.problems[0].to_string(),
        "payment information \"Payment-Information-ID-4711\", transaction \"OriginatorID1235\" \
         (line 63): the required element <Amt/InstdAmt> is missing"
    );
}

#[test]
fn an_amount_with_more_decimals_than_its_currency_allows_is_refused_with_its_line() {
    let xml = valid().replace(">6543.14<", ">6543.141<");
    let error = refused(&xml);
    assert_eq!(
        error.problems[0].to_string(),
        "payment information \"Payment-Information-ID-4711\", transaction \"OriginatorID1234\" \
         (line 44): amount 6543.141 EUR has more decimals than EUR allows (2)"
    );
}

#[test]
fn zero_negative_and_currencyless_amounts_are_refused() {
    let zero = refused(&valid().replace(">112.72<", ">0.00<"));
    assert!(zero
        .reasons()
        .any(|r| *r == Reason::NotPositive("0.00 EUR".into())));
    let negative = refused(&valid().replace(">112.72<", ">-112.72<"));
    assert!(negative.to_string().contains("has a sign"), "{negative}");
    let no_currency = refused(&valid().replace(r#"Ccy="EUR">112.72"#, ">112.72"));
    assert!(no_currency
        .to_string()
        .contains("the required attribute Ccy of <InstdAmt> is missing"));
    let unknown = refused(&valid().replace(r#"Ccy="EUR">112.72"#, r#"Ccy="EUX">112.72"#));
    assert!(unknown
        .to_string()
        .contains("\"EUX\" is not an active ISO 4217 currency"));
}

#[test]
fn a_date_that_is_not_in_the_calendar_is_refused() {
    let error = refused(&valid().replace("2010-11-25", "2010-02-30"));
    assert!(
        matches!(only_reason(&error), Reason::InvalidDate { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("(line 24)"), "{error}");
}

#[test]
fn a_wrong_control_sum_is_refused_with_both_values() {
    let error = refused(&valid().replace("6655.86", "6655.87"));
    assert_eq!(
        error.to_string(),
        "payment information \"Payment-Information-ID-4711\" (line 18): CtrlSum says 6655.87 \
         but the amounts in the payment information add up to 6655.86"
    );
}

#[test]
fn a_broken_iban_is_refused() {
    let error = refused(&valid().replace("DE21500500009876543210", "DE21500500009876543211"));
    assert!(matches!(only_reason(&error), Reason::InvalidIban(_)));
}

#[test]
fn all_problems_of_a_file_are_reported_in_line_order() {
    let xml = valid()
        .replace(">6543.14<", ">6543.141<")
        .replace("DE21500500001234567897", "DE00")
        .replace(
            "<NbOfTxs>2</NbOfTxs>\n    <InitgPty>",
            "<NbOfTxs>3</NbOfTxs>",
        );
    let error = refused(&xml);
    let lines: Vec<u32> = error.problems.iter().map(|p| p.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(error.problems.len() >= 2, "{error}");
}

#[test]
fn a_billion_laughs_dtd_is_refused_without_expanding_anything() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn><GrpHdr><MsgId>&lol9;</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>"#;
    let started = Instant::now();
    let error = refused(xml);
    assert_eq!(only_reason(&error), &Reason::DocumentTypeDeclaration);
    assert_eq!(
        error.to_string(),
        "line 2: the file contains a document type declaration (<!DOCTYPE>); DTDs and entity \
         declarations are refused"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn an_external_entity_dtd_is_refused() {
    let xml = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">&x;</Document>"#;
    assert_eq!(only_reason(&refused(xml)), &Reason::DocumentTypeDeclaration);
}

#[test]
fn an_undeclared_entity_reference_is_refused() {
    let xml = valid().replace("Creditor Name", "Creditor &nbsp; Name");
    let error = refused(&xml);
    assert_eq!(only_reason(&error), &Reason::UnknownEntity("nbsp".into()));
    assert!(error.to_string().starts_with("line 52: "), "{error}");
}

#[test]
fn predefined_entities_and_character_references_are_resolved() {
    let xml = valid().replace(
        "Creditor Name",
        "A&amp;B &lt;&#x263A;&#65;&gt; &quot;x&apos;",
    );
    let file = read_pain001(xml.as_bytes()).unwrap();
    assert_eq!(
        file.payment_infos[0].transactions[0].creditor_label(),
        "A&B <☺A> \"x'"
    );
    let bad = valid().replace("Creditor Name", "A&#0;B");
    assert!(matches!(
        only_reason(&refused(&bad)),
        Reason::InvalidCharacterReference(_)
    ));
}

#[test]
fn ten_thousand_nested_elements_are_refused_quickly() {
    let depth = 10_000;
    let mut xml =
        String::from(r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">"#);
    xml.push_str(&"<CstmrCdtTrfInitn>".repeat(depth));
    xml.push_str(&"</CstmrCdtTrfInitn>".repeat(depth));
    xml.push_str("</Document>");
    let started = Instant::now();
    let error = refused(&xml);
    assert_eq!(only_reason(&error), &Reason::TooDeep(MAX_DEPTH));
    assert_eq!(
        error.to_string(),
        "line 1: elements are nested more than 64 levels deep"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let huge = vec![b' '; 30 * 1024 * 1024];
    let started = Instant::now();
    let error = read_pain001(&huge).unwrap_err();
    assert_eq!(
        only_reason(&error),
        &Reason::TooLarge {
            size: 30 * 1024 * 1024,
            limit: MAX_FILE_BYTES
        }
    );
    assert_eq!(
        error.to_string(),
        "line 1: the file is 31457280 bytes; files larger than 26214400 bytes (25 MiB) are refused"
    );
    assert!(started.elapsed() < Duration::from_millis(100));
}

#[test]
fn ten_thousand_payments_are_read_fast() {
    let xml = generated_pain001(MAX_PAYMENTS);
    let started = Instant::now();
    let file = read_pain001(xml.as_bytes()).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(file.nb_of_txs, 10_000);
    assert_eq!(file.transactions().count(), 10_000);
    assert_eq!(file.payment_infos.len(), 20);
    let (_, last) = file.transactions().last().unwrap();
    assert_eq!(last.instr_id.as_ref().unwrap().as_str(), "AP1-00009999");
    assert_eq!(last.creditor_label(), "Leverandør nr. 9999");
    assert_eq!(last.amount.minor(), 10_000);
    // Generous for a debug build on a busy machine; a release build takes a few milliseconds.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[test]
fn more_than_ten_thousand_payments_are_refused() {
    let xml = generated_pain001(MAX_PAYMENTS + 1);
    let error = refused(&xml);
    assert_eq!(only_reason(&error), &Reason::TooManyPayments(MAX_PAYMENTS));
    assert!(error.to_string().contains("more than 10000 payments"));
}

#[test]
fn text_that_is_not_utf8_is_refused() {
    let mut bytes = valid().into_bytes();
    let at = bytes.windows(8).position(|w| w == b"Creditor").unwrap();
    bytes[at] = 0xE6; // "æ" in ISO-8859-1
    let error = read_pain001(&bytes).unwrap_err();
    assert_eq!(only_reason(&error), &Reason::NotUtf8);
    assert_eq!(error.problems[0].line, 52);
    let declared = valid().replace(r#"encoding="UTF-8""#, r#"encoding="ISO-8859-1""#);
    assert_eq!(
        only_reason(&refused(&declared)),
        &Reason::UnsupportedEncoding("ISO-8859-1".into())
    );
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(valid().into_bytes());
    assert!(read_pain001(&bytes).is_ok());
}

#[test]
fn empty_and_non_xml_input_is_refused() {
    assert_eq!(only_reason(&refused("")), &Reason::NoDocument);
    assert_eq!(only_reason(&refused("  \n ")), &Reason::NoDocument);
    assert!(matches!(
        only_reason(&refused("MsgId;Amount\n1;2")),
        Reason::MalformedXml(_)
    ));
    assert!(matches!(
        only_reason(&refused(r#"{"payments": []}"#)),
        Reason::MalformedXml(_)
    ));
}

#[test]
fn mismatched_tags_and_trailing_elements_are_refused() {
    let mismatched = valid().replace("</Cdtr>", "</Cdtrr>");
    assert!(matches!(
        only_reason(&refused(&mismatched)),
        Reason::MalformedXml(_)
    ));
    let trailing = format!("{}<Document/>", valid());
    assert!(refused(&trailing)
        .to_string()
        .contains("an element after the end of <Document>"));
}

#[test]
fn an_overlong_end_to_end_id_is_refused() {
    let long = "E".repeat(36);
    let error = refused(&valid().replace("OriginatorID1234", &long));
    assert!(
        error
            .to_string()
            .contains("<PmtId/EndToEndId> is 36 characters long; at most 35 are allowed"),
        "{error}"
    );
}

#[test]
fn arbitrary_garbage_never_panics() {
    let xml = valid();
    let bytes = xml.as_bytes();
    for cut in (0..bytes.len()).step_by(7) {
        let _ = read_pain001(&bytes[..cut]);
        let mut flipped = bytes.to_vec();
        flipped[cut] ^= 0x20;
        let _ = read_pain001(&flipped);
    }
}
