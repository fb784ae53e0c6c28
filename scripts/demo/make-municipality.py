#!/usr/bin/env python3
"""Writes municipality.ldif: the demo municipality (a Porvoo-like bilingual town) for Valtuus.

    python3 scripts/demo/make-municipality.py > scripts/demo/municipality.ldif

The output is deterministic (no randomness, no clock): rerunning gives the same file. Only the people and
groups are written; the base entries (dc=valtuus,dc=test, ou=people, ou=groups) come from
scripts/test-servers. Load it as the directory administrator:

    ldapadd -H "$VALTUUS_TEST_LDAP_URI" -x -D "$VALTUUS_TEST_LDAP_ADMIN_DN" \
            -y "$VALTUUS_TEST_LDAP_ADMIN_PASSWORD_FILE" -f scripts/demo/municipality.ldif

Standard library only; no dependencies.
"""

import base64
import datetime
import hashlib
import sys
import unicodedata

BASE = "dc=valtuus,dc=test"
PEOPLE = "ou=people," + BASE
GROUPS = "ou=groups," + BASE
MAIL_DOMAIN = "porvoo.example"

NEVER = "9223372036854775807"  # AD: account never expires (so does 0)
ACTIVE, DISABLED = 512, 514  # NORMAL_ACCOUNT, NORMAL_ACCOUNT | ACCOUNTDISABLE
LONG_LEAVE_MARKER = "pitkä vapaa"

