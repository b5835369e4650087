//! Paths to the shared samples and schemas, and schema validation with xmllint.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared folder sits beside the repository checkout (`/work/shared` next to `/work/main`).
pub fn shared(relative: &str) -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/iso20022"
    ))
    .join(relative)
}

pub fn sample(name: &str) -> Vec<u8> {
    let path = shared("samples").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/iso20022/testdata"
    ))
    .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validates `xml` against the schema `xsd` (a file name in the shared xsd folder).
///
/// A missing xmllint fails the test (never a silent pass): `scripts/setup.sh --test` installs
/// it (Debian package libxml2-utils).
pub fn validate_with_xmllint(xml: &str, xsd: &str, name: &str) {
    let available = Command::new("xmllint").arg("--version").output().is_ok();
    assert!(
        available,
        "xmllint is not installed, so {name} cannot be validated against {xsd}; \
         install libxml2-utils (bash scripts/setup.sh --test does)"
    );
    let dir = std::env::temp_dir().join(format!("ap-core-iso20022-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, xml).unwrap();
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(shared("xsd").join(xsd))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{name} does not validate against {xsd}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A valid pain.001.001.03 with `payments` EUR payments of 1.00 to 100.00, 500 per payment
/// information, every one with an approval token in InstrId.
pub fn generated_pain001(payments: usize) -> String {
    let mut total_cents: u64 = 0;
    let mut body = String::with_capacity(payments * 700);
    for (chunk_index, chunk) in (0..payments).collect::<Vec<_>>().chunks(500).enumerate() {
        let mut chunk_cents = 0;
        let mut txs = String::new();
        for &i in chunk {
            let cents = 100 + (i as u64 % 100) * 100;
            chunk_cents += cents;
            txs.push_str(&format!(
                "      <CdtTrfTxInf>
        <PmtId><InstrId>AP1-{i:08}</InstrId><EndToEndId>E2E-{i}</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy=\"EUR\">{}.{:02}</InstdAmt></Amt>
        <Cdtr><Nm>Leverandør nr. {i}</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>Faktura {i}</Ustrd></RmtInf>
      </CdtTrfTxInf>\n",
                cents / 100,
                cents % 100
            ));
        }
        total_cents += chunk_cents;
        body.push_str(&format!(
            "    <PmtInf>
      <PmtInfId>PMT-{chunk_index}</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <NbOfTxs>{}</NbOfTxs>
      <CtrlSum>{}.{:02}</CtrlSum>
      <ReqdExctnDt>2024-03-01</ReqdExctnDt>
      <Dbtr><Nm>Nordisk Trælast AS</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>NO9386011117947</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BIC>DNBANOKK</BIC></FinInstnId></DbtrAgt>
{txs}    </PmtInf>\n",
            chunk.len(),
            chunk_cents / 100,
            chunk_cents % 100
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>GENERATED</MsgId>
      <CreDtTm>2024-03-01T08:00:00</CreDtTm>
      <NbOfTxs>{payments}</NbOfTxs>
      <CtrlSum>{}.{:02}</CtrlSum>
      <InitgPty><Nm>Nordisk Trælast AS</Nm></InitgPty>
    </GrpHdr>
{body}  </CstmrCdtTrfInitn>
</Document>
",
        total_cents / 100,
        total_cents % 100
    )
}
