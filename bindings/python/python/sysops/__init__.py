"""Sysops from Python: the same rules the mobile app and the Rust services run.

Open a database, act as someone, and call the facade::

    import sysops
    s = sysops.Sysops.open("sqlite://sysops.db")
    helpdesk = sysops.Actor(sysops.Role.HELPDESK, helpdesk_account_id)
    ticket = s.submit_ticket(helpdesk, customer_id, category="television", description="No picture")

Every call releases the GIL while the database works. Every failure is a
:class:`SysopsError` subclass carrying its data as attributes.
"""

from typing import Protocol

from ._sysops import *  # noqa: F401,F403
from . import _sysops
from ._sysops import ChargeAnswer, ChargeRequest, Message, RefundRequest


class PaymentGateway(Protocol):
    """The host's payment provider, passed to ``run_billing``, ``retry_payment`` and
    ``refund_payment`` (or a :class:`SimulatedGateway`). sysops calls it from a background
    thread and waits for the answer.

    Both calls must honour ``request.key`` as an idempotency key: asked twice with one key,
    charge or refund at most once and answer the second call as the first. sysops records
    every key before it calls and asks again with the same key when no answer came. Raising
    is no answer: ``TimeoutError`` a timeout, anything else the provider unavailable
    (recorded by the exception's type name only).
    """

    def charge(self, request: ChargeRequest) -> ChargeAnswer:
        """Charges ``request.amount`` to the card ``request.number()``."""
        ...

    def refund(self, request: RefundRequest) -> str:
        """Refunds ``request.amount`` of the charge ``request.charge``; answers the refund's id."""
        ...


class Notifier(Protocol):
    """The host's way of sending messages (an SMS gateway, an email service), passed to
    ``notify_round`` and ``run_notifications``. sysops calls it from background threads and
    waits for each answer.

    It should honour ``message.key``: after a crash a message may be handed over again with
    the same key, and a notifier that sends at most once per key never sends it twice.
    Returning is sent; raising ``ValueError`` is a permanent failure (an invalid number:
    recorded, never retried); any other exception is transient (retried with backoff).
    """

    def send(self, message: Message) -> None:
        """Delivers ``message.body`` (and an email's ``message.subject``) to ``message.to``."""
        ...


__all__ = [name for name in dir(_sysops) if not name.startswith("_")] + ["Notifier", "PaymentGateway"]
