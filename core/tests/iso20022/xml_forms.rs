//! The same pain.001 in the other forms XML allows (prefixed names, namespaces declared deeper,
//! CRLF line ends, text in pieces) reads the same, with the same line numbers; elements of other
//! namespaces are skipped whatever their local name.

use ap_core::iso20022::{read_pain001, PaymentFile, Reason};

use crate::support::sample;

const SEPA_KING: &str = "sepa_king_pain.001.001.03_EUR_2tx.xml";
const V03: &str = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

fn sepa_king() -> String {
    String::from_utf8(sample(SEPA_KING)).unwrap()
}

fn read(xml: &str) -> PaymentFile {
    read_pain001(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"))
}

/// Every element name of `xml` with `prefix:` in front, and the default namespace declared as
/// that prefix instead.
fn prefixed(xml: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(xml.len() * 2);
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('/') {
            out.push('/');
            rest = after;
        }
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            out.push_str(prefix);
            out.push(':');
        }
    }
    out.push_str(rest);
    out.replace(
        &format!("xmlns=\"{V03}\""),
        &format!("xmlns:{prefix}=\"{V03}\""),
    )
}

#[test]
fn a_file_with_prefixed_element_names_reads_the_same() {
    let xml = sepa_king();
    let with_prefix = prefixed(&xml, "p");
    assert!(with_prefix.contains("<p:Document xmlns:p="));
    assert!(with_prefix.contains("</p:CdtTrfTxInf>"));
    assert_eq!(read(&with_prefix), read(&xml));

    // The default namespace may also be declared on an inner element.
    let inner = xml
        .replacen(
            &format!(" xmlns=\"{V03}\""),
            &format!(" xmlns:d=\"{V03}\""),
            1,
        )
        .replacen("<Document", "<d:Document", 1)
        .replacen("</Document>", "</d:Document>", 1)
        .replacen(
            "<CstmrCdtTrfInitn>",
            &format!("<CstmrCdtTrfInitn xmlns=\"{V03}\">"),
            1,
        );
    assert_eq!(read(&inner), read(&xml));
}

#[test]
fn elements_of_another_namespace_are_skipped_even_with_a_known_local_name() {
    let xml = sepa_king();
    // A creditor in another namespace is not this message's creditor; the elements after it are
    // in the document's namespace again.
    let foreign = xml.replacen(
        "<Cdtr>\n          <Nm>Creditor Name</Nm>\n        </Cdtr>",
        "<Cdtr xmlns=\"urn:example:other\">\n          <Nm>Not the creditor</Nm>\n        </Cdtr>",
        1,
    );
    let file = read(&foreign);
    let first = file.transactions().next().unwrap().1;
    assert_eq!(first.creditor_name, None);
    assert_eq!(
        first.creditor_iban().unwrap().as_str(),
        "DE21500500009876543210"
    );

    // A prefixed foreign element inside a transaction changes nothing.
    let extra = xml.replacen(
        "<RmtInf>",
        "<x:Nm xmlns:x=\"urn:example:other\"><x:IBAN>not read</x:IBAN></x:Nm><o:Cdtr xmlns:o=\"urn:example:o\"/><RmtInf>",
        1,
    );
    assert_eq!(read(&extra), read(&xml));

    // An unbound prefix is no namespace of this message either.
    let unbound = xml.replacen("<RmtInf>", "<q:Ustrd>not read</q:Ustrd><RmtInf>", 1);
    assert_eq!(read(&unbound), read(&xml));
}

#[test]
fn crlf_line_ends_read_the_same_and_are_normalized_inside_values() {
    let xml = sepa_king();
    let crlf = xml.replace('\n', "\r\n");
    assert_eq!(read(&crlf), read(&xml));

    let multi_line = crlf.replacen(
        "<Ustrd>Unstructured Remittance Information</Ustrd>",
        "<Ustrd>line one\r\nline two\rline three</Ustrd>",
        1,
    );
    let file = read(&multi_line);
    let first = file.transactions().next().unwrap().1;
    assert_eq!(
        first.remittance_unstructured[0].as_str(),
        "line one\nline two\nline three"
    );
    // Lines after it are still counted right (by their line feeds).
    let second = file.transactions().nth(1).unwrap().1;
    assert_eq!(
        second.line,
        read(&xml).transactions().nth(1).unwrap().1.line + 1
    );
}

#[test]
fn text_in_pieces_is_put_together() {
    let xml = sepa_king().replacen(
        "<Nm>Creditor Name</Nm>",
        "<Nm>Cre<!-- a comment -->ditor &amp; <![CDATA[Co <Ltd>]]>&#x21;<?pi x?></Nm>",
        1,
    );
    let file = read(&xml);
    assert_eq!(
        file.transactions().next().unwrap().1.creditor_label(),
        "Creditor & Co <Ltd>!"
    );
}

#[test]
fn errors_in_a_prefixed_or_crlf_file_name_the_same_element_and_line() {
    let xml = sepa_king().replacen("DE21500500009876543210", "DE21500500009876543211", 1);
    let plain = read_pain001(xml.as_bytes()).unwrap_err();
    for variant in [prefixed(&xml, "ns1"), xml.replace('\n', "\r\n")] {
        assert_eq!(read_pain001(variant.as_bytes()).unwrap_err(), plain);
    }

    let cut = prefixed(&sepa_king(), "p");
    let cut = &cut[..cut.find("<p:Cdtr>").unwrap()];
    let error = read_pain001(cut.as_bytes()).unwrap_err();
    assert!(
        matches!(&error.problems[0].reason, Reason::Truncated(open) if open == "CdtTrfTxInf"),
        "{error}"
    );
}

#[test]
fn invalid_namespace_declarations_are_refused() {
    for declaration in [
        "xmlns:xml=\"urn:example:not-xml\"",
        "xmlns:xmlns=\"urn:example:x\"",
        "xmlns:p=\"http://www.w3.org/XML/1998/namespace\"",
    ] {
        let xml = sepa_king().replacen("<RmtInf>", &format!("<RmtInf {declaration}>"), 1);
        let error = read_pain001(xml.as_bytes()).unwrap_err();
        assert!(
            matches!(&error.problems[0].reason, Reason::MalformedXml(_)),
            "{declaration}: {error}"
        );
        // On the line of the element that declares it (it used to say line 1).
        let line = xml[..xml.find("<RmtInf ").unwrap()].lines().count() as u32;
        assert_eq!(error.problems[0].line, line, "{error}");
    }
    let many: String = (0..200)
        .map(|i| format!(" xmlns:n{i}=\"urn:example:{i}\""))
        .collect();
    let xml = sepa_king().replacen("<RmtInf>", &format!("<RmtInf{many}>"), 1);
    let error = read_pain001(xml.as_bytes()).unwrap_err();
    assert!(
        matches!(&error.problems[0].reason, Reason::MalformedXml(m) if m.contains("128")),
        "{error}"
    );
}
