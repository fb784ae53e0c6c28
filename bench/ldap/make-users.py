#!/usr/bin/env python3
"""make-users.py COUNT BASE: COUNT users in LDIF for the private slapd (scripts/ldap/ad-lite.schema),
with the attributes the connector reads, for bench/ldap/run. Deterministic: same COUNT, same file."""
import base64
import struct
import sys

count, base = int(sys.argv[1]), sys.argv[2]
departments = ["Sosiaali- ja terveystoimi", "Elinkeinoasiat", "Tekninen toimi", "Sivistystoimi",
               "Hallinto", "Kaupunkikehitys", "Ympäristöterveys"]
titles = ["Sosiaalityöntekijä", "Elinkeinoasiamies", "Rakennustarkastaja", "Opettaja",
          "Kirjanpitäjä", "Kaavoittaja", "Terveystarkastaja", "Omavalmentaja"]
out = sys.stdout
for i in range(count):
    guid = base64.b64encode(struct.pack("<I", i) + bytes(range(0xa4, 0xb0))).decode()
    account = f"u{i:06d}"
    dept = departments[i % len(departments)]
    out.write(
        f"dn: cn={account},{base}\n"
        "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\n"
        "objectClass: inetOrgPerson\nobjectClass: user\n"
        f"cn: {account}\nsn: Virtanen{i}\ngivenName: Matti\ndisplayName: Matti Virtanen {i}\n"
        f"mail: {account}@kunta.example\nobjectCategory: person\nobjectGUID:: {guid}\n"
        f"sAMAccountName: {account}\nemployeeID: E{i:06d}\n"
        f"department: {dept}\ntitle: {titles[i % len(titles)]}\n"
        f"userAccountControl: {514 if i % 50 == 0 else 512}\naccountExpires: 0\n"
        f"memberOf: cn=kaikki,ou=groups,dc=valtuus,dc=test\n"
        f"memberOf: cn=g{i % 40},ou=groups,dc=valtuus,dc=test\n\n")
