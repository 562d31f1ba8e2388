import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';

/** What the set-up page shows for one new TOTP secret. */
export interface TotpEnrolment {
  /** The `otpauth://` URI an authenticator app reads from the QR code. */
  uri: string;
  /** The QR code of `uri` as an SVG `data:` URL (the CSP allows `data:` images; nothing leaves the server). */
  qrDataUrl: string;
  /** The Base32 secret in groups of four, for typing into an app by hand. */
  secretGroups: string;
}

/**
 * Builds the authenticator-app enrolment for a secret from AssociateSoftwareToken: the `otpauth://` URI
 * (issuer = the app's name, label = the person's e-mail; SHA-1, 6 digits, 30 s as Cognito expects) and
 * its QR code, both made by libraries (otpauth, qrcode), on the server.
 */
export async function buildTotpEnrolment(options: { secret: string; issuer: string; label: string }): Promise<TotpEnrolment> {
  const totp = new OTPAuth.TOTP({
    issuer: options.issuer,
    label: options.label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(options.secret),
  });
  const uri = totp.toString();
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return {
    uri,
    qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
    secretGroups: options.secret.replace(/(.{4})(?=.)/g, '$1 '),
  };
}
