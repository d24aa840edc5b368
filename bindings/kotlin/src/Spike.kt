// A load spike from Kotlin: 256 coroutines submit at once against a 1 ms wait limit. Only
// SysopsException.Busy may refuse a call; every answered submission is stored and no refused
// one is; the store serves the next call at once (retrying Busy, as it says).
// Usage: SpikeKt DATABASE_URL
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.math.BigDecimal
import java.time.Duration

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: SpikeKt DATABASE_URL")
    val setup = Sysops.open(url)
    val ada = setup.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR)
    val admin = Actor(Role.ADMINISTRATOR, ada.id)
    val targets = ServiceTargets(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(48), Duration.ofDays(7))
    val plan = setup.definePlan(
        admin,
        PlanTerms("Basic", Money(BigDecimal("9.99"), Currency.USD), listOf(ProductCategory.TELEVISION), Priority.STANDARD, targets, ServiceHours.AroundTheClock),
    )
    val address = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    val customer = setup.registerCustomer(admin, Contact("Carla Caller", "carla@example.com", "+13125550100", MessageChannel.EMAIL), address, plan.id)
    setup.shutdown()
    val carla = Actor(Role.CUSTOMER, customer.id)

    val s = Sysops.openWith(url, null, listOf(), null, 1uL, maxWaitMs = 1uL)
    val answers = (1..256).map { n ->
        async(Dispatchers.IO) {
            try {
                s.submitTicket(carla, customer.id, NewTicket(ProductCategory.TELEVISION, "No picture ($n)", 1))
                true
            } catch (e: SysopsException.Busy) {
                false
            }
        }
    }.awaitAll()
    val stored = answers.count { it }
    // Busy means "retry": with a 1 ms limit even a lone call may meet the last group's clean-up,
    // but the store serves again at once, not after a restart.
    var retries = 0
    while (true) {
        try {
            s.submitTicket(carla, customer.id, NewTicket(ProductCategory.TELEVISION, "After the spike", 1))
            break
        } catch (e: SysopsException.Busy) {
            check(++retries < 100) { "still busy 100 retries after the spike" }
            delay(10)
        }
    }
    val listed = s.countTickets(admin, TicketFilter(customer = customer.id))
    check(listed == (stored + 1).toULong(), "$stored answered submissions and one after, but $listed stored")
    println("ok  256 at once with a 1 ms wait limit: $stored stored, ${256 - stored} busy, the next one stored ($retries retries)")
    s.shutdown()
}