# (given name, surname, department, title, options)
# options: groups, uac, expires (YYYY-MM-DD), leave, hetu (DDMMYY, century sign, individual number), lang
PEOPLE_DATA = [
    # Elinkeinoasiat: business and employment services
    ("Kristiina", "Äijälä", "Elinkeinoasiat", "Elinkeinojohtaja",
     dict(groups=["Tyollisyyspalvelut", "Avustushakemukset"], hetu=("140371", "-", 905))),
    ("Mikko", "Mäkinen", "Elinkeinoasiat", "Omavalmentaja",
     dict(groups=["Tyollisyyspalvelut"], hetu=("020685", "-", 913))),
    ("Aino", "Hämäläinen", "Elinkeinoasiat", "Omavalmentaja", dict(groups=["Tyollisyyspalvelut"])),
    ("Johanna", "Öhman", "Elinkeinoasiat", "Omavalmentaja", dict(groups=["Tyollisyyspalvelut"], lang="sv")),
    ("Petteri", "Ylä-Jääskeläinen", "Elinkeinoasiat", "Omavalmentaja", dict(groups=["Tyollisyyspalvelut"])),
    # Left in 2024: account disabled, still in the group (as happens in AD).
    ("Sari", "Järvinen", "Elinkeinoasiat", "Omavalmentaja",
     dict(groups=["Tyollisyyspalvelut"], uac=DISABLED, hetu=("230977", "-", 921))),
    ("Tiina", "Kärkkäinen", "Elinkeinoasiat", "Työllisyyskoordinaattori", dict(groups=["Tyollisyyspalvelut"])),
    ("Jukka", "Väisänen", "Elinkeinoasiat", "Yritysneuvoja", dict(groups=["Företagstjänster"])),
    # Fixed-term contract that ends in the future: active.
    ("Leena", "Björklund", "Elinkeinoasiat", "Yritysneuvoja",
     dict(groups=["Företagstjänster"], expires="2027-06-30")),
    ("Eetu", "Nieminen", "Elinkeinoasiat", "Harjoittelija", dict(hetu=("110603", "A", 937))),
    # Näringsliv: the Swedish-named business unit of the bilingual town
    ("Mats", "Sjöberg", "Näringsliv", "Näringslivschef",
     dict(groups=["Företagstjänster", "Avustushakemukset"], lang="sv")),
    ("Åsa", "Åström", "Näringsliv", "Företagsrådgivare",
     dict(groups=["Företagstjänster"], lang="sv", hetu=("300488", "-", 946))),
    ("Jonas", "Lindström", "Näringsliv", "Företagsrådgivare", dict(groups=["Företagstjänster"], lang="sv")),
    # Talouspalvelut: finance
    ("Marjatta", "Hyvönen", "Talouspalvelut", "Talouspäällikkö",
     dict(groups=["Avustushakemukset", "Valtuushallinnoijat"], hetu=("050164", "-", 958))),
    ("Ville", "Lähteenmäki", "Talouspalvelut", "Controller", dict(groups=["Avustushakemukset"])),
    ("Anna-Kaisa", "Pöyhönen", "Talouspalvelut", "Controller", {}),
    # Fixed-term contract that ended on 2025-01-31: account expired, not disabled.
    ("Emma", "Söderholm", "Talouspalvelut", "Controller", dict(expires="2025-01-31", lang="sv")),
    ("Riitta", "Kähkönen", "Talouspalvelut", "Kirjanpitäjä", {}),
    ("Henrik", "Ekström", "Talouspalvelut", "Kirjanpitäjä", dict(lang="sv")),
    ("Pirjo", "Mäkelä", "Talouspalvelut", "Reskontranhoitaja", {}),
    # Henkilöstöpalvelut: HR and payroll
    ("Helena", "Heikkilä", "Henkilöstöpalvelut", "Henkilöstöpäällikkö",
     dict(groups=["Palkanlaskenta", "Valtuushallinnoijat"], hetu=("191068", "-", 962))),
    ("Outi", "Räsänen", "Henkilöstöpalvelut", "Palkkasihteeri", dict(groups=["Palkanlaskenta"])),
    ("Minna", "Eriksson", "Henkilöstöpalvelut", "Palkkasihteeri", dict(groups=["Palkanlaskenta"])),
    ("Päivi", "Rönnholm", "Henkilöstöpalvelut", "Palkkasihteeri", dict(groups=["Palkanlaskenta"])),
    # Retired in 2024: account disabled.
    ("Satu", "Kivelä", "Henkilöstöpalvelut", "Palkkasihteeri",
     dict(groups=["Palkanlaskenta"], uac=DISABLED, hetu=("080659", "-", 974))),
    ("Karoliina", "Lehtonen", "Henkilöstöpalvelut", "HR-asiantuntija", {}),
    # Rakennusvalvonta: building control and permits
    ("Timo", "Mäntylä", "Rakennusvalvonta", "Rakennusvalvontapäällikkö", {}),
    ("Antti", "Kärnä", "Rakennusvalvonta", "Rakennustarkastaja", {}),
    ("Jari", "Holmström", "Rakennusvalvonta", "Rakennustarkastaja", dict(lang="sv")),
    ("Kaisa", "Väänänen", "Rakennusvalvonta", "Rakennustarkastaja", {}),
    ("Sanna", "Öster", "Rakennusvalvonta", "Lupasihteeri", dict(lang="sv")),
    # Sosiaalipalvelut: social services
    ("Laura", "Hänninen", "Sosiaalipalvelut", "Sosiaalityöntekijä", {}),
    # On parental leave: account disabled for the leave, but not a leaver.
    ("Elina", "Sjöblom", "Sosiaalipalvelut", "Sosiaalityöntekijä",
     dict(uac=DISABLED, leave=True, hetu=("170990", "-", 988))),
    ("Anders", "Åkerlund", "Sosiaalipalvelut", "Sosiaalityöntekijä", dict(lang="sv")),
    ("Noora", "Pääkkönen", "Sosiaalipalvelut", "Sosiaalityöntekijä", {}),
    ("Heidi", "Ström", "Sosiaalipalvelut", "Sosiaaliohjaaja", dict(lang="sv")),
    ("Marko", "Kangasniemi", "Sosiaalipalvelut", "Sosiaaliohjaaja", {}),
    ("Tuula", "Rämö", "Sosiaalipalvelut", "Etuuskäsittelijä", {}),
    # Tietohallinto: IT; needs no mandates
    ("Olli", "Pietilä", "Tietohallinto", "Tietohallintopäällikkö", {}),
    ("Niklas", "Wikström", "Tietohallinto", "Järjestelmäasiantuntija", dict(lang="sv")),
    ("Jenni", "Mäki-Ranta", "Tietohallinto", "Lähitukihenkilö", {}),
]

GROUP_DESCRIPTIONS = {
    "Tyollisyyspalvelut": "Työllisyyspalvelut: omavalmentajat ja työllisyyskoordinaatio",
    "Företagstjänster": "Yrityspalvelut / Företagstjänster: yritysneuvonta molemmilla kielillä",
    "Avustushakemukset": "Valtionavustusten ja hankerahoituksen hakijat",
    "Palkanlaskenta": "Palkanlaskenta ja palkkailmoitukset",
    "Valtuushallinnoijat": "Suomi.fi-valtuuksien hallinnoijat (valtuutusoikeus)",
}

FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a", "é": "e", "ü": "u"})

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def ascii_fold(text):
    text = text.translate(FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum())


def hetu(ddmmyy, century, individual):
    """A syntactically valid Finnish personal identity code. Individual numbers 900-999 are the range
    reserved for temporary codes, so these belong to no real person."""
    number = int(ddmmyy + "%03d" % individual)
    return "%s%s%03d%s" % (ddmmyy, century, individual, HETU_CHECK[number % 31])


assert hetu("131052", "-", 308) == "131052-308T"  # the well-known example


