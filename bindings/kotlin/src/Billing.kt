// Billing from Kotlin: the customer's view (subscribe by card, read statements) and the
// administrator's (a card that keeps failing, a refund, a write-off), with the bad inputs.
// No card number is ever shown: a Card's toString() has the last four digits only.
// Usage: BillingKt DATABASE_URL
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant

fun expectRule(rule: Rule, what: String, block: suspend () -> Unit) {
    val e = expectThrows<SysopsException.RuleViolated>(what) { runBlocking { block() } }
    check(e.rule == rule, "$what: expected rule $rule, got ${e.rule}")
    println("ok  $what -> RuleViolated($rule)")
}

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: BillingKt DATABASE_URL")
    val keys = listOf(CardKey("kotlin-test", ByteArray(32) { it.toByte() }))
    val s = Sysops.openWith(url, null, keys, Instant.parse("2026-03-02T15:00:00Z"), 11uL)
    val admin = Actor(Role.ADMINISTRATOR, s.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    val targets = ServiceTargets(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(48), Duration.ofDays(7))
    val plan = s.definePlan(admin, PlanTerms("Gold", Money(BigDecimal("31.00"), Currency.USD), listOf(ProductCategory.TELEVISION), Priority.HIGH, targets, ServiceHours.AroundTheClock))
    val address = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val carla = s.registerCustomer(admin, Contact("Carla Card", "carla@example.com", "+13125550100", MessageChannel.EMAIL), address, plan.id)
    val me = Actor(Role.CUSTOMER, carla.id)

    // Bad cards are refused where they are made, naming the field and never the digits.
    for ((number, field) in listOf(
        "4242 4242 4242 4241" to "card_number", // a wrong Luhn digit
        "4111 1111 1111 1111 1111 11111" to "card_number", // 25 digits
        "4242-4242-4242-424x" to "card_number",
    )) {
        val e = expectThrows<SysopsException.InvalidInput>(number) { Card(number, 2031, 7, "Carla Card", null) }
        check(e.field == field && !e.reason.contains("4242 4242"), "$number: ${e.field} ${e.reason}")
        println("ok  card $field refused")
    }
    expectThrows<SysopsException.InvalidInput>("month 13") { Card("4242424242424242", 2031, 13, "Carla Card", null) }
    expectThrows<SysopsException.InvalidInput>("a two-digit CVV") { Card("4242424242424242", 2031, 7, "Carla Card", "12") }
    expectThrows<SysopsException.InvalidInput>("a short key") { CardKey("k", ByteArray(16)) }

    val card = Card("4242 4242 4242 4242", 2031, 7, "Carla Card", "123")
    check(card.toString() == "Card(Visa •••• 4242, 07/2031)", "a card shows its last four digits only: $card")
    check(!keys[0].toString().contains("0, 1, 2"), "a key never shows its bytes: ${keys[0]}")
    expectRule(Rule.CARD_EXPIRED, "an expired card") { s.startSubscription(me, carla.id, Card("5555555555554444", 2026, 2, "Carla Card", null)) }

    // The customer's view.
    val subscription = s.startSubscription(me, carla.id, card)
    check(subscription.card.last4 == "4242" && subscription.card.brand == CardBrand.VISA, "card on file")
    check(!subscription.toString().contains("4242424242424242"), "no number in a subscription")
    s.advanceClock(Duration.ofDays(30))
    val gateway = SimulatedGateway()
    val march = s.runBilling(systemActor(), "2026-03", gateway)
    check(march.issued == 1uL && march.paid == 1uL, "March billed and paid: $march")
    check(s.runBilling(systemActor(), "2026-03", gateway).issued == 0uL && gateway.charges() == 1uL, "a rerun bills nothing twice")
    val statements = s.invoices(me, carla.id, null, 10)
    val invoice = statements.invoices.single()
    check(invoice.status == InvoiceStatus.PAID && invoice.total == Money(BigDecimal("30.00"), Currency.USD), "30 of 31 days: $invoice")
    println("ok  the customer reads March: ${invoice.total.amount} ${invoice.total.currency}")

    // Others may not read it.
    val hal = Actor(Role.HELPDESK, s.createStaffAccount(admin, "Hal", "hal@sysops.example", StaffRole.HELPDESK).id)
    val refused = expectThrows<SysopsException.Forbidden>("helpdesk reading billing") { runBlocking { s.subscription(hal, carla.id) } }
    check(refused.action == Action.VIEW_BILLING, "forbidden action")
    println("ok  helpdesk may not read a customer's billing")

    // The administrator's view: a refund within what was paid, with a reason.
    expectThrows<SysopsException.InvalidInput>("a negative refund") {
        runBlocking { s.refundPayment(admin, invoice.id, Money(BigDecimal("-1"), Currency.USD), "goodwill", gateway) }
    }
    expectRule(Rule.REFUND_TOO_LARGE, "a refund above what was paid") {
        s.refundPayment(admin, invoice.id, Money(BigDecimal("30.01"), Currency.USD), "goodwill", gateway)
    }
    expectThrows<SysopsException.InvalidInput>("a refund without a reason") {
        runBlocking { s.refundPayment(admin, invoice.id, Money(BigDecimal("5"), Currency.USD), "", gateway) }
    }
    val refunded = s.refundPayment(admin, invoice.id, Money(BigDecimal("5"), Currency.USD), "goodwill", gateway)
    check(refunded.refunds.single().refund != null && gateway.refunds() == 1uL, "refunded once")
    println("ok  an administrator refunds 5.00 with a reason")

    // A card that keeps failing: retries after 1, 3 and 7 days, then suspension; a write-off lifts it.
    gateway.script(card, listOf(Simulated.DECLINE), "insufficient funds")
    s.advanceClock(Duration.ofDays(31))
    var report = s.runBilling(systemActor(), "2026-04", gateway)
    check(report.declined.single().reason == "insufficient funds", "April declined")
    for (days in listOf(1L, 2L, 4L)) {
        s.advanceClock(Duration.ofDays(days))
        report = s.runBilling(systemActor(), "2026-04", gateway)
    }
    check(report.suspended == listOf(carla.id), "suspended after the last retry")
    check(s.customer(me, carla.id).suspendedFor != null, "the customer sees the suspension")
    expectRule(Rule.ACCOUNT_SUSPENDED, "a suspended customer submitting") {
        s.submitTicket(me, carla.id, NewTicket(ProductCategory.TELEVISION, "No picture", 1))
    }
    val april = s.invoices(admin, carla.id, null, 10).invoices.single { it.period == "2026-04" }
    val written = s.writeOffInvoice(admin, april.id, "customer in hardship")
    check(written.status == InvoiceStatus.WRITTEN_OFF && written.adminActions.single().by == admin, "written off by the admin")
    s.submitTicket(me, carla.id, NewTicket(ProductCategory.TELEVISION, "No picture", 1))
    println("ok  written off with a reason; the customer can submit again")

    // The host's own gateway: May is charged through Kotlin code, which honours keys; a
    // throw is no answer, asked again with the same key; a refund goes through it too.
    val provider = ProviderGateway()
    s.advanceClock(Duration.ofDays(31))
    val may = s.runBilling(systemActor(), "2026-05", provider)
    check(may.paid == 1uL && may.issued == 1uL, "May paid through the Kotlin gateway: $may")
    check(provider.charged.size == 1 && provider.calls == 2, "the throw was asked again with one key: ${provider.calls}")
    check(provider.seen.all { !it.contains("4242424242424242") && it.contains("4242") }, "a request never prints the number")
    val mayInvoice = s.invoices(admin, carla.id, null, 10).invoices.single { it.period == "2026-05" }
    val mayRefund = s.refundPayment(admin, mayInvoice.id, Money(BigDecimal("5.00"), Currency.USD), "goodwill", provider)
    check(mayRefund.refunds.single().refund == "re_1", "refunded through the Kotlin gateway: $mayRefund")
    println("ok  the host's gateway charges once per key and refunds")
    s.shutdown()
}

/** A provider's API as a Kotlin app would wrap it: its first call fails, and it honours keys. */
class ProviderGateway : PaymentGateway {
    val charged = mutableMapOf<String, ChargeAnswer>()
    val seen = mutableListOf<String>()
    var calls = 0

    override fun charge(request: ChargeRequest): ChargeAnswer {
        calls += 1
        seen.add(request.toString())
        check(request.number() == "4242424242424242" && request.expiryYear() == 2031u, "the card reaches the gateway")
        if (calls == 1) throw IllegalStateException("provider down")
        return charged.getOrPut(request.key()) { ChargeAnswer.Charged("ch_${charged.size + 1}") }
    }

    override fun refund(request: RefundRequest): String = "re_1"
}
