// The relying party of Kiosque's end-to-end conformance suite, driven by openid-client.
//
// One process per pytest module: it reads one JSON request per line on stdin
// ({"op": ..., ...}) and answers one JSON line on stdout ({"ok": true, ...} or
// {"ok": false, "error": {...}}). Every operation goes through openid-client's public API
// against the running Kiosque (HTTP only); the pytest side asserts the outcome. Every HTTP
// exchange openid-client makes is recorded (status and headers) and returned with the answer,
// so the tests can check what the library does not expose (Cache-Control, WWW-Authenticate).
import http from 'node:http';
import readline from 'node:readline';

import * as jose from 'jose';
import * as oidc from 'openid-client';

let exchanges = [];

async function recordingFetch(url, options) {
  const response = await fetch(url, options);
  exchanges.push({
    url: String(url),
    method: options?.method ?? 'GET',
    status: response.status,
    headers: Object.fromEntries(response.headers),
  });
  return response;
}

// -- Configuration: discovery, then the client as registered at Kiosque -----------------------

async function configure(rp) {
  let auth;
  if (rp.auth === 'client_secret_basic') {
    auth = oidc.ClientSecretBasic(rp.client_secret);
  } else if (rp.auth === 'private_key_jwt') {
    const alg = rp.private_jwk.alg ?? 'RS256';
    const key = await jose.importJWK(rp.private_jwk, alg);
    auth = oidc.PrivateKeyJwt({ key, kid: rp.private_jwk.kid });
  } else {
    auth = oidc.None();
  }
  const metadata = { redirect_uris: [rp.redirect_uri] };
  if (rp.id_token_alg) metadata.id_token_signed_response_alg = rp.id_token_alg;
  const config = await oidc.discovery(new URL(rp.issuer), rp.client_id, metadata, auth, {
    // Kiosque under test listens on loopback over plain HTTP.
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: recordingFetch,
  });
  config[oidc.customFetch] = recordingFetch;
  return config;
}

// -- The browser: a signed-in Kiosque session cookie, redirects not followed --------------------

async function browse(url, cookie, init = {}) {
  const response = await fetch(url, {
    redirect: 'manual',
    ...init,
    headers: { ...(cookie ? { cookie } : {}), ...(init.headers ?? {}) },
  });
  const body = await response.text();
  return { status: response.status, location: response.headers.get('location'), body };
}

async function authorize(config, req) {
  const params = { redirect_uri: req.rp.redirect_uri, scope: 'openid' };
  const checks = {};
  if (req.pkce !== false) {
    checks.pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    params.code_challenge = await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier);
    params.code_challenge_method = 'S256';
  }
  if (req.nonce !== false) params.nonce = checks.expectedNonce = oidc.randomNonce();
  params.state = checks.expectedState = oidc.randomState();
  Object.assign(params, req.params ?? {}); // the test's parameters win (null: left out)
  for (const [key, value] of Object.entries(params)) if (value === null) delete params[key];
  const url = oidc.buildAuthorizationUrl(config, params);
  const answer = await browse(url, req.cookie);
  return { url: String(url), ...answer, checks };
}

// What the tests see of a token endpoint response: the JSON, the ID token's header and claims
// as openid-client validated them.
function tokens(response) {
  const out = { ...response };
  if (response.id_token) {
    out.id_token_header = jose.decodeProtectedHeader(response.id_token);
    out.claims = response.claims();
  }
  return out;
}

// The token request for the callback URL; `verifier` replaces the PKCE verifier (null: none
// sent), `max_age` makes openid-client require and check auth_time.
async function callback(config, location, checks, req) {
  const grantChecks = { ...checks, idTokenExpected: req.id_token_expected ?? true };
  if (req.max_age !== undefined) grantChecks.maxAge = req.max_age;
  if (req.verifier !== undefined) grantChecks.pkceCodeVerifier = req.verifier ?? undefined;
  return tokens(
    await oidc.authorizationCodeGrant(config, new URL(location), grantChecks),
  );
}

// -- Back-channel logout receiver (an RP endpoint, validated with jose) -------------------------

const received = [];
let receiver;

async function listen() {
  if (!receiver) {
    receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({
          path: request.url,
          method: request.method,
          content_type: request.headers['content-type'] ?? '',
          body,
        });
        response.writeHead(200, { 'cache-control': 'no-store' });
        response.end();
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  }
  return `http://127.0.0.1:${receiver.address().port}`;
}

async function verifyLogoutToken(config, token, alg) {
  const server = config.serverMetadata();
  const jwks = jose.createRemoteJWKSet(new URL(server.jwks_uri));
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
    issuer: server.issuer,
    audience: config.clientMetadata().client_id,
    algorithms: [alg ?? 'RS256'],
    maxTokenAge: '2m',
  });
  return { header: protectedHeader, claims: payload };
}

