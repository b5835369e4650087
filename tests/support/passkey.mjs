// A software WebAuthn authenticator for the API tests: a P-256 key pair made in the test that
// answers `navigator.credentials.create()` / `.get()` as a platform authenticator does (CBOR
// attestation object with format "none", ES256 signatures over authenticatorData ‖
// SHA-256(clientDataJSON)), plus the knobs an attacker turns (origin, relying-party id, flags,
// counter, challenge).
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { BASE_URL } from './http.mjs';

const sha256 = (data) => createHash('sha256').update(data).digest();
const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

/** The relying party the test Worker is configured with (tests/support/app.mjs). */
export const RP_ID = 'localhost';
export const ORIGIN = `http://localhost:${new URL(BASE_URL).port}`;

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** Just enough CBOR for COSE keys and attestation objects: integers, bytes, text, maps. */
export function cbor(value) {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Map) {
    return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  }
  throw new Error(`cbor: cannot encode ${value}`);
}

/** The challenge the server derives (ap_core::passkey::PasskeyChallenge): an attacker who
 * holds a session computes it too; only the nonce's ceremony and what it binds stop them. */
export function deriveChallenge(purpose, subject, nonce) {
  return b64u(sha256(Buffer.concat([
    Buffer.from('approve-and-pay/passkey-challenge/v1'),
    Buffer.from([purpose]),
    subject,
    Buffer.from(nonce, 'base64url'),
  ])));
}
export const registrationSubject = (userId) => sha256(Buffer.from(userId));

export class SoftAuthenticator {
  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.jwk = publicKey.export({ format: 'jwk' });
    this.credentialId = randomBytes(16);
    this.counter = 0;
  }

  get id() {
    return b64u(this.credentialId);
  }

  coseKey() {
    return cbor(new Map([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(this.jwk.x, 'base64url')],
      [-3, Buffer.from(this.jwk.y, 'base64url')],
    ]));
  }

  authenticatorData({ rpId = RP_ID, flags = UP | UV, counter = this.counter, attested = false } = {}) {
    const parts = [sha256(rpId), Buffer.from([attested ? flags | AT : flags])];
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter >>> 0);
    parts.push(count);
    if (attested) {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), length, this.credentialId, this.coseKey());
    }
    return Buffer.concat(parts);
  }

  static clientData(type, challenge, origin) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** Answers `PasskeyOptions` of a registration as `navigator.credentials.create()` would. */
  register(options, { origin = ORIGIN, rpId = options.rp_id, challenge = options.challenge, flags = UP | UV } = {}) {
    this.counter += 1;
    const authData = this.authenticatorData({ rpId, flags, attested: true });
    const attestation = cbor(new Map([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      raw_id: this.id,
      client_data_json: b64u(SoftAuthenticator.clientData('webauthn.create', challenge, origin)),
      attestation_object: b64u(attestation),
      transports: ['internal'],
    };
  }

  /** Answers `PasskeyOptions` of an assertion as `navigator.credentials.get()` would. */
  assert(options, { origin = ORIGIN, rpId = options.rp_id, challenge = options.challenge, flags = UP | UV, counter } = {}) {
    this.counter = counter ?? this.counter + 1;
    const authData = this.authenticatorData({ rpId, flags, counter: this.counter });
    const clientData = SoftAuthenticator.clientData('webauthn.get', challenge, origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.privateKey);
    return {
      raw_id: this.id,
      client_data_json: b64u(clientData),
      authenticator_data: b64u(authData),
      signature: b64u(signature),
    };
  }
}

export const FLAGS = { UP, UV };