def ad_ticks(day):
    """AD Integer8 time: 100 ns ticks since 1601-01-01 UTC, at 00:00 UTC of the given day."""
    epoch = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)
    when = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc)
    delta = when - epoch
    return str((delta.days * 86400 + delta.seconds) * 10_000_000)


def needs_base64(value):
    """RFC 2849: binary values, values that are not 7-bit safe, and values starting with a space, ':' or
    '<' or ending with a space must be base64-encoded."""
    if isinstance(value, bytes):
        return True
    if value and (value[0] in " :<" or value[-1] == " "):
        return True
    return any(ord(c) > 126 or c in "\0\r\n" for c in value)


def ldif_line(attr, value):
    if needs_base64(value):
        raw = value if isinstance(value, bytes) else value.encode("utf-8")
        line = "%s:: %s" % (attr, base64.b64encode(raw).decode("ascii"))
    else:
        line = "%s: %s" % (attr, value)
    # RFC 2849 folding: at most 76 characters a line, continuation lines start with one space.
    out = [line[:76]]
    rest = line[76:]
    while rest:
        out.append(" " + rest[:75])
        rest = rest[75:]
    return "\n".join(out)


def entry(attrs):
    return "\n".join(ldif_line(a, v) for a, v in attrs) + "\n"


def group_dn(name):
    return "cn=%s,%s" % (name, GROUPS)


def main():
    out = sys.stdout
    out.write("# Demo municipality for Valtuus: a bilingual (fi/sv) town, ~40 employees in 7 departments.\n")
    out.write("# Generated by scripts/demo/make-municipality.py: edit that, not this file.\n")
    out.write("# Non-ASCII values are base64 (attr:: ...) as RFC 2849 requires.\n")
    out.write("# Special cases: 2 disabled leavers (userAccountControl 514: sjarvinen, skivela), 1 expired\n")
    out.write("# account (accountExpires 2025-01-31: esoderholm), 1 disabled on long leave\n")
    out.write("# (extensionAttribute1 'pitkä vapaa': esjoblom), 1 fixed-term contract ending 2027-06-30 (lbjorklund).\n")
    out.write("# Identity codes use individual numbers 900-999 (temporary-code range): no real person's.\n\n")
    out.write("version: 1\n\n")

    members = {name: [] for name in GROUP_DESCRIPTIONS}
    accounts = set()
    for n, (given, surname, department, title, opt) in enumerate(PEOPLE_DATA):
        account = (ascii_fold(given)[0] + ascii_fold(surname))[:20]
        assert account not in accounts, account
        accounts.add(account)
        dn = "cn=%s,%s" % (account, PEOPLE)
        mail = "%s.%s@%s" % (ascii_fold(given), ascii_fold(surname), MAIL_DOMAIN)
        # Fixed, not random: the same GUID on every run.
        guid = hashlib.md5(("valtuus-demo:" + account).encode()).digest()
        expires = ad_ticks(opt["expires"]) if "expires" in opt else ("0" if n % 2 else NEVER)
        attrs = [
            ("dn", dn),
            ("objectClass", "top"),
            ("objectClass", "person"),
            ("objectClass", "organizationalPerson"),
            ("objectClass", "inetOrgPerson"),
            ("objectClass", "user"),
            ("cn", account),
            ("sn", surname),
            ("givenName", given),
            ("displayName", "%s %s" % (given, surname)),
            ("mail", mail),
            ("sAMAccountName", account),
            ("userPrincipalName", "%s@%s" % (account, MAIL_DOMAIN)),
            ("department", department),
            ("title", title),
            ("employeeID", "E%d" % (1001 + n)),
            ("objectGUID", guid),
            ("objectCategory", "person"),
            ("userAccountControl", str(opt.get("uac", ACTIVE))),
            ("accountExpires", expires),
            ("preferredLanguage", opt.get("lang", "fi")),
        ]
        if opt.get("leave"):
            attrs.append(("extensionAttribute1", LONG_LEAVE_MARKER))
        if "hetu" in opt:
            attrs.append(("valtuusIdentityCode", hetu(*opt["hetu"])))
        for group in opt.get("groups", []):
            attrs.append(("memberOf", group_dn(group)))
            members[group].append(dn)
        out.write(entry(attrs) + "\n")

    for name, description in GROUP_DESCRIPTIONS.items():
        assert members[name], name
        attrs = [
            ("dn", group_dn(name)),
            ("objectClass", "top"),
            ("objectClass", "groupOfNames"),
            ("objectClass", "group"),
            ("cn", name),
            ("sAMAccountName", ascii_fold(name)),
            ("objectGUID", hashlib.md5(("valtuus-demo-group:" + name).encode()).digest()),
            ("objectCategory", "group"),
            ("description", description),
        ] + [("member", m) for m in members[name]]
        out.write(entry(attrs) + "\n")


if __name__ == "__main__":
    main()
