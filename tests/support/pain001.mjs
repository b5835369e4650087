// A pain.001.001.03 file built from a list of payments, for tests that need files the reference
// export cannot make (many payments presenting one token, amounts at the limits).
import { unique } from './org.mjs';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** `payments`: [{ amount: '1250.50', instr?: token, creditorIban, e2e?, creditor? }], all from
 * `debtor` (`creditor: null` leaves `<Cdtr>` out, as the schema allows),
 * requested for `date`. Control sums are left out (they are optional). */
export function pain001({ debtor, date = '2030-03-31', currency = 'NOK', payments, msgId = unique('TST-') }) {
  const txs = payments.map((p, i) =>
    `<CdtTrfTxInf><PmtId>${p.instr ? `<InstrId>${esc(p.instr)}</InstrId>` : ''}<EndToEndId>${esc(p.e2e ?? `E2E-${i + 1}`)}</EndToEndId></PmtId>` +
    `<Amt><InstdAmt Ccy="${currency}">${p.amount}</InstdAmt></Amt>` +
    (p.creditor === null ? '' : `<Cdtr><Nm>${esc(p.creditor ?? `Supplier ${i + 1} AS`)}</Nm></Cdtr>`) +
    `<CdtrAcct><Id><IBAN>${p.creditorIban}</IBAN></Id></CdtrAcct><RmtInf><Ustrd>Invoice ${i + 1}</Ustrd></RmtInf></CdtTrfTxInf>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>${msgId}</MsgId><CreDtTm>2030-03-01T10:00:00</CreDtTm><NbOfTxs>${payments.length}</NbOfTxs><InitgPty><Nm>Test AS</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>${msgId}-1</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>${payments.length}</NbOfTxs><ReqdExctnDt>${date}</ReqdExctnDt>
<Dbtr><Nm>Test AS</Nm></Dbtr><DbtrAcct><Id><IBAN>${debtor}</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BIC>DNBANOKK</BIC></FinInstnId></DbtrAgt>
<ChrgBr>SLEV</ChrgBr>
${txs}
</PmtInf></CstmrCdtTrfInitn></Document>
`;
}

/** The debtor IBAN of a pain.001 file (its first payment information). */
export const debtorOf = (xml) => xml.match(/<DbtrAcct>\s*<Id>\s*<IBAN>([^<]+)<\/IBAN>/)[1];
