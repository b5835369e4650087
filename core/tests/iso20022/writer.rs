//! The pain.001.001.03 writer: schema-valid output that reads back to the same payments.

use ap_core::dates::Date;
use ap_core::iban::{Bic, Iban};
use ap_core::iso20022::{
    read_pain001, write_pain001_v03, Account, IsoDateTime, Pain001Version, PaymentFile,
    PaymentFileToWrite, PaymentInfoToWrite, Text, TransactionToWrite, WriteError,
};
use ap_core::money::{Currency, Money};
use proptest::prelude::*;

use crate::support::validate_with_xmllint;

fn text<const N: usize>(s: &str) -> Text<N> {
    Text::parse(s).unwrap()
}

fn iban(s: &str) -> Account {
    Account::Iban(Iban::parse(s).unwrap())
}

fn transaction(end_to_end_id: &str, amount: Money) -> TransactionToWrite {
    TransactionToWrite {
        instr_id: None,
        end_to_end_id: text(end_to_end_id),
        amount,
        creditor_name: text("Creditor"),
        creditor_account: iban("DE89370400440532013000"),
        creditor_bic: None,
        remittance_unstructured: vec![],
        creditor_reference: None,
        referred_documents: vec![],
    }
}

fn example() -> PaymentFileToWrite {
    PaymentFileToWrite {
        msg_id: text("AP-EXPORT-0001"),
        creation_date_time: IsoDateTime::parse("2024-03-01T08:15:00+01:00").unwrap(),
        initiating_party_name: Some(text("Nordisk Ærø Trælast AS")),
        payment_infos: vec![
            PaymentInfoToWrite {
                pmt_inf_id: text("PRE-APPROVED-1"),
                requested_execution_date: Date::parse("2024-03-04").unwrap(),
                debtor_name: text("Nordisk Ærø Trælast AS"),
                debtor_account: iban("NO9386011117947"),
                debtor_bic: Some(Bic::parse("DNBANOKKXXX").unwrap()),
                transactions: vec![
                    TransactionToWrite {
                        instr_id: Some(text("AP1-7F3A9C2E")),
                        creditor_name: text("Müller & Söhne <GmbH> \"Ost\" 'West'"),
                        creditor_bic: Some(Bic::parse("COBADEFFXXX").unwrap()),
                        remittance_unstructured: vec![text("Rechnung 2024-117\nFaçade")],
                        referred_documents: vec![text("2024-117"), text("2024-118")],
                        ..transaction("E2E-1", Money::from_minor(123_450, Currency::EUR))
                    },
                    TransactionToWrite {
                        instr_id: Some(text("AP1-0B44D1E9")),
                        creditor_account: Account::Other(text("86011117947")),
                        creditor_reference: Some(text("RF18539007547034")),
                        ..transaction("E2E-2", Money::from_minor(15_000, Currency::JPY))
                    },
                ],
            },
            PaymentInfoToWrite {
                pmt_inf_id: text("PRE-APPROVED-2"),
                requested_execution_date: Date::parse("2024-02-29").unwrap(),
                debtor_name: text("Nordisk Ærø Trælast AS"),
                debtor_account: iban("GB82WEST12345698765432"),
                debtor_bic: None,
                transactions: vec![transaction(
                    "E2E-3",
                    Money::from_minor(1_005, Currency::KWD),
                )],
            },
        ],
    }
}

/// What the reader returns, in the writer's terms.
pub(crate) fn as_written(file: &PaymentFile) -> Vec<PaymentInfoToWrite> {
    file.payment_infos
        .iter()
        .map(|p| PaymentInfoToWrite {
            pmt_inf_id: p.pmt_inf_id.clone(),
            requested_execution_date: p.requested_execution_date,
            debtor_name: p.debtor_name.clone(),
            debtor_account: p.debtor_account.clone(),
            debtor_bic: p.debtor_bic.clone(),
            transactions: p
                .transactions
                .iter()
                .map(|t| TransactionToWrite {
                    instr_id: t.instr_id.clone(),
                    end_to_end_id: t.end_to_end_id.clone(),
                    amount: t.amount,
                    creditor_name: t.creditor_name.clone().expect("creditor name written"),
                    creditor_account: t.creditor_account.clone().expect("account written"),
                    creditor_bic: t.creditor_bic.clone(),
                    remittance_unstructured: t.remittance_unstructured.clone(),
                    creditor_reference: t.creditor_reference.clone(),
                    referred_documents: t.referred_documents.clone(),
                })
                .collect(),
        })
        .collect()
}

