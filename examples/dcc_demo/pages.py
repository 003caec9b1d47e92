"""The DCC demo's pages: the layout, "Mes RCP" and the identity received from Kiosque.

The demo stands for an outside application: it knows its own role codes and meetings (demo
data), and reads only what Kiosque sends (the ID token and userinfo claims).
"""

import datetime
import html

# The DCC's own labels for the role codes its referent grants in Kiosque.
ROLE_LABELS = {
    "participant-rcp": "Participant aux RCP",
    "inscription-rcp-sein-tours": "Inscription de patients en RCP — RCP Sein Tours",
    "inscription-rcp-digestif-orleans": "Inscription de patients en RCP — RCP Digestif Orléans",
    "inscription-rcp-thorax-blois": "Inscription de patients en RCP — RCP Thorax Blois",
    "secretariat-3c": "Secrétariat 3C",
}

# Authentication methods (RFC 8176) as a professional reads them.
AMR_LABELS = {
    "pwd": "mot de passe",
    "otp": "code à usage unique",
    "mfa": "double authentification",
    "hwk": "carte CPS",
    "swk": "e-CPS",
}

PROFESSIONS = {"10": "Médecin", "21": "Pharmacien", "50": "Sage-Femme", "60": "Infirmier"}

# The region's multidisciplinary cancer meetings (demo data): code, name, place, weekday, hour.
MEETINGS = [
    ("sein-tours", "RCP Sein", "CHRU de Tours — Bretonneau", 1, "14:00"),
    ("digestif-orleans", "RCP Digestif", "CHR d'Orléans", 2, "12:30"),
    ("thorax-blois", "RCP Thorax", "CH de Blois", 3, "17:00"),
    ("hemato-tours", "RCP Onco-hématologie", "CHRU de Tours — Bretonneau", 4, "13:30"),
]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def esc(value) -> str:
    return html.escape(str(value))


