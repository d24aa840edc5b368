// The expert's phone from Kotlin, as the mobile app runs it: a replica in its own SQLite file,
// synced with the server through a simulated transport. Eve accepts an offer online, then
// works an hour offline (the app is even killed), her commands queued on the phone; meanwhile
// her second offer expires on the server. Back online, the work is applied once and the late
// acceptance is refused with OfferExpired: that ticket leaves her phone.
// Usage: PhoneKt SERVER_DATABASE_URL PHONE_DATABASE_URL
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant

/** The app's transport: the server's sync endpoint, or nothing while there is no signal. */
class Transport(private val server: Sysops, private val expert: Actor) {
    var online = true
    var exchanges = 0

    suspend fun carry(request: ByteArray): ByteArray? {
        if (!online) return null
        exchanges += 1
        return server.serveSync(expert, request)
    }
}

/** Syncs until the server has nothing more; null when offline (the queue stays on the phone). */
suspend fun syncPhone(phone: Replica, transport: Transport): List<RefusedCommand>? {
    val refused = mutableListOf<RefusedCommand>()
    while (true) {
        val answer = transport.carry(phone.request(50u)) ?: return null
        val report = phone.receive(answer)
        refused += report.refused
        if (!report.more) return refused
    }
}

fun main(args: Array<String>) = runBlocking {
    val serverUrl = args.getOrNull(0) ?: error("usage: PhoneKt SERVER_DATABASE_URL PHONE_DATABASE_URL")
    val phoneUrl = args.getOrNull(1) ?: error("usage: PhoneKt SERVER_DATABASE_URL PHONE_DATABASE_URL")
    val morning = Instant.parse("2026-03-02T14:00:00Z")
    val server = Sysops.openSimulated(serverUrl, morning, 11uL)
    val ada = server.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR)
    val admin = Actor(Role.ADMINISTRATOR, ada.id)
    val targets = ServiceTargets(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(48), Duration.ofDays(7))
    val plan = server.definePlan(
        admin,
        PlanTerms("Gold", Money(BigDecimal("29.99"), Currency.USD), listOf(ProductCategory.TELEVISION), Priority.HIGH, targets, ServiceHours.AroundTheClock),
    )
    val account = server.createStaffAccount(admin, "Eve Expert", "eve@sysops.example", StaffRole.EXPERT)
    val profile = ExpertProfile("Eve Expert", listOf(Skill(ProductCategory.TELEVISION, 3)), GeoPoint(41.8781, -87.6298), 50, officeHours(), 5)
    val eve = Actor(Role.EXPERT, server.registerExpert(admin, account.id, profile).id)
    val address = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val carla = server.registerCustomer(admin, Contact("Carla Caller", "carla@example.com", "+13125550100", MessageChannel.SMS), address, plan.id)
    val customer = Actor(Role.CUSTOMER, carla.id)
    val (first, second) = listOf("No picture", "No sound").map {
        val ticket = server.submitTicket(customer, carla.id, NewTicket(ProductCategory.TELEVISION, it, 2)).id
        server.assignTicket(admin, ticket, eve.id)
        ticket
    }
    val article = server.writeArticle(admin, ArticleContent("No picture on HDMI", "Reseat the HDMI cable.", listOf(ProductCategory.TELEVISION), listOf())).id

    // 08:00 in Chicago: the first sync brings both offers, Carla's card and the article.
    val transport = Transport(server, eve)
    var phone = Replica.open(phoneUrl, eve.id, morning, 21uL)
    check(syncPhone(phone, transport) == listOf<RefusedCommand>(), "the first sync")
    check(phone.tickets().map { it.status } == listOf(TicketStatus.ASSIGNED, TicketStatus.ASSIGNED), "two offers on the phone")
    check(phone.customer(carla.id).contact.phone == "+13125550100", "the visit's customer")
    check(phone.searchArticles("hdmi cable", listOf(), listOf(), 0u, 5u).hits.map { it.article } == listOf(article), "articles offline")
    phone.accept(first)
    check(syncPhone(phone, transport)!!.isEmpty() && server.ticket(admin, first).status == TicketStatus.ACCEPTED, "accepted online")
    println("ok  first sync: 2 offers, their customer and the article; the first offer accepted online")

    // 08:05: into the basement. An hour without signal, every command answered by the phone.
    transport.online = false
    val clocks = { minutes: Long ->
        server.advanceClock(Duration.ofMinutes(minutes))
        phone.advanceClock(Duration.ofMinutes(minutes))
    }
    clocks(5)
    phone.accept(second)
    phone.start(first)
    check(syncPhone(phone, transport) == null, "no signal")
    clocks(20)
    val refusedLocally = expectThrows<SysopsException.InvalidTransition>("completing twice") {
        runBlocking {
            phone.complete(first, "Reseated the HDMI cable")
            phone.complete(first, "again")
        }
    }
    check(refusedLocally.status == TicketStatus.COMPLETED, "the phone refuses at once, with the server's error")
    phone.linkArticles(first, listOf(article))
    // The app is killed and started again: the queue is on disk.
    phone = Replica.open(phoneUrl, eve.id, morning.plus(Duration.ofMinutes(25)), 22uL)
    check(phone.queued().size == 4, "four commands queued offline")
    check(phone.ticket(first).status == TicketStatus.COMPLETED && phone.ticket(second).status == TicketStatus.ACCEPTED, "shown as done")

    // Meanwhile the server never heard her answer to the second offer: it expires.
    server.advanceClock(Duration.ofMinutes(40))
    phone.advanceClock(Duration.ofMinutes(40))
    check(server.expireOverdueOffers(systemActor()) == listOf(second), "the second offer expired on the server")
    println("ok  an hour offline: 4 commands queued and shown, one refused at once, the app restarted")

    // 09:05: signal again. The work is applied once; the late acceptance is refused and rolled back.
    transport.online = true
    val refused = syncPhone(phone, transport)!!
    check(refused.size == 1 && refused[0].command.ticket == second, "one refusal, for the second ticket")
    check(refused[0].refusal == Refusal.OfferExpired, "refused because the offer expired: ${refused[0].refusal}")
    check(phone.queued().isEmpty() && phone.refused() == refused, "nothing left queued; the refusal kept to show")
    check(phone.tickets().map { it.id } == listOf(first), "the second ticket left the phone")
    val done = server.ticket(admin, first)
    check(done.status == TicketStatus.COMPLETED && done.solvedBy == listOf(article), "the server has the work and the solution")
    val history = server.ticketHistory(admin, first)
    check(history.count { it.by == eve } == 4, "accept, start, complete, link: each once (${history.size} events)")
    phone.dismiss(refused[0].command.id)
    check(phone.refused().isEmpty(), "dismissed")
    println("ok  back online: 3 commands applied once, the late acceptance refused (OfferExpired) and rolled back")

    // A stale answer (a duplicate delivered late) is a typed error and changes nothing.
    val stale = server.serveSync(eve, phone.request(50u))
    phone.receive(server.serveSync(eve, phone.request(50u)))
    val fault = expectThrows<SysopsException.Sync>("a stale answer") { runBlocking { phone.receive(stale) } }
    check(fault.fault == SyncFault.STALE, "stale")
    println("ok  a stale answer is SysopsException.Sync(STALE); ${transport.exchanges} exchanges in all")
    server.shutdown()
}
