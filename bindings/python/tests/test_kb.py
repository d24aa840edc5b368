"""The knowledge base from Python: an expert writes and improves an article, helpdesk finds it
while the caller is on the line (typos and all), every revision stays readable, and whatever is
typed in the search box is answered or refused with a typed error."""

from __future__ import annotations

from pathlib import Path

import pytest

import sysops
from conftest import Office, caller_address
from sysops import ArticleContent, DiffOp, ProductCategory


def content(title: str, body: str, tags: list[str]) -> ArticleContent:
    return ArticleContent(title, body, [ProductCategory.TELEVISION], tags)


def test_an_expert_improves_an_article_and_helpdesk_finds_it(office: Office) -> None:
    s = office.sysops
    first = s.write_article(office.expert, content("No picture on HDMI", "Check the input source.", ["hdmi"]))
    s.write_article(office.expert, content("Remote does not pair", "Replace the batteries.", ["remote"]))
    revised = s.revise_article(
        office.expert, first.id, content("No picture on HDMI", "Check the input source.\nReseat the cable.", ["HDMI"]), "cable is the usual cause"
    )
    assert [r.revision for r in revised.revisions] == [1, 2]
    assert revised.revisions[1].why == "cable is the usual cause"
    assert revised.content.tags == ["hdmi"], "tags are stored lower-cased"

    found = s.search_articles(office.helpdesk, "reseat cable")
    assert [(h.article, h.revision, h.title) for h in found.hits] == [(first.id, 2, "No picture on HDMI")]
    assert any(part.highlighted for part in found.hits[0].snippet)
    assert found.corrected is None and found.next_offset is None

    typo = s.search_articles(office.helpdesk, "batteires")
    assert typo.corrected == "batteries"
    assert [h.title for h in typo.hits] == ["Remote does not pair"]

    only_remote = s.search_articles(office.helpdesk, "pair OR picture", categories=["television"], tags=["remote"])
    assert only_remote.hits == [], "every word must match: OR is a word"

    assert s.article_revision(office.helpdesk, first.id, 1).content.body == "Check the input source."
    with pytest.raises(sysops.InvalidInputError):
        s.article_revision(office.helpdesk, first.id, 2**64)
    diff = s.compare_revisions(office.admin, first.id, 1, 2)
    assert [(line.op, line.text) for line in diff] == [(DiffOp.SAME, "Check the input source."), (DiffOp.ADDED, "Reseat the cable.")]


def test_a_retired_article_leaves_search_but_not_history(office: Office) -> None:
    s = office.sysops
    article = s.write_article(office.admin, content("Old set-top box", "Hold reset for ten seconds.", []))
    retired = s.retire_article(office.admin, article.id, "box no longer supported")
    assert retired.retired_at is not None
    assert s.search_articles(office.helpdesk, "reset").hits == []
    assert s.article(office.helpdesk, article.id).content.title == "Old set-top box"
    with pytest.raises(sysops.RuleViolatedError) as refused:
        s.revise_article(office.admin, article.id, content("Old set-top box", "new", []), "again")
    assert refused.value.rule == sysops.Rule.ARTICLE_RETIRED


def test_whatever_is_typed_is_answered_or_a_typed_error(office: Office) -> None:
    s = office.sysops
    s.write_article(office.expert, content("Sound but no picture", "Try another HDMI port.", []))
    for text in ['"', "(((", "NEAR(a b)", "title:hdmi", "'; DROP TABLE kb_articles; --", "a & !b | c:*", "📺 hdmi", "x" * 10_000]:
        try:
            s.search_articles(office.helpdesk, text)
        except sysops.InvalidInputError as e:
            assert e.field == "query"
    with pytest.raises(sysops.InvalidInputError) as too_long:
        s.search_articles(office.helpdesk, "x" * 10_001)
    assert too_long.value.field == "query"
    for offset, limit in [(0, 0), (0, 101), (-1, 20), (2**40, 20), (1_001, 20), (2**64, 20), (0, -(2**70))]:
        with pytest.raises(sysops.InvalidInputError):
            s.search_articles(office.helpdesk, "hdmi", offset=offset, limit=limit)


def test_customers_cannot_read_the_knowledge_base(office: Office) -> None:
    s = office.sysops
    customer = s.register_customer(office.helpdesk, sysops.Contact("Cy", "cy@example.com", "+13125550111"), caller_address(), office.plan.id)
    with pytest.raises(sysops.ForbiddenError):
        s.search_articles(sysops.Actor(sysops.Role.CUSTOMER, customer.id), "hdmi")