// -- Operations ---------------------------------------------------------------------------------

const ops = {
  async discover(req) {
    const config = await configure(req.rp);
    return { metadata: config.serverMetadata() };
  },

  async authorize(req) {
    const config = await configure(req.rp);
    const { body, ...answer } = await authorize(config, req);
    return { ...answer, body: body.slice(0, 2000) };
  },

  // Authorization request in the signed-in browser, then the token request.
  async code_flow(req) {
    const config = await configure(req.rp);
    const answer = await authorize(config, req);
    if (!answer.location?.startsWith(req.rp.redirect_uri)) {
      return { redirected_to: answer.location, status: answer.status, body: answer.body.slice(0, 2000) };
    }
    const result = { callback: answer.location, checks: answer.checks };
    result.tokens = await callback(config, answer.location, answer.checks, req);
    return result;
  },

  // Only the token request (a callback URL the test already holds, e.g. a replay).
  async callback(req) {
    const config = await configure(req.rp);
    return { tokens: await callback(config, req.location, req.checks, req) };
  },

  async refresh(req) {
    const config = await configure(req.rp);
    return { tokens: tokens(await oidc.refreshTokenGrant(config, req.refresh_token)) };
  },

  async userinfo(req) {
    const config = await configure(req.rp);
    return {
      userinfo: await oidc.fetchUserInfo(config, req.access_token, req.sub ?? oidc.skipSubjectCheck),
    };
  },

  async introspect(req) {
    const config = await configure(req.rp);
    const params = req.hint ? { token_type_hint: req.hint } : undefined;
    return { introspection: await oidc.tokenIntrospection(config, req.token, params) };
  },

  async revoke(req) {
    const config = await configure(req.rp);
    const params = req.hint ? { token_type_hint: req.hint } : undefined;
    await oidc.tokenRevocation(config, req.token, params);
    return {};
  },

  async protected_resource(req) {
    const config = await configure(req.rp);
    const response = await oidc.fetchProtectedResource(
      config,
      req.access_token,
      new URL(req.url),
      req.method ?? 'GET',
    );
    return { status: response.status, body: await response.text() };
  },

  // The RP-initiated logout URL openid-client builds, opened in the browser.
  async end_session(req) {
    const config = await configure(req.rp);
    const url = oidc.buildEndSessionUrl(config, req.params ?? {});
    if (req.method === 'POST') {
      const answer = await browse(config.serverMetadata().end_session_endpoint, req.cookie, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: url.searchParams.toString(),
      });
      return { url: String(url), ...answer, body: answer.body.slice(0, 4000) };
    }
    const answer = await browse(url, req.cookie);
    return { url: String(url), ...answer, body: answer.body.slice(0, 4000) };
  },

  async backchannel_listen() {
    return { uri: await listen() };
  },

  async backchannel_clear() {
    received.splice(0);
    return {};
  },

  // The logout tokens received since the last call, each verified against Kiosque's keys as
  // the application registered at its path would ({"rps": {path: rp}}).
  async backchannel_received(req) {
    const out = [];
    for (const delivery of received.splice(0)) {
      const form = new URLSearchParams(delivery.body);
      const token = form.get('logout_token');
      const rp = req.rps[delivery.path];
      let verified = null;
      let failure = null;
      try {
        if (!rp) throw new Error(`no application registered at ${delivery.path}`);
        verified = await verifyLogoutToken(await configure(rp), token, rp.id_token_alg);
      } catch (error) {
        failure = describe(error);
      }
      out.push({ ...delivery, logout_token: token, verified, failure });
    }
    return { deliveries: out };
  },

  // A raw HTTP request (what a broken or hostile client sends).
  async http(req) {
    const response = await recordingFetch(req.url, {
      method: req.method ?? 'GET',
      headers: req.headers ?? {},
      body: req.body,
      redirect: 'manual',
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: (await response.text()).slice(0, 4000),
    };
  },
};

function describe(error) {
  const out = { name: error?.name, message: error?.message, code: error?.code };
  for (const key of ['error', 'error_description', 'status']) {
    if (error?.[key] !== undefined) out[key] = error[key];
  }
  if (error?.cause?.error) out.error = error.cause.error;
  if (error?.cause?.status && out.status === undefined) out.status = error.cause.status;
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    out.challenges = error.cause;
    out.status = error.response?.status;
  }
  if (error?.cause?.code && out.cause_code === undefined) out.cause_code = error.cause.code;
  return out;
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  exchanges = [];
  let answer;
  try {
    const req = JSON.parse(line);
    const op = ops[req.op];
    if (!op) throw new Error(`unknown op ${req.op}`);
    answer = { ok: true, ...(await op(req)) };
  } catch (error) {
    answer = { ok: false, error: describe(error) };
  }
  answer.exchanges = exchanges;
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
receiver?.close();
