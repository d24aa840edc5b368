// Reports from Kotlin: a manager reads the ticketing, expert and financial reports of a small
// office, each computed by the database from read models the projector keeps, with the lag it
// was read at and its CSV; customers and experts may not read them.
// Usage: ReportsKt DATABASE_URL
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: ReportsKt DATABASE_URL")
    val start = Instant.parse("2026-03-02T15:00:00Z")
    val s = Sysops.openSimulated(url, start, 41uL)
    val admin = Actor(Role.ADMINISTRATOR, s.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    val meg = Actor(Role.MANAGER, s.createStaffAccount(admin, "Meg Manager", "meg@sysops.example", StaffRole.MANAGER).id)
    val targets = ServiceTargets(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(48), Duration.ofDays(7))
    val terms = PlanTerms("Gold", Money(BigDecimal("29.99"), Currency.USD), listOf(ProductCategory.TELEVISION), Priority.HIGH, targets, ServiceHours.AroundTheClock)
    val plan = s.definePlan(admin, terms)
    val home = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val carla = s.registerCustomer(admin, Contact("Carla Caller", "carla@example.com", "+13125550100", MessageChannel.EMAIL), home, plan.id)
    val customer = Actor(Role.CUSTOMER, carla.id)
    for (n in 1..3) {
        s.submitTicket(customer, carla.id, NewTicket(ProductCategory.TELEVISION, "No picture $n", 1))
    }
    val cancelled = s.submitTicket(customer, carla.id, NewTicket(ProductCategory.TELEVISION, "Never mind", 1))
    s.cancelTicket(customer, cancelled.id, "it works again")
    s.advanceClock(Duration.ofHours(5))

    val stale = s.ticketingReport(meg)
    check(stale.rows.isEmpty() && stale.behindSince == start, "nothing folded in yet, and it says since when: $stale")
    while (s.projectReports(systemActor(), 100u).events > 0uL) {}
    val report = s.ticketingReport(meg)
    check(report.behindSince == null, "every event folded in")
    val row = report.rows.single()
    check(row.region == "IL" && row.planName == "Gold" && row.priority == Priority.HIGH, "grouped by region and plan: $row")
    check(row.submitted == 4uL && row.open == 3uL && row.cancelled == 1uL, "counts by status: $row")
    check(row.waitingTooLong == 3uL, "three open tickets past the four-hour response target: $row")
    check(row.openAgeMaxS == Duration.ofHours(5).seconds, "the oldest open ticket is five hours old: $row")
    check(report.csv.startsWith("region,plan,plan_name,category,priority,submitted,"), "CSV with a header: ${report.csv}")
    check(report.csv.lines().count { it.isNotEmpty() } == 2, "a header and one row")
    println("ok  a manager reads the ticketing report: counts by status, late tickets, ages, CSV")

    val lastWeek = s.ticketingReport(meg, start.minus(Duration.ofDays(7)), start)
    check(lastWeek.rows.isEmpty(), "no ticket was submitted the week before")
    check(s.expertReport(meg).rows.isEmpty() && s.financialReport(meg).rows.isEmpty(), "no expert, no invoice yet")
    println("ok  a period narrows the report; empty reports are empty")

    try {
        s.ticketingReport(customer)
        error("a customer read the report")
    } catch (e: SysopsException.Forbidden) {
        check(e.action == Action.READ_REPORTS, "refused for reading reports: $e")
    }
    expectInvalid("range", "an empty period") { s.ticketingReport(meg, start, start) }
    println("ok  customers may not read reports; an empty period is a typed error")
    s.shutdown()
}
