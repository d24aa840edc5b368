// The knowledge base from Kotlin, as the experts' app uses it: write an article, improve it,
// search it (phrases, prefixes, a typo), read an old revision and the diff, and the typed
// errors of a bad query, a bad page and a customer asking.
// Usage: KnowledgeBaseKt DATABASE_URL
import kotlinx.coroutines.runBlocking
import org.sysops.*
import java.time.Instant

fun main(args: Array<String>) = runBlocking {
    val url = args.getOrNull(0) ?: error("usage: KnowledgeBaseKt DATABASE_URL")
    val s = Sysops.openSimulated(url, Instant.parse("2026-03-02T15:00:00Z"), 17uL)
    val admin = Actor(Role.ADMINISTRATOR, s.createStaffAccount(systemActor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    val eve = Actor(Role.EXPERT, s.createStaffAccount(admin, "Eve Expert", "eve@sysops.example", StaffRole.EXPERT).id)
    val hal = Actor(Role.HELPDESK, s.createStaffAccount(admin, "Hal Helpdesk", "hal@sysops.example", StaffRole.HELPDESK).id)
    fun article(title: String, body: String) = ArticleContent(title, body, listOf(ProductCategory.PRINTER), listOf("paper"))

    val jam = s.writeArticle(eve, article("Paper jam in tray two", "Open tray two.\nPull the sheet out."))
    s.writeArticle(eve, article("Printer offline", "Reconnect the printer to the router."))
    val revised = s.reviseArticle(eve, jam.id, article("Paper jam in tray two", "Open tray two.\nPull the sheet out slowly."), "tears otherwise")
    check(revised.revisions.map { it.revision } == listOf(1u, 2u), "two revisions: ${revised.revisions}")

    val phrase = s.searchArticles(hal, "\"sheet out slowly\"", emptyList(), emptyList(), 0u, 20u)
    check(phrase.hits.map { it.title } == listOf("Paper jam in tray two") && phrase.hits[0].revision == 2u, "phrase: $phrase")
    check(phrase.hits[0].snippet.any { it.highlighted }, "a highlighted snippet: ${phrase.hits[0].snippet}")
    val prefix = s.searchArticles(eve, "reconn*", listOf(ProductCategory.PRINTER), listOf("paper"), 0u, 20u)
    check(prefix.hits.map { it.title } == listOf("Printer offline"), "prefix: $prefix")
    val typo = s.searchArticles(eve, "pritner offline", emptyList(), emptyList(), 0u, 20u)
    check(typo.corrected == "printer offline" && typo.hits.size == 1, "typo corrected: $typo")
    println("ok  search: phrase, prefix with filters, typo -> ${typo.corrected}")

    val old = s.articleRevision(hal, jam.id, 1u)
    check(old.content.body == "Open tray two.\nPull the sheet out.", "revision 1 reads back")
    val diff = s.compareRevisions(hal, jam.id, 1u, 2u)
    check(diff.map { it.op } == listOf(DiffOp.SAME, DiffOp.REMOVED, DiffOp.ADDED), "diff: $diff")
    println("ok  revision 1 and the diff to revision 2")

    val tooLong = expectThrows<SysopsException.InvalidInput>("a 10,001-character query") {
        runBlocking { s.searchArticles(hal, "x".repeat(10_001), emptyList(), emptyList(), 0u, 20u) }
    }
    check(tooLong.field == "query", "the query field: ${tooLong.field}")
    expectThrows<SysopsException.InvalidInput>("a page of 101") { runBlocking { s.searchArticles(hal, "jam", emptyList(), emptyList(), 0u, 101u) } }
    expectThrows<SysopsException.InvalidInput>("a tag with a space") {
        runBlocking { s.writeArticle(eve, ArticleContent("t", "b", listOf(ProductCategory.PRINTER), listOf("two words"))) }
    }
    expectThrows<SysopsException.NotFound>("revision 9") { runBlocking { s.articleRevision(hal, jam.id, 9u) } }
    val cy = s.registerCustomer(hal, Contact("Cy", "cy@example.com", "+13125550111", MessageChannel.EMAIL), Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago"), s.definePlan(admin, PlanTerms("Basic", Money(java.math.BigDecimal("9.99"), Currency.USD), listOf(ProductCategory.PRINTER), Priority.STANDARD, ServiceTargets(java.time.Duration.ofMinutes(30), java.time.Duration.ofHours(4), java.time.Duration.ofHours(48), java.time.Duration.ofDays(7)), ServiceHours.AroundTheClock)).id)
    expectThrows<SysopsException.Forbidden>("a customer searching") {
        runBlocking { s.searchArticles(Actor(Role.CUSTOMER, cy.id), "jam", emptyList(), emptyList(), 0u, 20u) }
    }
    // The call center's existing articles, imported with a progress listener.
    val seen = mutableListOf<Pair<ULong, ULong>>()
    val listener = object : ImportListener {
        override fun progress(imported: ULong, total: ULong) { seen.add(imported to total) }
    }
    val many = (0 until 150).map { article("Error E$it", "Unplug for ten seconds to clear E$it.") }
    val ids = s.importArticles(admin, many, listener)
    check(ids.size == 150 && seen == listOf(100uL to 150uL, 150uL to 150uL), "imported with progress: $seen")
    val bad = expectThrows<SysopsException.InvalidInput>("an import with an empty title") {
        runBlocking { s.importArticles(admin, listOf(article("ok", "ok"), article("", "body")), null) }
    }
    check(bad.reason.contains("article 1"), "the bad article's position: ${bad.reason}")
    println("ok  150 articles imported, progress after each page of 100")
    // Eve's phone keeps an offline copy: request bytes out, answer bytes back over the app's own
    // transport, applied; then the same search works without the server.
    val eveProfile = ExpertProfile("Eve Expert", listOf(Skill(ProductCategory.PRINTER, 3)), GeoPoint(41.88, -87.63), 50, officeHours(), 5)
    s.registerExpert(admin, eve.id, eveProfile)
    val phone = Sysops.open("sqlite::memory:")
    var report: ArticleSyncReport
    do {
        val answer = s.articleSyncAnswer(eve, phone.articleSyncRequest(eve))
        report = phone.applyArticleSync(eve, answer)
    } while (report.more)
    check(report.articlesUpdated >= 152uL, "the printer articles reached the phone: $report")
    val offline = phone.searchArticles(eve, "\"sheet out slowly\"", emptyList(), emptyList(), 0u, 20u)
    check(offline.hits.map { it.title } == listOf("Paper jam in tray two"), "offline search: $offline")
    val again = phone.applyArticleSync(eve, s.articleSyncAnswer(eve, phone.articleSyncRequest(eve)))
    check(again.eventsApplied == 0uL, "up to date: $again")
    expectThrows<SysopsException.InvalidInput>("a tampered answer") { runBlocking { phone.applyArticleSync(eve, "{}".toByteArray()) } }
    println("ok  Eve's phone: ${report.articlesUpdated} articles synced, searched offline")
    phone.shutdown()
    s.shutdown()
    println("ok  knowledge base from Kotlin")
}
