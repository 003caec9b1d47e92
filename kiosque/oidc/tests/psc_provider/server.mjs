// A real OpenID Connect provider (panva/oidc-provider) shaped like Pro Santé Connect, for tests.
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, and optionally
// POST_LOGOUT_REDIRECT_URI and BACKCHANNEL_LOGOUT_URI (PSC's back-channel logout).
// The login form accepts any login: the login typed is the professional's national
// identifier (SubjectNameID, "8" + RPPS), and the claims follow PSC's names. The
// "password" says which means the professional used: "e-cps" for the e-CPS application,
// anything else for the CPS card and its PIN. Both reach acr "eidas1"; amr tells them
// apart (docs/identification-levels.md, "Pro Santé Connect").
// Signing out at /session/end (as PSC's own page does) sends the back-channel logout.
import { generateKeyPairSync, sign } from "node:crypto";

import Provider from "oidc-provider";

const { PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI, BACKCHANNEL_LOGOUT_URI } =
  process.env;
const issuer = `http://127.0.0.1:${PORT}`;
const ACCOUNT_PREFIX = "psc-";
// PSC's signing key, known here so that the tests can have a logout_token signed with it
// (POST /test/logout-token), a forged one included.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const KID = "psc-test-key";
const SIGNING_JWK = { ...privateKey.export({ format: "jwk" }), kid: KID, alg: "RS256", use: "sig" };
// RFC 8176 values: the CPS card is a smart card unlocked by a PIN; the e-CPS is a mobile
// application confirmed on a second channel with its PIN.
const MEANS = {
  cps: { acr: "eidas1", amr: ["sc", "pin"] },
  "e-cps": { acr: "eidas1", amr: ["mca", "pin"] },
};

const PEOPLE = {
  "810000000009": { given_name: "Louis", family_name: "Pasteur", profession: "10", specialty: "SM36" },
  "812345678903": { given_name: "Marie", family_name: "Curie", profession: "10", specialty: "SM37" },
};

function claimsOf(accountId) {
  const nationalId = accountId.slice(ACCOUNT_PREFIX.length);
  const person = PEOPLE[nationalId] || { given_name: "Inconnu", family_name: "Inconnu", profession: "60", specialty: "" };
  return {
    sub: accountId,
    SubjectNameID: nationalId,
    SubjectOrganization: "CHR ORLEANS",
    given_name: person.given_name,
    family_name: person.family_name,
    preferred_username: nationalId,
    SubjectRefPro: {
      codeCivilite: "M",
      exercices: [
        {
          codeProfession: person.profession,
          codeCategorieProfessionnelle: "C",
          codeCiviliteDexercice: "DR",
          nomDexercice: person.family_name,
          prenomDexercice: person.given_name,
          codeTypeSavoirFaire: person.specialty ? "S" : "",
          codeSavoirFaire: person.specialty,
          activities: [
            {
              codeModeExercice: "S",
              numeroFinessSite: "450000088",
              numeroFinessetablissementJuridique: "450000013",
              raisonSocialeSite: "CHR ORLEANS",
            },
          ],
        },
      ],
    },
  };
}

const provider = new Provider(issuer, {
  jwks: { keys: [SIGNING_JWK] },
  // Everything runs on loopback here: let the back-channel logout reach Kiosque there
  // (oidc-provider refuses special-use addresses by default, as a real PSC would).
  fetch: (url, options) => {
    const { dispatcher, ...rest } = options;
    return globalThis.fetch(url, rest);
  },
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URI ? [POST_LOGOUT_REDIRECT_URI] : [],
      ...(BACKCHANNEL_LOGOUT_URI
        ? { backchannel_logout_uri: BACKCHANNEL_LOGOUT_URI, backchannel_logout_session_required: true }
        : {}),
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  scopes: ["openid", "scope_all"],
  claims: {
    openid: ["sub", "amr"], // PSC sends amr in the ID token
    scope_all: [
      "SubjectNameID",
      "SubjectRefPro",
      "SubjectOrganization",
      "given_name",
      "family_name",
      "preferred_username",
    ],
    acr: null,
    amr: null,
  },
  acrValues: ["eidas1"],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
  async loadExistingGrant(ctx) {
    // PSC asks no consent of the professional: grant what the client asked for.
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid scope_all");
    await grant.save();
    return grant;
  },
});

function escape(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

// The login page, shaped as oidc-provider's development one (the tests fill it in).
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === "GET" && !match[2]) {
    ctx.type = "html";
    ctx.body = `<!DOCTYPE html><html><head><title>Pro Santé Connect (test)</title></head><body>
<h1>Pro Santé Connect (test)</h1>
<form autocomplete="off" action="/interaction/${escape(details.uid)}/login" method="post">
<input type="hidden" name="prompt" value="login">
<input required type="text" name="login" placeholder="SubjectNameID">
<input required type="password" name="password" placeholder="cps-pin or e-cps">
<button type="submit">Sign-in</button></form></body></html>`;
    return undefined;
  }
  if (ctx.method === "POST" && match[2]) {
    const body = await formBody(ctx.req);
    const means = MEANS[body.get("password")] || MEANS.cps;
    const returnTo = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: ACCOUNT_PREFIX + body.get("login"), acr: means.acr, amr: means.amr } },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(returnTo);
    return undefined;
  }
  return next();
});

function b64url(value) {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

// Test hook: a JWT with the claims posted (JSON), signed with PSC's key, so the tests can
// check how Kiosque refuses a logout_token signed right but wrong in its claims.
provider.use(async (ctx, next) => {
  if (ctx.path !== "/test/logout-token" || ctx.method !== "POST") return next();
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const claims = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const input = `${b64url({ alg: "RS256", kid: KID, typ: "logout+jwt" })}.${b64url(claims)}`;
  const signature = sign("sha256", Buffer.from(input), privateKey).toString("base64url");
  ctx.type = "text/plain";
  ctx.body = `${input}.${signature}`;
  return undefined;
});

// Test hook: how many times PSC's OpenID metadata was asked for (GET /test/metadata-requests),
// so that the tests can check how often Kiosque fetches it.
let metadataRequests = 0;
provider.use(async (ctx, next) => {
  if (ctx.path === "/.well-known/openid-configuration") metadataRequests += 1;
  if (ctx.path !== "/test/metadata-requests" || ctx.method !== "GET") return next();
  ctx.type = "text/plain";
  ctx.body = String(metadataRequests);
  return undefined;
});

provider.on("backchannel.error", (ctx, error, client) => {
  console.log(`back-channel logout to ${client.clientId} failed: ${error.message} ${error.cause}`);
});

provider.listen(Number(PORT), "127.0.0.1", () => {
  console.log(`psc-test-provider listening on ${issuer}`);
});
