// The passkey ceremonies (navigator.credentials), loaded the first time a passkey is used
// (app/src/passkey.rs imports it beside ap-app.js): sign-in and the task list never need it, so
// it is not part of the first download. scripts/build-spa.mjs minifies it into the app folder.
const bytes = (t) => Uint8Array.from(atob(t.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const text = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const creds = (o) => o.credentials.map((c) => ({ type: 'public-key', id: bytes(c.id), transports: c.transports }));
async function ceremony(make) {
  try { return JSON.stringify(await make()); } catch (e) { throw (e && e.name) || 'Error'; }
}
export function passkeyCreate(json) {
  return ceremony(async () => {
    const o = JSON.parse(json);
    const c = await navigator.credentials.create({ publicKey: {
      rp: { id: o.rp_id, name: o.rp_name },
      user: { id: bytes(o.user_id), name: o.user_name, displayName: o.user_display_name },
      challenge: bytes(o.challenge),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      excludeCredentials: creds(o), attestation: 'none', timeout: o.timeout_ms,
    } });
    const r = c.response;
    return { raw_id: text(c.rawId), client_data_json: text(r.clientDataJSON),
      attestation_object: text(r.attestationObject), transports: r.getTransports ? r.getTransports() : [] };
  });
}
export function passkeyGet(json) {
  return ceremony(async () => {
    const o = JSON.parse(json);
    const c = await navigator.credentials.get({ publicKey: {
      challenge: bytes(o.challenge), rpId: o.rp_id, allowCredentials: creds(o),
      userVerification: 'required', timeout: o.timeout_ms,
    } });
    const r = c.response;
    return { raw_id: text(c.rawId), client_data_json: text(r.clientDataJSON),
      authenticator_data: text(r.authenticatorData), signature: text(r.signature) };
  });
}
