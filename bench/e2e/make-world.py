#!/usr/bin/env python3
"""make-world.py COUNT OUTDIR BASE: the world of bench/e2e/run at COUNT people, written to OUTDIR.

Deterministic (the same COUNT gives the same files, but for the grant dates, which follow today):
  users.ldif            COUNT people under BASE, with the attributes the connector reads (as
                        bench/ldap/make-users.py, plus preferredLanguage), for slapadd
  policy-catalog/       the catalog alone: the README's first start reads the directory with it
  policy/               the catalog and the maps
  grants.csv            the ledger to import (`valtuusctl import grants`), about 1.5 rows a person
  change.ldif           100 people change title (each then needs one more theme: 100 grant items)
  revert.ldif           undoes change.ldif
  leave.ldif            one person who holds two grants is disabled (two revoke items)
  return.ldif           undoes leave.ldif
  world.env             KEY=VALUE: what the first sync must propose, the leaver's account, ...

The model: 24 departments, 8 titles. Every department's map requires one theme (th01-th12);
six of the titles require one more (th13-th18), so a person needs 1.75 themes on average. 2% of
the accounts are disabled (leavers who still hold their grants: about 3.5 revoke items per 100
people). Of the others, 22% lack their department's theme (grant items). The rest, about three
quarters, hold exactly what the maps require. The ledger then holds about 1.5 grants a person,
and the first sync proposes about a quarter as many items as there are people. (A grant of a
theme no map requires is not a revoke item but drift, `report drift`: this world has none.)
"""
import base64
import datetime
import os
import struct
import sys

DEPARTMENTS = [f"Toimiala {d:02d}" for d in range(24)]
TITLES = ["Sosiaalityöntekijä", "Elinkeinoasiamies", "Rakennustarkastaja", "Kirjanpitäjä",
          "Opettaja", "Kaavoittaja", "Terveystarkastaja", "Omavalmentaja"]
TITLE_THEMES = 6  # titles 0-5 require a theme of their own
THEMES = [f"th{n:02d}" for n in range(1, 13 + TITLE_THEMES)]
CHANGED = 100


def department_of(i):
    return i % len(DEPARTMENTS)


