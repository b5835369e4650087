// Helpers for the browser tests of the SPA: real TOTP codes from oathtool, QR decoding with
// zbarimg, and the sign-in form.
import { execFileSync } from 'node:child_process';

/** The current RFC 6238 code for a base32 secret, from the reference implementation. */
export function oathtoolCode(secret) {
  return execFileSync('/usr/bin/oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
}

/** The 30-second time step now. */
export const timeStep = () => Math.floor(Date.now() / 1000 / 30);

/** Waits until the time step is later than `step`, so a code is not refused as a replay. */
export async function waitForStepAfter(step) {
  while (timeStep() <= step) await new Promise((r) => setTimeout(r, 250));
}

/** The text of a QR code in a PNG file. */
export function decodeQr(file) {
  return execFileSync('/usr/bin/zbarimg', ['--raw', '-q', file], { encoding: 'utf8' }).trim();
}

/** The base32 secret inside an otpauth:// URI. */
export function secretOf(otpauthUri) {
  return new URL(otpauthUri).searchParams.get('secret');
}

/** Fills and submits the sign-in form shown on the current page. */
export async function submitSignIn(page, { email, password, code = '' }) {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Code from your authenticator app').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
