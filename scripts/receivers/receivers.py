#!/usr/bin/python3
"""Loopback mail and webhook receivers for Valtuus's notification tests.

Runs, in one process:
  * an SMTP sink with STARTTLS required and AUTH PLAIN/LOGIN (aiosmtpd),
  * the same sink with implicit TLS (smtps),
  * a plain SMTP sink that offers no STARTTLS (a client that requires TLS must refuse it),
  * an HTTPS webhook receiver (http.server + ssl).

Everything received is appended as one JSON object per line:
  DIR/smtp/<recipient domain>.jsonl   {"listener", "mail_from", "rcpt_tos", "message_id",
                                       "duplicate", "data"}
  DIR/webhook/<first path segment>.jsonl  {"path", "headers", "body", "status", "duplicate"}
Tests give each scenario its own recipient domain or URL path, so that tests running at the same
time never read each other's messages. Receivers deduplicate on Message-ID / Idempotency-Key:
a repeat is stored with "duplicate": true and acknowledged like the first.

Control (read on every transaction, so a test can change it at any moment):
  DIR/control/smtp-<domain>    "CODE COUNT": answer RCPT for that domain with CODE (e.g. 451, 550,
                                421) for the next COUNT transactions (-1: always); "down": close the
                                connection at RCPT.
  DIR/control/webhook-<segment> "CODE COUNT" likewise for HTTP status codes; "down": close the
                                connection without answering.
A rule whose COUNT reaches 0 is removed.
"""
import argparse
import warnings
import asyncio
import base64
import json
import logging
import os
import ssl
import sys
import threading
import http.server
from email.parser import BytesHeaderParser

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

LOCK = threading.Lock()


def append_jsonl(path, record):
    with LOCK:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def safe_name(text):
    name = "".join(c if c.isalnum() or c in "-._" else "_" for c in text.lower())
    return name.strip(".") or "_"


def take_control(directory, name):
    """The action for the next transaction under control file `name`: None, "down" or a code."""
    path = os.path.join(directory, "control", name)
    with LOCK:
        try:
            with open(path, encoding="utf-8") as f:
                words = f.read().split()
        except FileNotFoundError:
            return None
        if not words:
            return None
        if words[0] == "down":
            return "down"
        code = int(words[0])
        count = int(words[1]) if len(words) > 1 else -1
        if count > 0:
            count -= 1
            if count == 0:
                os.unlink(path)
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(f"{code} {count}\n")
        return code


class Seen:
    def __init__(self):
        self.keys = set()

    def add(self, key):
        """True when key was seen before."""
        with LOCK:
            if key in self.keys:
                return True
            self.keys.add(key)
            return False


class MailHandler:
    def __init__(self, directory, listener, seen):
        self.directory = directory
        self.listener = listener
        self.seen = seen

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = safe_name(address.rpartition("@")[2])
        action = take_control(self.directory, "smtp-" + domain)
        if action == "down":
            server.transport.close()
            return "421 4.3.2 test receiver is down"
        if action is not None:
            return f"{action} {'5.7.1' if action >= 500 else '4.3.0'} test receiver refuses"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.content
        headers = BytesHeaderParser().parsebytes(data)
        message_id = (headers.get("Message-ID") or "").strip()
        duplicate = self.seen.add(message_id) if message_id else False
        record = {
            "listener": self.listener,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "tls": server._tls_protocol is not None or self.listener == "smtps",
            "message_id": message_id,
            "duplicate": duplicate,
            "data": data.decode("utf-8", errors="replace"),
        }
        domains = sorted({safe_name(a.rpartition("@")[2]) for a in envelope.rcpt_tos})
        for domain in domains:
            append_jsonl(os.path.join(self.directory, "smtp", domain + ".jsonl"), record)
        return "250 2.0.0 stored"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self.user
              and auth_data.password == self.password)
        return AuthResult(success=ok, auth_data=auth_data if ok else None)


def make_webhook_handler(directory, seen, token):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            segment = safe_name(self.path.strip("/").split("/")[-1] or "_")
            action = take_control(directory, "webhook-" + segment)
            if action == "down":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            key = self.headers.get("Idempotency-Key") or ""
            if action is not None:
                status = action
            elif token and self.headers.get("Authorization") != "Bearer " + token:
                status = 401
            else:
                status = 200
            duplicate = seen.add(key) if (status == 200 and key) else False
            append_jsonl(os.path.join(directory, "webhook", segment + ".jsonl"), {
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body,
                "status": status,
                "duplicate": duplicate,
            })
            reply = json.dumps({"status": status, "duplicate": duplicate}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--smtp-user", required=True)
    parser.add_argument("--smtp-password-file", required=True)
    parser.add_argument("--webhook-token-file", required=True)
    args = parser.parse_args()
    with open(args.smtp_password_file, encoding="utf-8") as f:
        password = f.read().strip()
    with open(args.webhook_token_file, encoding="utf-8") as f:
        token = f.read().strip()

    warnings.simplefilter("ignore")  # aiosmtpd warns about AUTH without STARTTLS (wanted here)
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    seen_mail = Seen()
    auth = Authenticator(args.smtp_user, password)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def smtp_factory(listener, **kwargs):
        return lambda: SMTP(MailHandler(args.dir, listener, seen_mail), hostname="127.0.0.1",
                            loop=loop, authenticator=auth, auth_required=True, timeout=30, **kwargs)

    starttls = loop.run_until_complete(loop.create_server(
        smtp_factory("starttls", tls_context=context, require_starttls=True), "127.0.0.1", 0))
    smtps = loop.run_until_complete(loop.create_server(
        # Implicit TLS: aiosmtpd does not see the TLS under it, so it must not insist on STARTTLS
        # before AUTH.
        smtp_factory("smtps", auth_require_tls=False), "127.0.0.1", 0, ssl=context))
    plain = loop.run_until_complete(loop.create_server(
        smtp_factory("plain", auth_require_tls=False), "127.0.0.1", 0))

    http_server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), make_webhook_handler(args.dir, Seen(), token))
    http_server.daemon_threads = True
    http_server.socket = context.wrap_socket(http_server.socket, server_side=True)
    threading.Thread(target=http_server.serve_forever, daemon=True).start()

    ports = {
        "smtp_starttls": starttls.sockets[0].getsockname()[1],
        "smtps": smtps.sockets[0].getsockname()[1],
        "smtp_plain": plain.sockets[0].getsockname()[1],
        "https": http_server.server_address[1],
    }
    tmp = os.path.join(args.dir, "ports.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(ports, f)
    os.replace(tmp, os.path.join(args.dir, "ports.json"))
    print(f"receivers: listening {ports}", file=sys.stderr, flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main()
