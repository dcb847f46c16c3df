// A real OpenID Connect provider for the test suite (npm oidc-provider),
// on loopback only. Started by tests/oidc/conftest.py:
//
//   node tests/oidc/provider.mjs PORT PORTAL_URL[,PORTAL_URL...]
//
// One client (fmk-portal / test-secret) whose redirect and post-logout
// URIs are the portal's on each PORTAL_URL, and one person, "anna", whose claims
// name her and carry role claims that the portal must ignore. The login
// page is oidc-provider's development page (any password); consent is
// granted without asking, as for a first-party client; the logout question
// answers itself. Prints "ready" once it listens.
import { generateKeyPairSync } from 'node:crypto';

import Provider from 'oidc-provider';

const [port, portalUrl] = process.argv.slice(2);
if (!port || !portalUrl) {
  console.error('usage: node tests/oidc/provider.mjs PORT PORTAL_URL');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const portals = portalUrl.split(',').map((url) => url.replace(/\/$/, ''));

const PEOPLE = {
  anna: {
    email: 'anna.jensen@odense.example.invalid',
    email_verified: true,
    given_name: 'Anna',
    family_name: 'Jensen',
    name: 'Anna Jensen',
    // Role claims a provider might send; the portal ignores them.
    groups: ['Koordinatorer'],
    roles: ['coordinator'],
  },
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'fmk-portal',
      client_secret: 'test-secret',
      redirect_uris: portals.map((portal) => `${portal}/konto/oidc/callback/`),
      post_logout_redirect_uris: portals.map((portal) => `${portal}/konto/login/`),
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: ['test-only-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'groups', 'roles'],
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Signing out</title></head>
<body>${form}<button id="yes" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<script>document.getElementById('yes').click();</script></body></html>`;
      },
    },
  },
  async findAccount(ctx, id) {
    const person = PEOPLE[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...person }; } };
  },
  // Consent granted without asking: the test client is first-party.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
