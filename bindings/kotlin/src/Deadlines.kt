// Deadlines on a plan's business hours from Kotlin: an office-hours plan, a caller in Chicago,
// a ticket submitted on a Friday afternoon that is due on Monday morning in the caller's zone
// (across the change to daylight time), a wait on the caller that moves a deadline, and the typed errors of a calendar too thin, a date
// that does not exist and a zone that does not exist.
// Usage: DeadlinesKt DATABASE_URL
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: DeadlinesKt DATABASE_URL")
    // Friday 2026-03-06, 16:55 in Chicago; the clocks go forward on Sunday.
    val s = Sysops.openSimulated(url, Instant.parse("2026-03-06T22:55:00Z"), 29uL)
    val admin = Actor(Role.ADMINISTRATOR, s.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    val hal = Actor(Role.HELPDESK, s.createStaffAccount(admin, "Hal Helpdesk", "hal@sysops.example", StaffRole.HELPDESK).id)
    val weekdays = listOf(Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
    val office = ServiceHours.Business(weekdays.map { WorkWindow(it, "09:00", "17:00") }, listOf("2026-12-25"))
    val targets = ServiceTargets(Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(8), Duration.ofDays(7))
    val terms = PlanTerms("Office", Money(BigDecimal("19.99"), Currency.USD), listOf(ProductCategory.TELEVISION), Priority.STANDARD, targets, office)
    val plan = s.definePlan(admin, terms)
    check(plan.terms.hours == office, "the calendar reads back as given: ${plan.terms.hours}")
    val home = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val carla = s.registerCustomer(hal, Contact("Carla Caller", "carla@example.com", "+13125550100", MessageChannel.EMAIL), home, plan.id)

    val ticket = s.submitTicket(hal, carla.id, NewTicket(ProductCategory.TELEVISION, "No picture", 1))
    check(ticket.timeZone == "America/Chicago", "the caller's zone: ${ticket.timeZone}")
    check(ticket.respondBy == Instant.parse("2026-03-09T15:55:00Z"), "respond by Monday 10:55 CDT: ${ticket.respondBy}")
    check(ticket.resolveBy == Instant.parse("2026-03-09T21:55:00Z"), "resolve by Monday 16:55 CDT: ${ticket.resolveBy}")
    println("ok  a Friday 16:55 ticket with two business hours is due Monday 10:55 in Chicago")

    s.advanceClock(Duration.ofHours(65))  // Monday 10:55 CDT: 65 hours later, one of them skipped
    check(s.ticketsWaitingTooLong(admin).tickets.isEmpty(), "not late at the deadline itself")
    s.advanceClock(Duration.ofMinutes(1))
    check(s.ticketsWaitingTooLong(admin).tickets.single().ticket.id == ticket.id, "late a minute after it")
    println("ok  waiting too long only past the business-hour deadline")

    // Monday 10:56: a second ticket waits an hour on the caller; its deadline moves by the hour.
    val second = s.submitTicket(hal, carla.id, NewTicket(ProductCategory.TELEVISION, "Remote does nothing", 1))
    val due = second.respondBy ?: error("an open ticket has a deadline")
    val waiting = s.waitForCustomer(hal, second.id, "the remote's model number")
    check(waiting.status == TicketStatus.WAITING_FOR_CUSTOMER && waiting.respondBy == null, "the clock stands still: $waiting")
    check((waiting.state as TicketState.WaitingForCustomer).resumes == TicketStatus.OPEN, "it will resume open")
    s.advanceClock(Duration.ofHours(1))
    val back = s.replyToTicket(Actor(Role.CUSTOMER, carla.id), second.id)
    check(back.status == TicketStatus.OPEN && back.respondBy == due.plus(Duration.ofHours(1)), "an hour later: ${back.respondBy}")
    println("ok  an hour waiting on the caller moves the deadline by an hour")

    val thin = ServiceHours.Business(listOf(WorkWindow(Weekday.MONDAY, "09:00", "09:30")), emptyList())
    expectInvalid("business_hours", "half an hour a week") { s.definePlan(admin, terms.copy(hours = thin)) }
    val noSuchDay = ServiceHours.Business(office.windows, listOf("2026-02-30"))
    expectInvalid("date", "a holiday on February 30") { s.definePlan(admin, terms.copy(hours = noSuchDay)) }
    expectInvalid("time_zone", "a zone on Mars") {
        s.registerCustomer(hal, Contact("Marvin", "marvin@example.com", "+13125550101", MessageChannel.EMAIL), home.copy(timeZone = "Mars/Olympus"), plan.id)
    }
    s.close()
}