def layout(title: str, body: str, user=None, csrf_token: str = "") -> str:
    nav = ""
    if user is not None:
        nav = (
            '<nav aria-label="Menu principal"><ul class="nav">'
            '<li><a href="/" aria-current="page">Mes RCP</a></li>'
            '<li><a href="#identite">Mon identité</a></li>'
            "</ul></nav>"
            f'<div class="user"><span>Connecté(e) : {esc(display_name(user["claims"]))}</span>'
            '<form method="post" action="/logout">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(csrf_token)}">'
            '<button type="submit" id="logout" class="button button--light">Se déconnecter'
            "</button></form></div>"
        )
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} — DCC (démonstration)</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/style.css"></head><body>
<a class="skip" href="#contenu">Aller au contenu</a>
<header class="site-header"><div class="wrap site-header__inner">
<a class="brand" href="/"><img src="/favicon.svg" alt="" width="32" height="32">
<span>DCC <small>Dossier Communicant de Cancérologie — démonstration</small></span></a>
{nav}</div></header>
<main id="contenu" class="wrap">{body}</main>
<footer class="site-footer"><div class="wrap">Application de démonstration : les RCP affichées
sont fictives. Connexion par le portail Kiosque (OpenID Connect).</div></footer>
</body></html>"""


def display_name(claims: dict) -> str:
    return claims.get("name") or claims.get("preferred_username") or claims.get("sub", "")


def signed_out() -> tuple[str, str]:
    return "Accueil", (
        '<section class="card hero"><h1>Bienvenue sur le DCC</h1>'
        "<p>Vous n'êtes pas connecté(e).</p>"
        "<p>Le DCC partage les dossiers des patients présentés en réunion de concertation "
        "pluridisciplinaire (RCP). Connectez-vous avec votre compte du portail.</p>"
        '<p><a id="login" class="button" href="/login">Se connecter</a></p></section>'
    )


def next_date(today: datetime.date, weekday: int) -> datetime.date:
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)


def my_meetings(roles: list[str], today: datetime.date) -> list[dict]:
    """The meetings the roles open, soonest first, with what the professional may do there."""
    everywhere = bool({"participant-rcp", "secretariat-3c"} & set(roles))
    rows = []
    for code, name, place, weekday, hour in MEETINGS:
        can_register = f"inscription-rcp-{code}" in roles
        if not (everywhere or can_register):
            continue
        if "secretariat-3c" in roles:
            part = "Secrétariat"
        elif can_register:
            part = "Participant, inscription de patients"
        else:
            part = "Participant"
        date = next_date(today, weekday)
        day = f"{WEEKDAYS[date.weekday()]} {date:%d/%m/%Y}"
        rows.append(
            {"name": name, "place": place, "when": f"{day} à {hour}", "part": part, "date": date}
        )
    return sorted(rows, key=lambda row: row["date"])


def _meetings_section(roles: list[str], today: datetime.date) -> str:
    rows = my_meetings(roles, today)
    if not rows:
        return (
            '<p class="notice">Aucune RCP ne vous est ouverte pour l\'instant : demandez au 3C '
            "de vous inscrire aux RCP qui vous concernent.</p>"
        )
    lines = "".join(
        f'<tr><th scope="row">{esc(r["name"])}</th><td>{esc(r["when"])}</td>'
        f"<td>{esc(r['place'])}</td><td>{esc(r['part'])}</td></tr>"
        for r in rows
    )
    return (
        # Focusable, so that a keyboard can scroll it on a narrow screen.
        '<div class="table-wrap" role="region" aria-labelledby="legende-rcp" tabindex="0">'
        '<table id="rcp"><caption id="legende-rcp">Vos prochaines RCP</caption>'
        '<thead><tr><th scope="col">RCP</th><th scope="col">Date</th><th scope="col">Lieu</th>'
        f'<th scope="col">Votre rôle</th></tr></thead><tbody>{lines}</tbody></table></div>'
    )


def _role_items(roles: list[str]) -> str:
    if not roles:
        return "<li>Aucun rôle accordé</li>"
    return "".join(
        f"<li>{esc(ROLE_LABELS.get(code, code))} <code>{esc(code)}</code></li>"
        if code in ROLE_LABELS
        else f"<li><code>{esc(code)}</code></li>"
        for code in roles
    )


def _places(claims: dict) -> list[str]:
    places = []
    for exercice in (claims.get("SubjectRefPro") or {}).get("exercices") or []:
        for activity in exercice.get("activities") or []:
            parts = [activity.get("raisonSocialeSite"), activity.get("libelleService")]
            city = " ".join(
                filter(
                    None,
                    [
                        activity.get("codePostalCoordStructure"),
                        activity.get("libelleCommuneCoordStructure"),
                    ],
                )
            )
            places.append(" — ".join(filter(None, [*parts, city])))
    return [place for place in places if place]


def _profession(claims: dict) -> str:
    exercices = (claims.get("SubjectRefPro") or {}).get("exercices") or []
    if not exercices:
        return ""
    code = exercices[0].get("codeProfession", "")
    label = PROFESSIONS.get(code, code)
    specialty = exercices[0].get("codeSavoirFaire", "")
    return f"{label} (spécialité {specialty})" if specialty else label


def _authentication(claims: dict) -> str:
    methods = [f"{AMR_LABELS.get(v, v)} ({v})" for v in claims.get("amr") or []]
    when = claims.get("auth_time")
    text = ", ".join(methods) or "non précisé"
    if isinstance(when, int | float):
        moment = datetime.datetime.fromtimestamp(when).astimezone()
        text += f", le {moment:%d/%m/%Y à %H:%M}"
    return text


def _row(label: str, value: str, ident: str = "") -> str:
    if not value:
        return ""
    attribute = f' id="{ident}"' if ident else ""
    return f"<div{attribute}><dt>{esc(label)}</dt><dd>{value}</dd></div>"


def mes_rcp(user: dict, today: datetime.date) -> tuple[str, str]:
    claims = user["claims"]
    roles = list(claims.get("roles") or [])
    places = "".join(f"<li>{esc(place)}</li>" for place in _places(claims))
    identity = "".join(
        [
            _row("Nom", esc(display_name(claims))),
            _row("Identifiant de connexion", esc(claims.get("preferred_username", ""))),
            _row("Adresse mail", esc(claims.get("email", ""))),
            _row("Identifiant national", esc(claims.get("SubjectNameID", "—")), "national-id"),
            _row("Profession", esc(_profession(claims))),
            _row("Lieux d'exercice", f"<ul>{places}</ul>" if places else ""),
            _row("Authentification", esc(_authentication(claims)), "authentication"),
            _row("Identifiant Kiosque (sub)", f"<code>{esc(claims.get('sub', ''))}</code>"),
        ]
    )
    body = (
        f'<h1>Mes RCP</h1><p id="who" class="lead">Bonjour {esc(display_name(claims))}</p>'
        '<section aria-labelledby="titre-rcp" class="card"><h2 id="titre-rcp">Prochaines '
        f"réunions</h2>{_meetings_section(roles, today)}</section>"
        '<div class="columns"><section aria-labelledby="identite" class="card">'
        '<h2 id="identite">Votre identité reçue du portail</h2>'
        f'<dl class="facts">{identity}</dl></section>'
        '<section aria-labelledby="titre-roles" class="card">'
        '<h2 id="titre-roles">Vos rôles dans le DCC</h2>'
        f'<ul id="roles" class="roles">{_role_items(roles)}</ul>'
        '<p class="hint">Les rôles sont accordés par le référent du DCC dans le portail.</p>'
        "</section></div>"
    )
    return "Mes RCP", body


def message(title: str, text: str) -> tuple[str, str]:
    return title, (
        f'<section class="card"><h1>{esc(title)}</h1><p>{esc(text)}</p>'
        '<p><a href="/">Retour à l\'accueil du DCC</a></p></section>'
    )


def confirm_logout(csrf_token: str) -> tuple[str, str]:
    return "Déconnexion", (
        '<section class="card"><h1>Se déconnecter du DCC ?</h1>'
        '<form method="post" action="/logout">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(csrf_token)}">'
        '<button type="submit" class="button">Se déconnecter</button></form>'
        '<p><a href="/">Rester connecté(e)</a></p></section>'
    )


STYLE = """
:root { --blue: #1d3f72; --blue-dark: #142c50; --ink: #1e1e1e; --muted: #4a4a4a;
  --line: #d0d7e2; --bg: #f3f5f9; --focus: #b34700; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
.wrap { max-width: 68rem; margin: 0 auto; padding: 0 1rem; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
a { color: var(--blue); }
a:focus, button:focus, .table-wrap:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
.site-header { background: var(--blue); color: #fff; }
.site-header__inner { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem;
  padding-top: .75rem; padding-bottom: .75rem; }
.site-header a { color: #fff; }
.site-header a:focus, .site-header button:focus { outline-color: #ffd27f; }
.brand { display: flex; align-items: center; gap: .6rem; text-decoration: none;
  font-weight: 700; font-size: 1.25rem; }
.brand small { display: block; font-weight: 400; font-size: .85rem; }
.nav { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; margin: 0; padding: 0; }
.user { display: flex; flex-wrap: wrap; align-items: center; gap: .75rem; margin-left: auto; }
.user form { margin: 0; }
main { padding-top: 1.5rem; padding-bottom: 2rem; }
h1 { color: var(--blue-dark); margin: 0 0 .5rem; }
h2 { color: var(--blue-dark); font-size: 1.2rem; margin-top: 0; }
.lead { font-size: 1.1rem; margin-top: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 1.25rem; margin-bottom: 1.25rem; }
.hero { max-width: 40rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
  gap: 0 1.25rem; }
.button { display: inline-block; background: var(--blue); color: #fff; border: 2px solid
  var(--blue); border-radius: 4px; padding: .45rem 1rem; font: inherit; font-weight: 600;
  text-decoration: none; cursor: pointer; }
.button--light { background: #fff; color: var(--blue); border-color: #fff; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
thead th { background: var(--bg); }
.facts { margin: 0; }
.facts div { padding: .4rem 0; border-bottom: 1px solid var(--line); }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.facts ul, .roles { margin: 0; padding-left: 1.2rem; }
code { font-size: .85em; color: var(--muted); overflow-wrap: anywhere; }
.notice { background: #fff8e5; border-left: 4px solid #8a5a00; padding: .75rem; }
.hint { color: var(--muted); font-size: .9rem; }
.site-footer { color: var(--muted); font-size: .9rem; padding: 1rem 0 2rem; }
"""

FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#1d3f72"/>'
    '<path d="M16 7v18M7 16h18" stroke="#fff" stroke-width="4" stroke-linecap="round"/>'
    '<circle cx="16" cy="16" r="11" stroke="#ffd27f" stroke-width="2" fill="none"/></svg>'
)
