// Notifications from Kotlin, as the mobile app's backend runs them: an expert receives the
// offer by SMS through the host's notifier, an invalid number is recorded and never tried
// again, the consumer runs until stopped, and a ticket nearing its deadline emails the plan's
// escalation contact once; the customer answers the completed ticket's survey from the link.
// Usage: NotificationsKt DATABASE_URL
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import java.util.Collections

/** A test notifier: keeps every message; numbers in `invalid` fail for good. */
class TestNotifier(private val invalid: Set<String> = emptySet()) : Notifier {
    val sent: MutableList<Message> = Collections.synchronizedList(mutableListOf())

    override fun send(message: Message) {
        if (message.to in invalid) throw SendException.Permanent("no such number")
        sent.add(message)
    }
}

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: NotificationsKt DATABASE_URL")
    val s = Sysops.openSimulated(url, Instant.parse("2026-03-02T15:00:00Z"), 41uL)
    val admin = Actor(Role.ADMINISTRATOR, s.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    val hal = Actor(Role.HELPDESK, s.createStaffAccount(admin, "Hal Helpdesk", "hal@sysops.example", StaffRole.HELPDESK).id)
    val targets = ServiceTargets(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(48), Duration.ofDays(7))
    val terms = PlanTerms("Gold", Money(BigDecimal("29.99"), Currency.USD), listOf(ProductCategory.TELEVISION), Priority.HIGH, targets, ServiceHours.AroundTheClock, "duty.manager@sysops.example")
    val plan = s.definePlan(admin, terms)
    val always = WeeklyHours("America/Chicago", Weekday.values().map { WorkWindow(it, "00:00", "23:59") })
    val account = s.createStaffAccount(admin, "Eve Expert", "eve@sysops.example", StaffRole.EXPERT)
    val profile = ExpertProfile("Eve Expert", listOf(Skill(ProductCategory.TELEVISION, 3)), GeoPoint(41.88, -87.63), 50, always, 5, "+13125550177")
    val eve = Actor(Role.EXPERT, s.registerExpert(admin, account.id, profile).id)
    val home = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val carla = s.registerCustomer(hal, Contact("Carla Caller", "carla@example.com", "+13125550100", MessageChannel.SMS), home, plan.id)

    val ticket = s.submitTicket(hal, carla.id, NewTicket(ProductCategory.TELEVISION, "No picture", 1))
    s.assignTicket(admin, ticket.id, eve.id)
    val phone = TestNotifier()
    val report = s.notifyRound(systemActor(), phone, defaultNotifyOptions())
    val offer = phone.sent.single()
    check(report.sent == 1uL && offer.kind == MessageKind.OFFER_MADE, "one offer: $report ${phone.sent}")
    check(offer.channel == MessageChannel.SMS && offer.to == "+13125550177", "by SMS to the expert's phone: $offer")
    check(offer.body.contains(ticket.number) && offer.subject == null, "the ticket's number in the text: ${offer.body}")
    check(s.notifyRound(systemActor(), phone, NotifyOptions()).sent == 0uL, "each message once")
    println("ok  the expert receives the offer by SMS through the host's notifier")

    s.acceptTicket(eve, ticket.id)
    val refusing = TestNotifier(invalid = setOf("+13125550100"))
    check(s.notifyRound(systemActor(), refusing, NotifyOptions()).failed == 1uL, "the customer's number is invalid")
    s.advanceClock(Duration.ofHours(2))
    check(s.notifyRound(systemActor(), refusing, NotifyOptions()).failed == 0uL, "and never tried again")
    val history = s.ticketDeliveries(Actor(Role.CUSTOMER, carla.id), ticket.id, 10u)
    check(history.map { it.status } == listOf(DeliveryStatus.FAILED, DeliveryStatus.SENT), "newest first: $history")
    check(history.first().error?.contains("no such number") == true, "the reason is kept: ${history.first()}")
    println("ok  an invalid number is recorded and never tried again")

    // Two hours more: the next ticket has used 80 % of its four-hour response target at 3h12.
    val late = s.submitTicket(hal, carla.id, NewTicket(ProductCategory.TELEVISION, "No sound", 1))
    s.advanceClock(Duration.ofMinutes(3 * 60 + 15))
    val deadlines = s.checkDeadlines(systemActor(), 80u)
    check(deadlines.nearing == 1uL && deadlines.breached == 0uL, "one ticket nearing: $deadlines")
    val stop = StopSignal()
    val office = TestNotifier()
    val run = async { s.runNotifications(systemActor(), office, NotifyOptions(), 20u, stop) }
    delay(300)
    stop.stop()
    val totals = run.await()
    val warning = office.sent.single { it.kind == MessageKind.DEADLINE_NEARING }
    check(warning.to == "duty.manager@sysops.example" && warning.ticket == late.id, "the escalation contact: $warning")
    check(totals.rounds >= 1uL && stop.isStopped(), "the run stopped: $totals")
    println("ok  a ticket nearing its deadline emails the escalation contact, through a run stopped cleanly")

    try {
        s.saveTemplate(admin, Template(MessageKind.OFFER_MADE, MessageChannel.SMS, null, "Pay {amount}"))
        error("a fact an offer does not carry was saved")
    } catch (e: SysopsException.InvalidInput) {
        check(e.field == "template", "named as the template: $e")
    }
    println("ok  a template naming a fact its kind lacks is refused when saved")

    s.startWork(eve, ticket.id)
    s.completeTicket(eve, ticket.id, "Replaced the board")
    val inbox = TestNotifier()
    s.notifyRound(systemActor(), inbox, NotifyOptions())
    val invitation = inbox.sent.single { it.kind == MessageKind.SURVEY_INVITATION }
    check(invitation.channel == MessageChannel.EMAIL && invitation.to == "carla@example.com", "by email: $invitation")
    val token = Regex("/survey/([A-Za-z0-9_-]{64})").find(invitation.body)?.groupValues?.get(1) ?: error("no link: ${invitation.body}")
    check(s.openSurvey(token).expertName == "Eve Expert", "the page names the expert")
    s.answerSurvey(token, SurveyAnswer(5L, 10L, "Fixed in minutes"))
    try {
        s.answerSurvey(token, SurveyAnswer(1L))
        error("a survey was answered twice")
    } catch (e: SysopsException.RuleViolated) {
        check(e.rule == Rule.SURVEY_ANSWERED, "answered once: $e")
    }
    val rated = s.expert(admin, eve.id)
    check(rated.surveys == 1u && rated.rating == 5.0, "the score rates the expert: $rated")
    println("ok  the customer answers the survey from the emailed link, once, and the expert is rated")
    s.close()
}
