"""Billing from Python: a customer pays by card and reads their statements; an administrator
handles a card that keeps failing; bad cards and bad actions are typed errors; no card number
is ever shown or stored in the clear."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import sysops
from conftest import START, caller_address
from sysops import Actor, Card, CardBrand, CardKey, Contact, Currency, InvoiceStatus, Money, Role, Simulated, StaffRole

NUMBER, CVV = "4242 4242 4242 4242", "123"


def open_office(
    url: str, billing_url: str | None = None, analytics_url: str | None = None
) -> tuple[sysops.Sysops, Actor, Actor]:
    """A simulated office with card keys, an administrator and one subscribed customer."""
    keys = [CardKey("py-test", bytes(range(32)))]
    s = sysops.Sysops.open_with(url, billing_url, keys, START, 5, analytics_url)
    admin = Actor(Role.ADMINISTRATOR, s.create_staff_account(sysops.system_actor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    targets = sysops.ServiceTargets(timedelta(minutes=30), timedelta(hours=4), timedelta(hours=48), timedelta(days=7))
    terms = sysops.PlanTerms("Gold", Money(Decimal("31.00"), Currency.USD), [sysops.ProductCategory.TELEVISION], sysops.Priority.HIGH, targets, sysops.ServiceHours.AroundTheClock())
    plan = s.define_plan(admin, terms)
    customer = s.register_customer(admin, Contact("Carla Card", "carla@example.com", "+13125550100"), caller_address(), plan.id)
    me = Actor(Role.CUSTOMER, customer.id)
    s.start_subscription(me, customer.id, Card(NUMBER, 2031, 7, "Carla Card", CVV))
    return s, admin, me


def test_a_customer_pays_monthly_and_reads_their_statements(tmp_path: Path) -> None:
    s, admin, me = open_office(f"sqlite://{tmp_path / 'sysops.db'}")
    subscription = s.subscription(me, me.id)
    assert subscription.active
    assert (subscription.card.brand, subscription.card.last4) == (CardBrand.VISA, "4242")
    assert "4242 4242" not in repr(subscription) and "4242424242424242" not in repr(subscription)

    s.advance_clock(timedelta(days=30))
    gateway = sysops.SimulatedGateway()
    report = s.run_billing(sysops.system_actor(), "2026-03", gateway)
    assert (report.issued, report.paid) == (1, 1)
    again = s.run_billing(sysops.system_actor(), "2026-03", gateway)
    assert (again.issued, again.paid, gateway.charges) == (0, 0, 1), "a rerun bills and charges nothing twice"

    statements = s.invoices(me, me.id)
    [invoice] = statements.invoices
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.period == "2026-03"
    # Subscribed on March 2: 30 of 31 days at 31.00.
    assert [(line.days, line.amount.amount) for line in invoice.lines] == [(30, Decimal("30.00"))]
    assert invoice.total == Money(Decimal("30.00"), Currency.USD)
    assert sum(line.amount.amount for line in invoice.lines) == invoice.total.amount
    s.close()


def test_an_administrator_handles_a_card_that_keeps_failing(tmp_path: Path) -> None:
    s, admin, me = open_office(f"sqlite://{tmp_path / 'sysops.db'}")
    gateway = sysops.SimulatedGateway()
    card = Card(NUMBER, 2031, 7, "Carla Card")
    gateway.script(card, [Simulated.DECLINE], "insufficient funds")
    s.advance_clock(timedelta(days=30))
    first = s.run_billing(sysops.system_actor(), "2026-03", gateway)
    [declined] = first.declined
    assert declined.reason == "insufficient funds"
    for days in (1, 2, 4):
        s.advance_clock(timedelta(days=days))
        report = s.run_billing(sysops.system_actor(), "2026-03", gateway)
    assert report.suspended == [me.id], "after the last retry the account is suspended"
    with pytest.raises(sysops.RuleViolatedError) as refused:
        s.submit_ticket(me, me.id, category="television", description="No picture")
    assert refused.value.rule == sysops.Rule.ACCOUNT_SUSPENDED
    invoice = s.invoice(admin, declined.invoice)
    assert invoice.status == InvoiceStatus.UNCOLLECTIBLE
    assert s.customer(me, me.id).suspended_for == invoice.id
    assert [a.number for a in invoice.attempts] == [1, 2, 3, 4]

    with pytest.raises(sysops.InvalidInputError):
        s.write_off_invoice(admin, invoice.id, "")  # an administrator's action needs a reason
    written_off = s.write_off_invoice(admin, invoice.id, "customer in hardship")
    assert written_off.status == InvoiceStatus.WRITTEN_OFF
    assert [(a.action, a.reason, a.by) for a in written_off.admin_actions] == [
        (sysops.Action.WRITE_OFF_INVOICE, "customer in hardship", admin)
    ]
    assert s.customer(me, me.id).suspended_for is None
    s.submit_ticket(me, me.id, category="television", description="No picture")  # reinstated
    s.close()


def test_refunds_are_bounded_by_what_was_paid(tmp_path: Path) -> None:
    s, admin, me = open_office(f"sqlite://{tmp_path / 'sysops.db'}")
    gateway = sysops.SimulatedGateway()
    s.advance_clock(timedelta(days=30))
    assert s.run_billing(sysops.system_actor(), "2026-03", gateway).paid == 1
    [paid] = [invoice.id for invoice in s.invoices(me, me.id).invoices]
    with pytest.raises(sysops.InvalidInputError):
        s.refund_payment(admin, paid, Money(Decimal("-1"), Currency.USD), "goodwill", gateway)
    with pytest.raises(sysops.RuleViolatedError) as too_much:
        s.refund_payment(admin, paid, Money(Decimal("30.01"), Currency.USD), "goodwill", gateway)
    assert too_much.value.rule == sysops.Rule.REFUND_TOO_LARGE
    refunded = s.refund_payment(admin, paid, Money(Decimal("10"), Currency.USD), "goodwill", gateway)
    assert [(r.amount.amount, r.refund is not None) for r in refunded.refunds] == [(Decimal("10.00"), True)]
    assert gateway.refunds == 1
    s.close()


@pytest.mark.parametrize(
    ("number", "year", "month", "cvv", "field"),
    [
        ("4242 4242 4242 4241", 2031, 7, None, "card_number"),  # a wrong Luhn digit
        ("4111 1111 1111 1111 1111 11111", 2031, 7, None, "card_number"),  # 25 digits
        ("4242 4242 4242 424x", 2031, 7, None, "card_number"),
        ("4242 4242 4242 4242", 2031, 13, None, "card_expiry"),
        ("4242 4242 4242 4242", 2031, 7, "12", "cvv"),
    ],
)
def test_a_bad_card_is_refused_without_repeating_its_number(number: str, year: int, month: int, cvv: str | None, field: str) -> None:
    with pytest.raises(sysops.InvalidInputError) as refused:
        Card(number, year, month, "Carla Card", cvv)
    assert refused.value.field == field
    assert number.replace(" ", "")[:12] not in str(refused.value)


def test_an_expired_card_is_refused_and_a_card_never_shows_its_number(tmp_path: Path) -> None:
    s, admin, me = open_office(f"sqlite://{tmp_path / 'sysops.db'}")
    expired = Card("5555 5555 5555 4444", 2026, 2, "Carla Card", "987")
    assert repr(expired) == "Card(Mastercard •••• 4444, 02/2026)"
    with pytest.raises(sysops.RuleViolatedError) as refused:
        s.replace_card(me, me.id, expired)
    assert refused.value.rule == sysops.Rule.CARD_EXPIRED
    assert "bytes" not in repr(CardKey("k", bytes(32))) and "py-test" in repr(CardKey("py-test", bytes(32)))
    s.close()


def test_billing_is_for_the_customer_themself_and_administrators(tmp_path: Path) -> None:
    s, admin, me = open_office(f"sqlite://{tmp_path / 'sysops.db'}")
    helpdesk = Actor(Role.HELPDESK, s.create_staff_account(admin, "Hal", "hal@sysops.example", StaffRole.HELPDESK).id)
    plan = s.customer(admin, me.id).plan
    other = s.register_customer(admin, Contact("Oscar Other", "oscar@example.com", "+13125550101"), caller_address(), plan)
    for actor in (helpdesk, Actor(Role.CUSTOMER, other.id)):
        with pytest.raises(sysops.ForbiddenError) as refused:
            s.subscription(actor, me.id)
        assert refused.value.action == sysops.Action.VIEW_BILLING
        with pytest.raises(sysops.ForbiddenError):
            s.invoices(actor, me.id)
    with pytest.raises(sysops.ForbiddenError):
        s.run_billing(me, "2026-02", sysops.SimulatedGateway())
    s.close()


def test_billing_can_live_in_a_database_of_its_own(tmp_path: Path) -> None:
    s, admin, me = open_office(f"sqlite://{tmp_path / 'sysops.db'}", f"sqlite://{tmp_path / 'billing.db'}")
    s.advance_clock(timedelta(days=30))
    assert s.run_billing(sysops.system_actor(), "2026-03", sysops.SimulatedGateway()).paid == 1
    s.close()
    for path in (tmp_path / "sysops.db", tmp_path / "billing.db"):
        for stored in path.parent.glob(path.name + "*"):
            data = stored.read_bytes()
            assert b"4242424242424242" not in data and "4242424242424242".encode("utf-16-le") not in data


class ProviderGateway:
    """A gateway written in Python, as a host's would wrap its provider's API: it declines
    once, times out once after charging (the answer lost), and honours keys."""

    def __init__(self) -> None:
        self.by_key: dict[str, sysops.ChargeAnswer] = {}
        self.seen: list[str] = []
        self.refunded: dict[str, str] = {}
        self.script = ["decline", "charge-then-time-out"]

    def charge(self, request: sysops.ChargeRequest) -> sysops.ChargeAnswer:
        self.seen.append(repr(request))
        assert request.number() == NUMBER.replace(" ", "") and request.card_last4 == "4242"
        assert (request.expiry_year, request.expiry_month) == (2031, 7)
        if request.key in self.by_key:
            return self.by_key[request.key]
        step = self.script.pop(0) if self.script else "charge"
        if step == "decline":
            answer: sysops.ChargeAnswer = sysops.ChargeAnswer.Declined(reason="do not honour")
            self.by_key[request.key] = answer
            return answer
        self.by_key[request.key] = sysops.ChargeAnswer.Charged(charge=f"ch_{len(self.by_key) + 1}")
        if step == "charge-then-time-out":
            raise TimeoutError("the provider did not answer in time")
        return self.by_key[request.key]

    def refund(self, request: sysops.RefundRequest) -> str:
        return self.refunded.setdefault(request.key, f"re_{request.charge}")


def test_the_hosts_own_gateway_charges_once_per_key_and_never_sees_the_number_printed(tmp_path: Path) -> None:
    s, admin, me = open_office(f"sqlite://{tmp_path / 'sysops.db'}")
    gateway = ProviderGateway()
    s.advance_clock(timedelta(days=30))
    first = s.run_billing(sysops.system_actor(), "2026-03", gateway)
    [declined] = first.declined
    assert declined.reason == "do not honour"
    s.advance_clock(timedelta(days=1))
    retried = s.run_billing(sysops.system_actor(), "2026-03", gateway)
    # The retry charged, lost its answer, and was asked again with the same key in the run.
    assert retried.paid == 1 and retried.unanswered == []
    invoice = s.invoice(admin, declined.invoice)
    assert invoice.status == InvoiceStatus.PAID
    assert len({key for key, answer in gateway.by_key.items() if isinstance(answer, sysops.ChargeAnswer.Charged)}) == 1
    refunded = s.refund_payment(admin, invoice.id, Money(Decimal("5.00"), Currency.USD), "goodwill", gateway)
    assert [r.refund for r in refunded.refunds] == ["re_ch_2"]
    assert gateway.seen and all("4242424242424242" not in shown and "4242 4242" not in shown for shown in gateway.seen)
    assert all("4242" in shown for shown in gateway.seen), "the request shows its last four digits"
    s.close()


def test_a_gateway_that_raises_or_answers_garbage_gives_no_answer_and_is_asked_again(tmp_path: Path) -> None:
    s, admin, me = open_office(f"sqlite://{tmp_path / 'sysops.db'}")

    class Broken:
        def __init__(self) -> None:
            self.calls = 0

        def charge(self, request: sysops.ChargeRequest) -> sysops.ChargeAnswer:
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError(f"provider down while charging {request.number()}")
            return sysops.ChargeAnswer.Charged(charge="")  # an id sysops cannot keep

        def refund(self, request: sysops.RefundRequest) -> str:
            return "re_1"

    s.advance_clock(timedelta(days=30))
    broken = Broken()
    report = s.run_billing(sysops.system_actor(), "2026-03", broken)
    [lost] = report.unanswered
    assert (report.issued, report.paid, broken.calls) == (1, 0, 2)
    invoice = s.invoice(admin, lost)
    assert "4242424242424242" not in repr(invoice), "the exception's message is not recorded"
    with pytest.raises(sysops.InvalidInputError) as refused:
        s.run_billing(sysops.system_actor(), "2026-03", object())  # type: ignore[arg-type]
    assert refused.value.field == "gateway"
    paid = s.run_billing(sysops.system_actor(), "2026-03", sysops.SimulatedGateway())
    assert (paid.paid, paid.unanswered) == (1, []), "asked again with the same key, the invoice is paid"
    s.close()
