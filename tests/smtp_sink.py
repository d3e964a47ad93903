"""A real SMTP server on a free loopback port (aiosmtpd), for the reminder tests and
bench/reminders.py. It keeps what it accepted, can answer the next messages with
given codes, and can hold a message at MAIL FROM until the test lets it go."""

import asyncio
import email
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    def __init__(self):
        self.messages = []
        # Answers for the next reminder or agenda messages (not other e-mails), e.g. "421 4.3.0 try again later".
        self.answers = []
        self.mail_commands = 0
        self.hold_at = None  # the MAIL FROM number (1-based) to hold
        self.held = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.mail_commands += 1
            hold = self.mail_commands == self.hold_at
        if hold:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "421 4.3.0 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            ours = b"Message-ID: <reminder-" in envelope.content or b"Message-ID: <agenda-" in envelope.content
            if self.answers and ours:
                return self.answers.pop(0)
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def message_ids(self):
        with self.lock:
            return [message["Message-ID"] for message in self.messages]

    def reminder_ids(self):
        """Message-IDs of the reminders received, in order of arrival (a resend repeats one)."""
        return [mid for mid in self.message_ids() if mid.startswith("<reminder-")]

    def wait_for(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return True
            time.sleep(0.02)
        return False


class SmtpSink:
    """Start with `with SmtpSink() as sink:`; `sink.port` is where it listens."""

    def __init__(self):
        self.handler = Sink()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.handler.port = self.port
        self.controller.start()
        return self.handler

    def __exit__(self, *exc):
        self.handler.release.set()
        self.controller.stop()