def test_the_call_center_imports_its_articles_with_progress(office: Office) -> None:
    s = office.sysops
    contents = [content(f"Error E{n}", f"Unplug for ten seconds to clear E{n}.", []) for n in range(250)]
    seen: list[tuple[int, int]] = []
    ids = s.import_articles(office.admin, contents, lambda imported, total: seen.append((imported, total)))
    assert seen == [(100, 250), (200, 250), (250, 250)]
    assert len(ids) == 250
    assert [h.article for h in s.search_articles(office.helpdesk, "E249").hits] == [ids[249]]

    def broken(imported: int, total: int) -> None:
        raise RuntimeError("a progress bar bug")

    more = s.import_articles(office.admin, [content("Error F1", "Reseat the board.", [])], broken)
    assert len(more) == 1, "a failing progress callback does not stop the import"
    bad = contents[:2] + [ArticleContent("", "body", [ProductCategory.TELEVISION], [])]
    with pytest.raises(sysops.InvalidInputError) as refused:
        s.import_articles(office.admin, bad)
    assert "article 2" in refused.value.reason
    with pytest.raises(sysops.InvalidInputError):
        s.import_articles(office.admin, [], progress=42)  # type: ignore[arg-type]


def test_an_expert_records_the_articles_that_solved_a_ticket(office: Office) -> None:
    s = office.sysops
    hdmi = s.write_article(office.expert, content("No picture on HDMI", "Reseat the cable.", ["hdmi"]))
    remote = s.write_article(office.expert, content("Remote does not pair", "Replace the batteries.", []))
    caller = s.register_customer(office.helpdesk, sysops.Contact("Ann Lee", "ann@example.com", "+13125550101"), caller_address(), office.plan.id)
    ticket = s.submit_ticket(office.helpdesk, caller.id, category="television", description="No picture")
    s.assign_ticket(office.admin, ticket.id, office.expert.id)
    s.accept_ticket(office.expert, ticket.id)
    s.start_work(office.expert, ticket.id)
    s.complete_ticket(office.expert, ticket.id, "Reseated the HDMI cable")

    solved = s.record_solution(office.expert, ticket.id, [hdmi.id])
    assert solved.solved_by == [hdmi.id]
    assert s.times_solved(office.helpdesk, [hdmi.id, remote.id]) == [1, 0]
    assert [(h.title, h.solved_tickets) for h in s.search_articles(office.helpdesk, "cable").hits] == [("No picture on HDMI", 1)]
    change = s.ticket_history(office.admin, ticket.id)[-1].change
    assert isinstance(change, sysops.TicketChange.SolutionRecorded) and change.articles == [hdmi.id]

    with pytest.raises(sysops.RuleViolatedError):
        s.record_solution(office.expert, ticket.id, [hdmi.id])
    with pytest.raises(sysops.NotFoundError):
        s.record_solution(office.expert, ticket.id, ["01950000-0000-7000-8000-000000000001"])
    with pytest.raises(sysops.InvalidInputError):
        s.times_solved(office.helpdesk, [hdmi.id] * 1001)


def test_an_experts_phone_searches_its_offline_copy(office: Office, tmp_path: Path) -> None:
    server = office.sysops
    article = server.write_article(office.expert, content("No picture on HDMI", "Reseat the cable.", ["hdmi"]))
    phone = sysops.Sysops.open(f"sqlite://{tmp_path / 'phone.db'}")
    with pytest.raises(sysops.ForbiddenError):
        phone.search_articles(office.expert, "cable")

    def sync() -> sysops.ArticleSyncReport:
        request = phone.article_sync_request(office.expert)
        answer = server.article_sync_answer(office.expert, request)   # over the app's own HTTPS
        return phone.apply_article_sync(office.expert, answer)

    first = sync()
    assert first.articles_updated == 1 and not first.more
    assert [h.title for h in phone.search_articles(office.expert, "cable").hits] == ["No picture on HDMI"]
    server.revise_article(office.expert, article.id, content("No picture on HDMI", "Switch the input.", ["hdmi"]), "input first")
    assert sync().articles_updated == 1
    assert [h.title for h in phone.search_articles(office.expert, "input").hits] == ["No picture on HDMI"]
    assert sync().events_applied == 0
    with pytest.raises(sysops.InvalidInputError):
        phone.apply_article_sync(office.expert, b"{not json")
    phone.close()
