// Generates a valid pain.001.001.03 file of N payments from one debtor account: half carry an
// InstrId in approval-token form (random, so the upload looks each one up and refuses it with a
// warning: the expensive path), half none. Usage: node generate.mjs N out.xml [debtor IBAN]
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const token = () => [...randomBytes(26)].map((b) => CROCKFORD[b % 32]).join('');

export function pain001(n, debtor = 'NO9386011117947', msgId = `BENCH-${randomBytes(6).toString('hex')}`) {
  const txs = [];
  for (let i = 1; i <= n; i++) {
    txs.push(`<CdtTrfTxInf><PmtId>${i % 2 ? `<InstrId>${token()}</InstrId>` : ''}<EndToEndId>E2E-${i}</EndToEndId></PmtId>` +
      `<Amt><InstdAmt Ccy="NOK">${(100 + (i % 900)).toFixed(2)}</InstdAmt></Amt>` +
      `<CdtrAgt><FinInstnId><BIC>DNBANOKK</BIC></FinInstnId></CdtrAgt><Cdtr><Nm>Leverandør ${i} AS</Nm></Cdtr>` +
      `<CdtrAcct><Id><IBAN>NO8330001234567</IBAN></Id></CdtrAcct><RmtInf><Ustrd>Invoice ${i}</Ustrd></RmtInf></CdtTrfTxInf>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>${msgId}</MsgId><CreDtTm>2030-03-01T10:00:00</CreDtTm><NbOfTxs>${n}</NbOfTxs><InitgPty><Nm>Bench AS</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>${msgId}-1</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>${n}</NbOfTxs><ReqdExctnDt>2030-03-31</ReqdExctnDt>
<Dbtr><Nm>Bench AS</Nm></Dbtr><DbtrAcct><Id><IBAN>${debtor}</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BIC>DNBANOKK</BIC></FinInstnId></DbtrAgt>
<ChrgBr>SLEV</ChrgBr>
${txs.join('\n')}
</PmtInf></CstmrCdtTrfInitn></Document>
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, out, debtor] = process.argv.slice(2);
  writeFileSync(out, pain001(Number(n), debtor));
}