#[test]
fn a_written_file_validates_against_the_pain_001_001_03_schema() {
    let xml = write_pain001_v03(&example()).unwrap();
    validate_with_xmllint(&xml, "pain.001.001.03.xsd", "written_example.xml");
}

#[test]
fn a_written_file_reads_back_to_the_same_payments() {
    let input = example();
    let xml = write_pain001_v03(&input).unwrap();
    let file = read_pain001(xml.as_bytes()).unwrap();
    assert_eq!(file.version, Pain001Version::V03);
    assert_eq!(file.msg_id, input.msg_id);
    assert_eq!(file.creation_date_time, input.creation_date_time);
    assert_eq!(file.initiating_party_name, input.initiating_party_name);
    assert_eq!(as_written(&file), input.payment_infos);
}

#[test]
fn counts_control_sums_and_amount_decimals_are_computed() {
    let xml = write_pain001_v03(&example()).unwrap();
    assert!(xml.contains("<NbOfTxs>3</NbOfTxs>"), "{xml}");
    // 1234.50 EUR + 15000 JPY + 1.005 KWD, written with the most decimals used.
    assert!(xml.contains("<CtrlSum>16235.505</CtrlSum>"), "{xml}");
    assert!(xml.contains("<CtrlSum>16234.50</CtrlSum>"), "{xml}");
    assert!(xml.contains("<CtrlSum>1.005</CtrlSum>"), "{xml}");
    assert!(xml.contains(r#"<InstdAmt Ccy="EUR">1234.50</InstdAmt>"#));
    assert!(xml.contains(r#"<InstdAmt Ccy="JPY">15000</InstdAmt>"#));
    assert!(xml.contains(r#"<InstdAmt Ccy="KWD">1.005</InstdAmt>"#));
    assert!(xml.contains("<InstrId>AP1-7F3A9C2E</InstrId>"));
}

#[test]
fn text_is_xml_escaped() {
    let xml = write_pain001_v03(&example()).unwrap();
    assert!(
        xml.contains("<Nm>Müller &amp; Söhne &lt;GmbH&gt; &quot;Ost&quot; &apos;West&apos;</Nm>")
    );
    assert!(xml.contains("<Ustrd>Rechnung 2024-117&#10;Façade</Ustrd>"));
}

#[test]
fn files_that_would_not_be_valid_are_not_written() {
    let mut empty = example();
    empty.payment_infos.clear();
    assert_eq!(
        write_pain001_v03(&empty),
        Err(WriteError::NoPaymentInformation)
    );
    let mut no_transactions = example();
    no_transactions.payment_infos[1].transactions.clear();
    assert_eq!(
        write_pain001_v03(&no_transactions),
        Err(WriteError::NoTransactions("PRE-APPROVED-2".into()))
    );
    let mut zero = example();
    zero.payment_infos[1].transactions[0].amount = Money::zero(Currency::EUR);
    assert_eq!(
        write_pain001_v03(&zero).unwrap_err().to_string(),
        "transaction \"E2E-3\": amount 0.00 EUR is not positive"
    );
}

const IBANS: [&str; 6] = [
    "NO9386011117947",
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "NL91ABNA0417164300",
    "SE4550000000058398257466",
    "FR1420041010050500013M02606",
];
const BICS: [&str; 3] = ["DNBANOKKXXX", "COBADEFF", "ABNANL2A"];
const CURRENCIES: [&str; 7] = ["EUR", "NOK", "SEK", "USD", "JPY", "KWD", "CLF"];

/// Text as ERPs write it: letters of several languages, digits, punctuation and XML specials.
fn any_text<const N: usize>() -> impl Strategy<Value = Text<N>> {
    proptest::string::string_regex(&format!(
        "[A-Za-z0-9 æøåÆØÅäöüÄÖÜßéèçñłść&<>\"'/.,:;()+?#%*=_\\-]{{1,{N}}}"
    ))
    .unwrap()
    .prop_filter_map("blank", |s| Text::parse(&s).ok())
}

fn any_account() -> impl Strategy<Value = Account> {
    prop_oneof![
        proptest::sample::select(&IBANS[..]).prop_map(iban),
        "[0-9]{5,20}".prop_map(|s| Account::Other(text(&s))),
    ]
}

fn any_bic() -> impl Strategy<Value = Option<Bic>> {
    proptest::option::of(proptest::sample::select(&BICS[..]).prop_map(|b| Bic::parse(b).unwrap()))
}

fn any_transaction() -> impl Strategy<Value = TransactionToWrite> {
    (
        proptest::option::of(any_text::<35>()),
        any_text::<35>(),
        (
            proptest::sample::select(&CURRENCIES[..]),
            1i64..=99_999_999_999,
        ),
        any_text::<140>(),
        any_account(),
        any_bic(),
        proptest::collection::vec(any_text::<140>(), 0..2),
        proptest::option::of(any_text::<35>()),
        proptest::collection::vec(any_text::<35>(), 0..3),
    )
        .prop_map(
            |(
                instr_id,
                end_to_end_id,
                (code, minor),
                creditor_name,
                account,
                bic,
                ustrd,
                reference,
                documents,
            )| {
                TransactionToWrite {
                    instr_id,
                    end_to_end_id,
                    amount: Money::from_minor(minor, Currency::parse(code).unwrap()),
                    creditor_name,
                    creditor_account: account,
                    creditor_bic: bic,
                    remittance_unstructured: ustrd,
                    creditor_reference: reference,
                    referred_documents: documents,
                }
            },
        )
}

fn any_payment_info() -> impl Strategy<Value = PaymentInfoToWrite> {
    (
        any_text::<35>(),
        (2000u16..2100, 1u16..=12, 1u16..=28),
        any_text::<140>(),
        any_account(),
        any_bic(),
        proptest::collection::vec(any_transaction(), 1..5),
    )
        .prop_map(
            |(id, (y, m, d), name, account, bic, transactions)| PaymentInfoToWrite {
                pmt_inf_id: id,
                requested_execution_date: Date::from_ymd(y, m, d).unwrap(),
                debtor_name: name,
                debtor_account: account,
                debtor_bic: bic,
                transactions,
            },
        )
}

fn any_file() -> impl Strategy<Value = PaymentFileToWrite> {
    (
        any_text::<35>(),
        proptest::option::of(any_text::<140>()),
        proptest::collection::vec(any_payment_info(), 1..4),
    )
        .prop_map(|(msg_id, name, payment_infos)| PaymentFileToWrite {
            msg_id,
            creation_date_time: IsoDateTime::parse("2024-03-01T08:15:00.123Z").unwrap(),
            initiating_party_name: name,
            payment_infos,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn writing_then_reading_returns_the_same_payments(input in any_file()) {
        let xml = write_pain001_v03(&input).unwrap();
        let file = read_pain001(xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(&file.msg_id, &input.msg_id);
        prop_assert_eq!(&file.initiating_party_name, &input.initiating_party_name);
        let count: usize = input.payment_infos.iter().map(|p| p.transactions.len()).sum();
        prop_assert_eq!(file.nb_of_txs, count as u64);
        prop_assert_eq!(as_written(&file), input.payment_infos);
    }
}

#[test]
fn generated_files_validate_against_the_schema() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    for i in 0..5 {
        let file = any_file().new_tree(&mut runner).unwrap().current();
        let xml = write_pain001_v03(&file).unwrap();
        validate_with_xmllint(&xml, "pain.001.001.03.xsd", &format!("generated_{i}.xml"));
    }
}