def title_of(i):
    return (i // 3) % len(TITLES)


def disabled(i):
    return i % 50 == 7


def bucket(i):
    """0-99, spread evenly and independent of department and title (Knuth's multiplicative hash)."""
    return ((i * 2654435761) % (1 << 32)) * 100 >> 32


def department_theme(d):
    return THEMES[d % 12]


def needs(i, title=None):
    t = title_of(i) if title is None else title
    themes = [department_theme(department_of(i))]
    if t < TITLE_THEMES:
        themes.append(THEMES[12 + t])
    return themes


def holds(i):
    """What the ledger says person i holds."""
    themes = needs(i)
    if disabled(i):
        return themes  # a leaver still holds everything: every row is a revoke item
    if bucket(i) < 22:
        return themes[1:]  # lacks the department's theme
    return themes


def in_line(i):
    return not disabled(i) and bucket(i) >= 22


def account(i):
    return f"u{i:06d}"


def dn(i, base):
    return f"cn={account(i)},{base}"


def write_users(path, count, base):
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            guid = base64.b64encode(struct.pack("<I", i) + bytes(range(0xa4, 0xb0))).decode()
            a = account(i)
            out.write(
                f"dn: {dn(i, base)}\n"
                "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\n"
                "objectClass: inetOrgPerson\nobjectClass: user\n"
                f"cn: {a}\nsn: Virtanen{i}\ngivenName: Matti\ndisplayName: Matti Virtanen {i}\n"
                f"mail: {a}@kunta.example\npreferredLanguage: fi\nobjectCategory: person\n"
                f"objectGUID:: {guid}\nsAMAccountName: {a}\nemployeeID: E{i:06d}\n"
                f"department: {DEPARTMENTS[department_of(i)]}\ntitle: {TITLES[title_of(i)]}\n"
                f"userAccountControl: {514 if disabled(i) else 512}\naccountExpires: 0\n"
                "memberOf: cn=kaikki,ou=groups,dc=valtuus,dc=test\n"
                f"memberOf: cn=g{i % 40},ou=groups,dc=valtuus,dc=test\n\n")


def catalog_yaml():
    lines = ["# The bench's catalog (bench/e2e/make-world.py): the themes the organisation may grant.",
             "mandates:"]
    for n, theme in enumerate(THEMES, 1):
        lines += [f"  - id: {theme}",
                  '    suomifi_code: ""',
                  f'    name: {{fi: "Teema {n}", sv: "Tema {n}", en: "Theme {n}"}}',
                  "    service: Bench",
                  "    type: asiointivaltuus",
                  "    organisation_holds: true",
                  "    max_validity_days: 730",
                  "    renewal_notice_days: 60"]
    return "\n".join(lines) + "\n"


def maps_yaml():
    lines = ["# The bench's maps (bench/e2e/make-world.py).", "maps:"]
    for d, name in enumerate(DEPARTMENTS):
        lines += [f"  - id: toimiala-{d:02d}",
                  f'    match: {{department: ["{name}"]}}',
                  "    grants:",
                  f'      - {{mandate: {department_theme(d)}, why: "Works in {name}."}}']
    for t in range(TITLE_THEMES):
        lines += [f"  - id: nimike-{t}",
                  f'    match: {{title: ["{TITLES[t]}"]}}',
                  "    grants:",
                  f'      - {{mandate: {THEMES[12 + t]}, why: "Works as {TITLES[t]}."}}']
    return "\n".join(lines) + "\n"


def write(path, text):
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def modify(base, i, attribute, value):
    return f"dn: {dn(i, base)}\nchangetype: modify\nreplace: {attribute}\n{attribute}: {value}\n\n"


def main():
    count, outdir, base = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if count < 1000:
        sys.exit("make-world.py: COUNT must be at least 1000 (100 people change in the cycle)")
    os.makedirs(f"{outdir}/policy-catalog", exist_ok=True)
    os.makedirs(f"{outdir}/policy", exist_ok=True)
    write_users(f"{outdir}/users.ldif", count, base)
    write(f"{outdir}/policy-catalog/catalog.yaml", catalog_yaml())
    write(f"{outdir}/policy/catalog.yaml", catalog_yaml())
    write(f"{outdir}/policy/maps.yaml", maps_yaml())

    today = datetime.date.today()
    valid_from, valid_until = today - datetime.timedelta(100), today + datetime.timedelta(600)
    rows = grants = revokes = 0
    with open(f"{outdir}/grants.csv", "w", encoding="utf-8") as out:
        out.write("account,mandate,valid_from,valid_until\n")
        for i in range(count):
            held = holds(i)
            for theme in held:
                out.write(f"{account(i)},{theme},{valid_from},{valid_until}\n")
            rows += len(held)
            if disabled(i):
                revokes += len(held)
            else:
                grants += len(set(needs(i)) - set(held))
                revokes += len(set(held) - set(needs(i)))

    # 100 people in line, spread over the directory, move to a title that requires a theme.
    movable = [i for i in range(count) if in_line(i) and title_of(i) >= TITLE_THEMES]
    if len(movable) < CHANGED:
        sys.exit(f"make-world.py: only {len(movable)} people can change title; raise COUNT")
    changed = [movable[k * len(movable) // CHANGED] for k in range(CHANGED)]
    write(f"{outdir}/change.ldif",
          "".join(modify(base, i, "title", TITLES[title_of(i) - TITLE_THEMES]) for i in changed))
    write(f"{outdir}/revert.ldif",
          "".join(modify(base, i, "title", TITLES[title_of(i)]) for i in changed))

    # The leaver: in line, holding two grants, not one of the 100.
    moved = set(changed)
    holders = [i for i in range(count)
               if in_line(i) and title_of(i) < TITLE_THEMES and i not in moved]
    leaver = holders[len(holders) // 2]
    write(f"{outdir}/leave.ldif", modify(base, leaver, "userAccountControl", 514))
    write(f"{outdir}/return.ldif", modify(base, leaver, "userAccountControl", 512))

    write(f"{outdir}/world.env",
          f"PEOPLE={count}\nLEDGER_ROWS={rows}\nEXPECTED_GRANTS={grants}\n"
          f"EXPECTED_REVOKES={revokes}\nEXPECTED_ITEMS={grants + revokes}\n"
          f"CHANGED={CHANGED}\nCHANGE_ITEMS={CHANGED}\n"
          f"LEAVER_ACCOUNT={account(leaver)}\nLEAVER_ITEMS={len(needs(leaver))}\n")


if __name__ == "__main__":
    main()
