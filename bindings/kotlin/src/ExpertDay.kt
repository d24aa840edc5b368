// The expert's day (tests/scenario/README.md) from Kotlin, as the mobile app calls sysops.
// Usage: ExpertDayKt DATABASE_URL — prints the final state; scripts/test.sh compares it with
// the Rust and Python runs of the same scenario.
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant

fun check(ok: Boolean, what: String) {
    if (!ok) throw IllegalStateException("scenario broken: $what")
}

fun officeHours() = WeeklyHours(
    zone = "America/Chicago",
    windows = listOf(Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
        .map { WorkWindow(day = it, start = "08:00", end = "18:00") },
)

fun outcomeName(outcome: Outcome) = when (outcome) {
    is Outcome.Pending -> "pending"
    is Outcome.Accepted -> "accepted"
    is Outcome.Rejected -> "rejected"
    is Outcome.Expired -> "expired"
    is Outcome.Withdrawn -> "withdrawn"
}

fun summaryLine(t: Ticket): String {
    val offers = t.assignments.joinToString(",") { "${it.expert}:${outcomeName(it.outcome)}" }
    return "ticket ${t.id} ${t.status.name} expert=${t.expert ?: "-"} offers=$offers"
}

/** Runs [block] and returns the exception it throws, or fails when it throws none. */
inline fun <reified E : Throwable> expectThrows(what: String, block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw IllegalStateException("$what: expected ${E::class.simpleName}, got $e", e)
    }
    throw IllegalStateException("$what: expected ${E::class.simpleName}, nothing was thrown")
}

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: ExpertDayKt DATABASE_URL")
    val s = Sysops.openSimulated(url, Instant.parse("2026-03-02T15:00:00Z"), 7uL)
    val system = systemActor()

    val ada = s.createStaffAccount(system, "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR)
    val admin = Actor(Role.ADMINISTRATOR, ada.id)
    val hal = s.createStaffAccount(admin, "Hal Helpdesk", "hal@sysops.example", StaffRole.HELPDESK)
    val helpdesk = Actor(Role.HELPDESK, hal.id)

    val plan = s.definePlan(
        admin,
        PlanTerms(
            name = "Gold",
            monthlyFee = Money(BigDecimal("29.99"), Currency.USD),
            categories = listOf(ProductCategory.TELEVISION, ProductCategory.COMPUTER),
            priority = Priority.HIGH,
            targets = ServiceTargets(
                answerWithin = Duration.ofMinutes(30),
                respondWithin = Duration.ofHours(4),
                resolveWithin = Duration.ofHours(48),
                reopenWithin = Duration.ofDays(7),
            ),
            hours = ServiceHours.AroundTheClock,
        ),
    )

    val experts = listOf(
        Triple("Eve Expert", "eve@sysops.example", GeoPoint(41.8781, -87.6298)),
        Triple("Sam Expert", "sam@sysops.example", GeoPoint(41.95, -87.75)),
    ).map { (name, email, base) ->
        val account = s.createStaffAccount(admin, name, email, StaffRole.EXPERT)
        val profile = ExpertProfile(
            name = name,
            skills = listOf(Skill(ProductCategory.TELEVISION, 3), Skill(ProductCategory.COMPUTER, 3)),
            base = base,
            radiusKm = 50,
            hours = officeHours(),
            capacity = 5,
        )
        Actor(Role.EXPERT, s.registerExpert(admin, account.id, profile).id)
    }
    val (eve, sam) = experts

    val contact = Contact("Carla Caller", "carla@example.com", "+13125550100", MessageChannel.EMAIL)
    val address = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val carla = s.registerCustomer(helpdesk, contact, address, plan.id)
    val (first, second, third) = listOf(
        NewTicket(ProductCategory.TELEVISION, "No picture, sound is fine", 2),
        NewTicket(ProductCategory.COMPUTER, "Laptop does not boot", 2),
        NewTicket(ProductCategory.TELEVISION, "Remote not pairing", 1),
    ).map { s.submitTicket(helpdesk, carla.id, it).id }

    val report = s.runAssignment(system, null)
    check(report.offers.size == 3 && report.offers.all { it.expert == eve.id }, "Eve is offered all three")

    // The expert's day on the phone: my tickets, accept, work, complete; reject one.
    val mine = s.tickets(eve, TicketFilter(expert = eve.id), null, 50)
    check(mine.tickets.size == 3 && mine.tickets.all { it.status == TicketStatus.ASSIGNED }, "Eve sees her three offers")
    s.acceptTicket(eve, first)
    s.startWork(eve, first)
    val done = s.completeTicket(eve, first, "Replaced HDMI board")
    check(done.state is TicketState.Completed, "the first ticket is completed")
    s.rejectTicket(eve, second, "No laptop parts in the van")

    val forbidden = expectThrows<SysopsException.Forbidden>("accepting a ticket not offered to her") {
        runBlocking { s.acceptTicket(eve, second) }
    }
    check(forbidden.reason == DenyReason.NOT_ASSIGNED_TO_YOU, "forbidden says why: ${forbidden.reason}")
    val missing = expectThrows<SysopsException.NotFound>("accepting an unknown ticket") {
        runBlocking { s.acceptTicket(eve, "00000000-0000-0000-0000-000000000000") }
    }
    check(missing.kind == "ticket", "not found names the kind")
    val invalid = expectThrows<SysopsException.InvalidInput>("a bad phone number") {
        runBlocking { s.registerCustomer(helpdesk, contact.copy(phone = "12345"), address, plan.id) }
    }
    check(invalid.field == "phone", "invalid input names the field: ${invalid.field}")

    s.advanceClock(Duration.ofMinutes(45))
    val again = s.runAssignment(system, null)
    check(again.expired == listOf(third), "the unanswered offer expires")
    check(again.offers.size == 2 && again.offers.all { it.expert == sam.id }, "Sam gets both")
    s.acceptTicket(sam, second)

    for (id in listOf(first, second, third)) println(summaryLine(s.ticket(admin, id)))
    val history = s.ticketHistory(eve, first)
    println("history $first ${history.joinToString(",") { it.name }}")
    s.shutdown()
}
