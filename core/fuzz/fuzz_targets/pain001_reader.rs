//! Any bytes given to the pain.001 reader give a file or a refusal: never a panic, a hang or
//! unbounded memory. Whatever it accepts, the writer can write and the reader reads back.
#![no_main]

use ap_core::iso20022::{
    read_pain001, write_pain001_v03, PaymentFileToWrite, PaymentInfoToWrite, TransactionToWrite,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = read_pain001(data) else {
        return;
    };
    let Some(payment_infos) = file
        .payment_infos
        .iter()
        .map(|p| {
            let transactions = p
                .transactions
                .iter()
                .map(|t| {
                    Some(TransactionToWrite {
                        instr_id: t.instr_id.clone(),
                        end_to_end_id: t.end_to_end_id.clone(),
                        amount: t.amount,
                        // The writer (the ERP export) always names the creditor.
                        creditor_name: t.creditor_name.clone()?,
                        creditor_account: t.creditor_account.clone()?,
                        creditor_bic: t.creditor_bic.clone(),
                        remittance_unstructured: t.remittance_unstructured.clone(),
                        creditor_reference: t.creditor_reference.clone(),
                        referred_documents: t.referred_documents.clone(),
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(PaymentInfoToWrite {
                pmt_inf_id: p.pmt_inf_id.clone(),
                requested_execution_date: p.requested_execution_date,
                debtor_name: p.debtor_name.clone(),
                debtor_account: p.debtor_account.clone(),
                debtor_bic: p.debtor_bic.clone(),
                transactions,
            })
        })
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let to_write = PaymentFileToWrite {
        msg_id: file.msg_id.clone(),
        creation_date_time: file.creation_date_time.clone(),
        initiating_party_name: file.initiating_party_name.clone(),
        payment_infos,
    };
    if let Ok(xml) = write_pain001_v03(&to_write) {
        let again = read_pain001(xml.as_bytes()).expect("a written file reads back");
        assert_eq!(again.nb_of_txs, file.nb_of_txs);
    }
});
