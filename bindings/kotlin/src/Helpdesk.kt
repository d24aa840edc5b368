// Helpdesk search from Kotlin, as a call-center app uses it: a returning caller found by the
// phone number they call from in any formatting, by email and by part of their name; their
// tickets by the number they read out and by status; and the typed errors of a bad search.
// Usage: HelpdeskKt DATABASE_URL
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.time.Duration
import java.time.Instant

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: HelpdeskKt DATABASE_URL")
    val s = Sysops.openSimulated(url, Instant.parse("2026-03-02T15:00:00Z"), 23uL)
    val admin = Actor(Role.ADMINISTRATOR, s.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    val hal = Actor(Role.HELPDESK, s.createStaffAccount(admin, "Hal Helpdesk", "hal@sysops.example", StaffRole.HELPDESK).id)
    val targets = ServiceTargets(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(48), Duration.ofDays(7))
    val plan = s.definePlan(admin, PlanTerms("Basic", Money(java.math.BigDecimal("9.99"), Currency.USD), listOf(ProductCategory.TELEVISION), Priority.STANDARD, targets, ServiceHours.AroundTheClock))
    val home = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val jose = s.registerCustomer(hal, Contact("José García", "Jose.Garcia@Example.com", "+13125550100", MessageChannel.EMAIL), home, plan.id)
    s.registerCustomer(hal, Contact("Bob Smith", "bob@example.com", "+16175550100", MessageChannel.EMAIL), home, plan.id)

    for (typed in listOf("(312) 555-0100", "312.555.0100", "+1 312 555 0100")) {
        val found = s.findCustomers(hal, typed, 0u, 20u)
        check(found.customers.map { it.id } == listOf(jose.id) && found.matchedBy == LookupKind.PHONE, "$typed: $found")
    }
    check(s.findCustomers(hal, "555 0100", 0u, 20u).customers.map { it.contact.name } == listOf("Bob Smith", "José García"), "seven digits")
    check(s.findCustomers(hal, "jose.garcia@EXAMPLE.com", 0u, 20u).customers.single().id == jose.id, "email, any case")
    check(s.findCustomers(hal, "GARC jose", 0u, 20u).customers.single().id == jose.id, "name words, any case or accents")
    println("ok  a caller found by phone in three formats, email and name")

    val first = s.submitTicket(hal, jose.id, NewTicket(ProductCategory.TELEVISION, "No picture", 1))
    s.advanceClock(Duration.ofHours(1))
    val second = s.submitTicket(hal, jose.id, NewTicket(ProductCategory.TELEVISION, "No sound", 1))
    val byNumber = s.findTickets(hal, first.number.lowercase(), null, null, null, 0u, 20u)
    check(byNumber.tickets.map { it.id } == listOf(first.id) && byNumber.matchedBy == LookupKind.TICKET_NUMBER, "by number: $byNumber")
    s.cancelTicket(hal, first.id, "works again")
    val open = s.findTickets(hal, "312-555-0100", TicketStatus.OPEN, null, null, 0u, 20u)
    check(open.tickets.map { it.id } == listOf(second.id), "open tickets of the caller: $open")
    println("ok  ticket ${first.number} found by its number; the caller's open tickets")

    // The expert who fixed it records the article that solved it; the article counts it.
    val account = s.createStaffAccount(admin, "Eve Expert", "eve@sysops.example", StaffRole.EXPERT)
    val profile = ExpertProfile("Eve Expert", listOf(Skill(ProductCategory.TELEVISION, 3)), GeoPoint(41.88, -87.63), 50, officeHours(), 5)
    val eve = Actor(Role.EXPERT, s.registerExpert(admin, account.id, profile).id)
    val article = s.writeArticle(eve, ArticleContent("No sound over HDMI", "Set the audio output to HDMI.", listOf(ProductCategory.TELEVISION), emptyList()))
    s.assignTicket(admin, second.id, eve.id)
    s.acceptTicket(eve, second.id)
    s.startWork(eve, second.id)
    s.completeTicket(eve, second.id, "Audio output was set to optical")
    val solved = s.recordSolution(eve, second.id, listOf(article.id))
    check(solved.solvedBy == listOf(article.id), "solved by: ${solved.solvedBy}")
    check(s.timesSolved(hal, listOf(article.id)) == listOf(1uL), "the article counts the ticket")
    check(s.searchArticles(hal, "hdmi audio", emptyList(), emptyList(), 0u, 20u).hits.single().solvedTickets == 1uL, "and shows it in search")
    val again = expectThrows<SysopsException.RuleViolated>("the same articles again") { runBlocking { s.recordSolution(eve, second.id, listOf(article.id)) } }
    check(again.rule == Rule.NO_CHANGE, "the rule: ${again.rule}")
    println("ok  the article that solved ${second.number} recorded and counted")

    val short = expectThrows<SysopsException.InvalidInput>("six digits") { runBlocking { s.findCustomers(hal, "555-010", 0u, 20u) } }
    check(short.field == "phone digits", "the field: ${short.field}")
    expectThrows<SysopsException.InvalidInput>("a page of 101") { runBlocking { s.findCustomers(hal, "bob", 0u, 101u) } }
    expectThrows<SysopsException.InvalidInput>("an empty window") {
        runBlocking { s.findTickets(hal, null, null, second.submittedAt, second.submittedAt, 0u, 20u) }
    }
    expectThrows<SysopsException.Forbidden>("a customer searching") {
        runBlocking { s.findCustomers(Actor(Role.CUSTOMER, jose.id), "bob", 0u, 20u) }
    }
    println("ok  typed errors: too few digits, a page of 101, an empty window, a customer searching")
}
