// Bad input across the boundary, from Kotlin: each case must arrive as the typed
// SysopsException, never as a crash or an InternalException.
// Usage: BadInputKt DATABASE_URL
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant

fun expectInvalid(field: String, what: String, block: suspend () -> Unit) {
    val e = expectThrows<SysopsException.InvalidInput>(what) { runBlocking { block() } }
    check(e.field == field, "$what: expected field $field, got ${e.field} (${e.reason})")
    println("ok  $what -> InvalidInput(${e.field})")
}

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: BadInputKt DATABASE_URL")
    val s = Sysops.open(url)
    val ada = s.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR)
    val admin = Actor(Role.ADMINISTRATOR, ada.id)
    val targets = ServiceTargets(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(48), Duration.ofDays(7))
    val plan = s.definePlan(
        admin,
        PlanTerms("Basic", Money(BigDecimal("9.99"), Currency.USD), listOf(ProductCategory.TELEVISION), Priority.STANDARD, targets, ServiceHours.AroundTheClock),
    )
    val address = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val customer = s.registerCustomer(admin, Contact("Carla Caller", "carla@example.com", "+13125550100", MessageChannel.EMAIL), address, plan.id)
    val account = s.createStaffAccount(admin, "Eve Expert", "eve@sysops.example", StaffRole.EXPERT)
    val hours = WeeklyHours("America/Chicago", listOf(WorkWindow(Weekday.MONDAY, "08:00", "18:00")))
    val profile = ExpertProfile("Eve Expert", listOf(Skill(ProductCategory.TELEVISION, 3)), GeoPoint(41.88, -87.63), 50, hours, 5)
    val expert = s.registerExpert(admin, account.id, profile)

    // Empty and huge strings.
    expectInvalid("name", "an empty name") { s.createStaffAccount(admin, "   ", "x@sysops.example", StaffRole.HELPDESK) }
    expectInvalid("description", "a 1 MB description") {
        s.submitTicket(admin, customer.id, NewTicket(ProductCategory.TELEVISION, "x".repeat(1_000_000), 1))
    }
    expectInvalid("email", "a malformed email") { s.createStaffAccount(admin, "Bo", "not-an-email", StaffRole.HELPDESK) }
    // Out-of-range numbers.
    expectInvalid("skill_level", "skill level 9") {
        s.submitTicket(admin, customer.id, NewTicket(ProductCategory.TELEVISION, "No picture", 9))
    }
    expectInvalid("capacity", "capacity 0") { s.setExpertCapacity(admin, expert.id, 0) }
    expectInvalid("capacity", "capacity Long.MAX_VALUE") { s.setExpertCapacity(admin, expert.id, Long.MAX_VALUE) }
    expectInvalid("service_radius_km", "a negative radius") {
        s.setExpertServiceArea(admin, expert.id, GeoPoint(41.88, -87.63), -5)
    }
    expectInvalid("location", "latitude 200") { s.setExpertServiceArea(admin, expert.id, GeoPoint(200.0, 0.0), 50) }
    expectInvalid("location", "a NaN longitude") { s.setExpertServiceArea(admin, expert.id, GeoPoint(0.0, Double.NaN), 50) }
    expectInvalid("limit", "a negative page size") { s.tickets(admin, TicketFilter(), null, -1) }
    expectInvalid("max_wait_ms", "a wait limit of 0 ms") { Sysops.openWith(url, null, listOf(), null, 1uL, maxWaitMs = 0uL) }
    expectInvalid("time", "a time before 1970") {
        s.addExpertTimeOff(admin, expert.id, Instant.parse("1900-01-01T00:00:00Z"), Instant.parse("1900-01-02T00:00:00Z"))
    }
    // Unknown enumeration values and malformed values of custom types.
    expectInvalid("product_category", "an unknown product category") { productCategoryNamed("hovercraft") }
    expectInvalid("time_zone", "an unknown time zone") {
        s.setExpertHours(admin, expert.id, WeeklyHours("Mars/Olympus", listOf(WorkWindow(Weekday.MONDAY, "08:00", "18:00"))))
    }
    expectInvalid("time_of_day", "a time of day 25:00") {
        s.setExpertHours(admin, expert.id, WeeklyHours("America/Chicago", listOf(WorkWindow(Weekday.MONDAY, "08:00", "25:00"))))
    }
    expectInvalid("id", "a ticket id that is not a UUID") { s.ticket(admin, "ticket-42") }
    expectInvalid("url", "a database URL sysops does not know") { Sysops.open("mysql://localhost/sysops") }

    // Values that once poisoned tickets or panicked: refused, and everything still works after.
    val carla = Actor(Role.CUSTOMER, customer.id)
    val waiting = s.submitTicket(carla, customer.id, NewTicket(ProductCategory.TELEVISION, "No picture", 1))
    for (bad in listOf(Double.NaN, Double.POSITIVE_INFINITY, -1.0, 100.5)) {
        expectInvalid("distance_per_km", "a cost weight of $bad") {
            s.runAssignment(systemActor(), CostWeights(bad, 1.0, 1.0, 1.0, 1.0))
        }
    }
    s.runAssignment(systemActor(), null)
    check(s.ticket(admin, waiting.id).id == waiting.id, "the ticket is still readable")
    val listed = s.tickets(admin, TicketFilter(), null, 10)
    check(listed.tickets.size == 1 && listed.quarantined.isEmpty(), "the ticket is still listed, nothing quarantined")
    println("ok  the ticket is readable and listed and the job runs after bad weights")
    expectInvalid("time", "a simulated clock starting in 1950") {
        Sysops.openSimulated("sqlite::memory:", Instant.parse("1950-01-01T00:00:00Z"), 1uL)
    }
    expectInvalid("time", "a time in the year 10000") {
        s.addExpertTimeOff(admin, expert.id, Instant.parse("2026-07-01T00:00:00Z"), Instant.parse("+10000-01-01T00:00:00Z"))
    }
    val simulated = Sysops.openSimulated("sqlite::memory:", Instant.parse("2026-03-02T15:00:00Z"), 1uL)
    expectInvalid("clock", "a clock pushed past the year 9999") { simulated.advanceClock(Duration.ofDays(365L * 9000)) }
    expectInvalid("duration", "a duration longer than any clock") { simulated.advanceClock(Duration.ofSeconds(Long.MAX_VALUE)) }
    check(simulated.advanceClock(Duration.ZERO) == Instant.parse("2026-03-02T15:00:00Z"), "a refused move changes nothing")
    simulated.shutdown()

    // A closed handle refuses every call with Closed.
    s.shutdown()
    expectThrows<SysopsException.Closed>("a call on a closed handle") { runBlocking { s.ticket(admin, customer.id) } }
    println("ok  a call on a closed handle -> Closed")
}
