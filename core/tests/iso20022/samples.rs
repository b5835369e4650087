//! Every file in the shared samples folder, read and checked value by value.

use ap_core::dates::Date;
use ap_core::iso20022::{
    read_pain001, Account, ControlSum, Pain001Version, PaymentFile, Reason, Scope,
};
use ap_core::money::Currency;

use crate::support::{fixture, sample, shared, validate_with_xmllint};

const MOOV: &str = "moov_gistfile1_pain.001.001.03_multiccy_EUR_USD_JPY.xml";
const ABN_AMRO: &str = "nl-abnamro_voorbeeldbestand_pain.001.001.03.xml";
const PAIN001LIB: &str = "pain001lib_pain.001.001.03_6PmtInf.xml";
const PHP_SEPA: &str = "php-sepa-xml_pain.001.001.09.xml";
const SEPA_KING: &str = "sepa_king_pain.001.001.03_EUR_2tx.xml";

fn read(name: &str) -> PaymentFile {
    read_pain001(&sample(name)).unwrap_or_else(|e| panic!("{name} refused:\n{e}"))
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn every_sample_file_is_covered_by_a_test() {
    let mut names: Vec<String> = std::fs::read_dir(shared("samples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [MOOV, ABN_AMRO, PAIN001LIB, PHP_SEPA, SEPA_KING]);
}

#[test]
fn the_multi_currency_sample_reads_jpy_eur_and_usd_amounts_and_other_account_ids() {
    let file = read(MOOV);
    assert_eq!(file.version, Pain001Version::V03);
    assert_eq!(file.msg_id.as_str(), "ABC/090928/CCT001");
    assert_eq!(file.creation_date_time.as_str(), "2009-09-28T14:07:00");
    assert_eq!(file.nb_of_txs, 3);
    assert_eq!(file.ctrl_sum, Some(ControlSum::parse("11500000").unwrap()));
    assert_eq!(
        file.initiating_party_name.as_ref().unwrap().as_str(),
        "ABC Corporation"
    );
    assert_eq!(file.payment_infos.len(), 1);
    let p = &file.payment_infos[0];
    assert_eq!(p.pmt_inf_id.as_str(), "ABC/086");
    assert_eq!(p.requested_execution_date, date("2009-09-29"));
    assert_eq!(p.debtor_name.as_str(), "ABC Corporation");
    assert_eq!(p.debtor_account.as_str(), "00125574999");
    assert!(p.debtor_account.iban().is_none());
    assert_eq!(p.debtor_bic.as_ref().unwrap().as_str(), "BBBBUS33");

    let amounts: Vec<(i64, Currency)> = p
        .transactions
        .iter()
        .map(|t| (t.amount.minor(), t.amount.currency()))
        .collect();
    assert_eq!(
        amounts,
        [
            (10_000_000, Currency::JPY),
            (50_000_000, Currency::EUR),
            (100_000_000, Currency::USD)
        ]
    );
    let [jpy, eur, usd] = &p.transactions[..] else {
        panic!("three transactions expected");
    };
    assert_eq!(
        jpy.instr_id.as_ref().unwrap().as_str(),
        "ABC/090928/CCT001/01"
    );
    assert_eq!(jpy.end_to_end_id.as_str(), "ABC/4562/2009-09-08");
    assert_eq!(jpy.creditor_label(), "DEF Electronics");
    assert_eq!(
        jpy.creditor_account,
        Some(Account::Other("23683707994125".try_into().unwrap()))
    );
    assert_eq!(jpy.referred_documents[0].as_str(), "4562");
    assert_eq!(eur.creditor_label(), "GHI Semiconductors");
    assert_eq!(eur.creditor_iban().unwrap().as_str(), "BE30001216371411");
    assert_eq!(eur.creditor_bic.as_ref().unwrap().as_str(), "DDDDBEBB");
    assert_eq!(usd.end_to_end_id.as_str(), "ABC/987-AC/2009-09-27");
    assert_eq!(usd.creditor_account.as_ref().unwrap().as_str(), "4895623");
}

#[test]
fn the_abn_amro_sample_reads_one_sepa_payment() {
    let file = read(ABN_AMRO);
    assert_eq!(file.msg_id.as_str(), "000001");
    assert_eq!(file.nb_of_txs, 1);
    assert_eq!(file.ctrl_sum.unwrap().to_string(), "386.00");
    let p = &file.payment_infos[0];
    assert_eq!(p.pmt_inf_id.as_str(), "12345");
    assert_eq!(p.requested_execution_date, date("2013-04-19"));
    assert_eq!(p.debtor_name.as_str(), "Debiteur");
    assert_eq!(p.debtor_account.as_str(), "NL02ABNA0123456789");
    assert_eq!(p.debtor_bic.as_ref().unwrap().as_str(), "ABNANL2A");
    let t = &p.transactions[0];
    assert_eq!(t.instr_id, None);
    assert_eq!(t.end_to_end_id.as_str(), "Onze referentie: 123456");
    assert_eq!(t.amount.minor(), 38600);
    assert_eq!(t.amount.currency(), Currency::EUR);
    assert_eq!(t.creditor_label(), "Crediteur");
    assert_eq!(t.creditor_iban().unwrap().as_str(), "NL44RABO0123456789");
    assert_eq!(t.creditor_bic.as_ref().unwrap().as_str(), "RABONL2U");
    assert_eq!(t.remittance_unstructured[0].as_str(), "Ref. 2012.0386");
    assert_eq!(t.line, 39);
}

#[test]
fn the_sepa_king_sample_reads_two_payments_without_a_group_control_sum() {
    let file = read(SEPA_KING);
    assert_eq!(file.msg_id.as_str(), "Message-ID-4711");
    assert_eq!(file.creation_date_time.as_str(), "2010-11-11T09:30:47.000Z");
    assert_eq!(file.nb_of_txs, 2);
    assert_eq!(file.ctrl_sum, None);
    let p = &file.payment_infos[0];
    assert_eq!(p.pmt_inf_id.as_str(), "Payment-Information-ID-4711");
    assert_eq!(p.requested_execution_date, date("2010-11-25"));
    assert_eq!(p.debtor_name.as_str(), "Debtor Name");
    assert_eq!(p.debtor_account.as_str(), "DE87200500001234567890");
    let summary: Vec<(&str, i64, &str, &str)> = p
        .transactions
        .iter()
        .map(|t| {
            (
                t.end_to_end_id.as_str(),
                t.amount.minor(),
                t.creditor_label(),
                t.creditor_account.as_ref().unwrap().as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "OriginatorID1234",
                654_314,
                "Creditor Name",
                "DE21500500009876543210"
            ),
            (
                "OriginatorID1235",
                11_272,
                "Other Creditor Name",
                "DE21500500001234567897"
            ),
        ]
    );
}

#[test]
fn the_sample_declaring_a_wrong_nb_of_txs_is_refused_with_that_reason() {
    let error = read_pain001(&sample(PAIN001LIB)).unwrap_err();
    let first = &error.problems[0];
    assert_eq!(
        first.reason,
        Reason::NbOfTxsMismatch {
            scope: Scope::File,
            declared: 2,
            actual: 6
        }
    );
    assert_eq!(first.line, 9);
    assert_eq!(
        first.to_string(),
        "line 9: NbOfTxs says 2 but the file contains 6 transactions"
    );
    // Each payment information also declares more transactions than it holds.
    assert!(error.problems.iter().any(|p| {
        p.payment_information.as_deref() == Some("Payment-Info-67890")
            && p.reason
                == Reason::NbOfTxsMismatch {
                    scope: Scope::PaymentInformation,
                    declared: 3,
                    actual: 1,
                }
    }));
    // Its control sums count transactions rather than adding amounts, and two of its
    // debtor IBANs have wrong check digits: all reported at once.
    assert!(error
        .reasons()
        .any(|r| matches!(r, Reason::CtrlSumMismatch { .. })));
    assert!(error.to_string().contains(
        "payment information \"Payment-Info-24680\" (line 215): IBAN \"DE47500105175711000100\" has wrong check digits"
    ));
}

#[test]
fn the_pain_001_001_09_sample_is_refused_for_its_debtor_iban_checksum() {
    let error = read_pain001(&sample(PHP_SEPA)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "payment information \"OurPaymentInfo\" (line 31): IBAN \"BG87200500001234567890\" has wrong check digits; check for a typing error"
    );
}

#[test]
fn the_pain_001_001_09_sample_reads_correctly_once_its_debtor_iban_is_real() {
    let fixed = String::from_utf8(sample(PHP_SEPA))
        .unwrap()
        .replace("BG87200500001234567890", "BG80BNBG96611020345678");
    let file = read_pain001(fixed.as_bytes()).unwrap();
    assert_eq!(file.version, Pain001Version::V09);
    assert_eq!(file.msg_id.as_str(), "OurMessageIdentification");
    assert_eq!(
        file.creation_date_time.as_str(),
        "2025-08-19T08:32:02+00:00"
    );
    assert_eq!(file.nb_of_txs, 1);
    assert_eq!(file.ctrl_sum.unwrap().to_string(), "12.34");
    let p = &file.payment_infos[0];
    assert_eq!(p.pmt_inf_id.as_str(), "OurPaymentInfo");
    assert_eq!(p.requested_execution_date, date("2025-08-19"));
    assert_eq!(p.debtor_name.as_str(), "OurCorp");
    assert_eq!(p.debtor_bic.as_ref().unwrap().as_str(), "BANKBGFFXXX");
    let t = &p.transactions[0];
    assert_eq!(t.end_to_end_id.as_str(), "SomethingUnique");
    assert_eq!(t.amount.minor(), 1234);
    assert_eq!(t.amount.currency(), Currency::EUR);
    assert_eq!(t.creditor_label(), "John Doe");
    assert_eq!(
        t.creditor_iban().unwrap().as_str(),
        "DE87200500001234567890"
    );
    assert_eq!(t.creditor_bic.as_ref().unwrap().as_str(), "BANKDEFFXXX");
    assert_eq!(
        t.creditor_reference.as_ref().unwrap().as_str(),
        "CdtrRefInf-Ref"
    );
}

#[test]
fn a_hand_made_pain_001_001_09_with_non_ascii_names_reads_exactly() {
    let bytes = fixture("pain001_v09_nordic.xml");
    validate_with_xmllint(
        std::str::from_utf8(&bytes).unwrap(),
        "pain.001.001.09.xsd",
        "pain001_v09_nordic.xml",
    );
    let file = read_pain001(&bytes).unwrap();
    assert_eq!(file.version, Pain001Version::V09);
    assert_eq!(file.nb_of_txs, 3);
    assert_eq!(file.ctrl_sum.unwrap().to_string(), "16485.25");
    assert_eq!(
        file.initiating_party_name.as_ref().unwrap().as_str(),
        "Nordisk Ærø Trælast AS"
    );
    let [first, second] = &file.payment_infos[..] else {
        panic!("two payment informations expected");
    };
    assert_eq!(first.requested_execution_date, date("2024-03-01"));
    assert_eq!(second.requested_execution_date, date("2024-02-29"));
    assert_eq!(first.debtor_account.iban().unwrap().country(), "NO");
    assert_eq!(second.debtor_bic.as_ref().unwrap().as_str(), "DNBANOKK");

    let transactions: Vec<_> = file.transactions().map(|(_, t)| t).collect();
    let names: Vec<&str> = transactions.iter().map(|t| t.creditor_label()).collect();
    assert_eq!(
        names,
        ["Müller & Söhne GmbH", "Bjørn Ødegård", "Åsa Ström AB"]
    );
    let amounts: Vec<String> = transactions.iter().map(|t| t.amount.to_string()).collect();
    assert_eq!(amounts, ["1234.50 EUR", "15000.00 NOK", "250.75 SEK"]);
    let tokens: Vec<Option<&str>> = transactions
        .iter()
        .map(|t| t.instr_id.as_ref().map(|i| i.as_str()))
        .collect();
    assert_eq!(tokens, [Some("AP1-7F3A9C2E"), None, Some("AP1-0B44D1E9")]);
    assert_eq!(
        transactions[0].remittance_unstructured[0].as_str(),
        "Rechnung 2024-117 / Façade"
    );
    assert_eq!(
        transactions[1].creditor_account,
        Some(Account::Other("86011117947".try_into().unwrap()))
    );
    assert_eq!(
        transactions[1]
            .creditor_reference
            .as_ref()
            .unwrap()
            .as_str(),
        "RF18539007547034"
    );
}
