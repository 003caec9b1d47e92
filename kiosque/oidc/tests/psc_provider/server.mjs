// A real OpenID Connect provider (panva/oidc-provider) shaped like Pro Santé Connect, for tests.
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI.
// The development login form accepts any login: the login typed is the professional's
// national identifier (SubjectNameID, "8" + RPPS), and the claims follow PSC's names.
import Provider from "oidc-provider";

const { PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = process.env;
const issuer = `http://127.0.0.1:${PORT}`;

const PEOPLE = {
  "810000000009": { given_name: "Louis", family_name: "Pasteur", profession: "10", specialty: "SM36" },
  "812345678903": { given_name: "Marie", family_name: "Curie", profession: "10", specialty: "SM37" },
};

function claimsOf(nationalId) {
  const person = PEOPLE[nationalId] || { given_name: "Inconnu", family_name: "Inconnu", profession: "60", specialty: "" };
  return {
    sub: `psc-${nationalId}`,
    SubjectNameID: nationalId,
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
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  scopes: ["openid", "scope_all"],
  claims: {
    openid: ["sub"],
    scope_all: ["SubjectNameID", "SubjectRefPro", "given_name", "family_name", "preferred_username"],
    acr: null,
  },
  acrValues: ["eidas1"],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
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

provider.listen(Number(PORT), "127.0.0.1", () => {
  console.log(`psc-test-provider listening on ${issuer}`);
});
